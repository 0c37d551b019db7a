//! The URL layout: every file the site publishes, where it goes, and what it
//! is made from.
//!
//! This is the only module that spells an output path. Pages, open data,
//! feeds, the sitemap and watch mode name an [`Output`] and ask it for its
//! path, its link from the site root, or the [`Key`]s it depends on; watch
//! mode compares the keys a save changed with those, instead of reading
//! meaning back out of path strings. A new page type is one variant here
//! (its path and its keys) plus its template.

use std::borrow::Cow;
use std::fmt::Write as _;

/// One file of the published site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output<'a> {
    /// A report's page: `{year}/{slug}/index.html`.
    Report {
        year: u16,
        slug: &'a str,
    },
    /// A report's figures as JSON, beside its page.
    ReportJson {
        year: u16,
        slug: &'a str,
    },
    /// The year page: every report of the year, summed.
    Year(u16),
    /// A township's page: its reports over the years.
    Township(&'a str),
    /// A region's page (by its URL name): its townships, summed per year.
    Region(&'a str),
    Home,
    /// The search page (`[search] enabled`).
    Search,
    /// The page a server shows for any missing path.
    NotFound,
    /// A year's figures, one row per report.
    YearCsv(u16),
    /// The dictionary of the CSV columns.
    Fields,
    /// Every report, listed with its links and summary figures.
    ReportList,
    /// The Frictionless data package describing the CSVs.
    DataPackage,
    Sitemap,
    Atom,
    Robots,
    /// A theme's static file, by its path under `static/`.
    Static(&'a str),
}

/// What an output is made from. A change to a key re-renders exactly the
/// outputs that name it (a change to the theme, `site.toml` or a format
/// re-renders everything). Names are borrowed when an output asks for its
/// key (the watcher asks for every report's on each save) and owned in a
/// plan: `Cow` hashes and compares as the text either way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key<'a> {
    /// Anything in a report of this township (by slug): prose, tables,
    /// front matter. A report's page shows its township's other years.
    Township(Cow<'a, str>),
    /// The summary records of a township's reports (its index page).
    TownshipSummary(Cow<'a, str>),
    /// The summary records of one year's reports.
    YearSummary(u16),
    /// The summary records of a region's reports (by region URL name).
    RegionSummary(Cow<'a, str>),
    /// Any report's summary record: the files that list every report.
    Summaries,
    /// What the home page shows: the newest year's summary records, and of
    /// every report its year, township and region names and format.
    Home,
    /// The cell figures of one year's reports (its CSV rows).
    YearFigures(u16),
    /// Which reports exist, and where: year, township, region, date, format.
    Placement,
    /// The theme alone (only a full reload changes it).
    Theme,
}

/// Where the search bundle's files go (written by the search index).
pub const SEARCH_BUNDLE: &str = "pagefind";

impl<'a> Output<'a> {
    /// The file's path relative to the output folder.
    pub fn path(&self) -> String {
        let mut p = String::new();
        // Writing into a String cannot fail.
        let _ = match self {
            Output::Report { year, slug } => write!(p, "{year}/{slug}/index.html"),
            Output::ReportJson { year, slug } => write!(p, "{year}/{slug}/report.json"),
            Output::Year(year) => write!(p, "{year}/index.html"),
            Output::Township(slug) => write!(p, "townships/{slug}/index.html"),
            Output::Region(slug) => write!(p, "regions/{slug}/index.html"),
            Output::Home => write!(p, "index.html"),
            Output::Search => write!(p, "search/index.html"),
            Output::NotFound => write!(p, "404.html"),
            Output::YearCsv(year) => write!(p, "data/{year}.csv"),
            Output::Fields => write!(p, "data/fields.csv"),
            Output::ReportList => write!(p, "data/reports.json"),
            Output::DataPackage => write!(p, "datapackage.json"),
            Output::Sitemap => write!(p, "sitemap.xml"),
            Output::Atom => write!(p, "atom.xml"),
            Output::Robots => write!(p, "robots.txt"),
            Output::Static(name) => write!(p, "static/{name}"),
        };
        p
    }

    /// The link to it from the site root as a reader sees it: a folder's
    /// `index.html` left off, as in `<link rel="canonical">` and the sitemap.
    pub fn url(&self) -> String {
        let mut path = self.path();
        if path.ends_with("index.html") {
            path.truncate(path.len() - "index.html".len());
        }
        path
    }

    /// Whether it is an HTML page (listed in the sitemap, counted as a page).
    pub fn is_page(&self) -> bool {
        matches!(
            self,
            Output::Report { .. }
                | Output::Year(_)
                | Output::Township(_)
                | Output::Region(_)
                | Output::Home
                | Output::Search
                | Output::NotFound
        )
    }

    /// What the output is made from (see [`Key`]): one key each.
    pub fn depends_on(&self) -> Key<'a> {
        match *self {
            Output::Report { slug, .. } | Output::ReportJson { slug, .. } => {
                Key::Township(Cow::Borrowed(slug))
            }
            Output::Year(year) => Key::YearSummary(year),
            Output::Township(slug) => Key::TownshipSummary(Cow::Borrowed(slug)),
            Output::Region(slug) => Key::RegionSummary(Cow::Borrowed(slug)),
            Output::Home => Key::Home,
            Output::Search | Output::NotFound | Output::ReportList | Output::Atom => Key::Summaries,
            Output::YearCsv(year) => Key::YearFigures(year),
            Output::Fields | Output::DataPackage | Output::Sitemap | Output::Robots => {
                Key::Placement
            }
            Output::Static(_) => Key::Theme,
        }
    }
}

/// Relative prefix from the file at `path` back to the site root.
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_urls() {
        let r = Output::Report {
            year: 2021,
            slug: "pingan",
        };
        assert_eq!(r.path(), "2021/pingan/index.html");
        assert_eq!(r.url(), "2021/pingan/");
        assert_eq!(Output::Home.url(), "");
        assert_eq!(Output::YearCsv(2021).url(), "data/2021.csv");
        assert_eq!(root_prefix(&r.path()), "../../");
        assert!(r.is_page() && !Output::Atom.is_page());
    }
}
