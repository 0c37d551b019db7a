//! The plan of a rebuild: from what the changed reports show now and showed
//! when last published, which [`Key`]s changed — and so which outputs are
//! rendered again. Pure: no files, no rendering.

use std::collections::BTreeSet;

use rustc_hash::FxHashSet;
use std::hash::{Hash, Hasher};

use crate::content::Report;
use crate::layout::{Key, Output};
use crate::site;
use crate::site::regions::RegionSlugs;
use crate::site::summary::{Columns, Summary};

/// What the pages built from all reports show of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Its summary, kept: the next renders read it rather than make it.
    pub summary: Summary,
    /// A hash of its row of the year CSV.
    csv_row: u64,
}

impl Shown {
    pub fn of(r: &Report, regions: &RegionSlugs, columns: &Columns) -> Shown {
        let summary = Summary::of(r, regions, columns).kept();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        site::data::figures_hash(r).hash(&mut h);
        let s = &summary;
        (
            s.year,
            &s.township,
            &s.slug,
            &s.organ,
            &s.region,
            s.published,
            &s.format,
        )
            .hash(&mut h);
        Shown {
            csv_row: h.finish(),
            summary,
        }
    }

    /// What the home page shows of a report not of the newest year.
    fn on_home(&self) -> impl PartialEq + '_ {
        let s = &self.summary;
        (
            s.year,
            &s.slug,
            &s.township,
            &s.region,
            &s.region_slug,
            &s.format,
        )
    }

    /// Where the report sits in the site: what the sitemap (its pages and
    /// their dates), the data package and the field list (formats by year)
    /// depend on.
    fn place(&self) -> impl PartialEq + '_ {
        let s = &self.summary;
        (
            s.year,
            &s.slug,
            &s.region,
            &s.region_slug,
            s.published,
            &s.format,
        )
    }
}

/// What changed since the last publish.
pub struct Changed<'a> {
    /// Townships (slugs) with a changed report, before and after the change.
    pub townships: &'a BTreeSet<String>,
    /// Years of the changed reports, before and after.
    pub years: &'a BTreeSet<u16>,
    /// URL names of the changed reports' regions, before and after.
    pub region_slugs: BTreeSet<String>,
    /// Per changed file: what it shows now and what it showed when last
    /// published (`None`: no report then, or none now).
    pub shown: Vec<(Option<&'a Shown>, Option<&'a Shown>)>,
    /// The newest year of the site (its table is on the home page).
    pub newest: Option<u16>,
}

/// Which outputs a rebuild renders.
#[derive(Debug)]
pub struct Plan {
    /// Everything (the first build, a reload, new navigation).
    pub full: bool,
    /// Asked about every report's page on every save: FxHash.
    keys: FxHashSet<Key<'static>>,
}

impl Plan {
    pub fn everything() -> Plan {
        Plan {
            full: true,
            keys: FxHashSet::default(),
        }
    }

    /// What `changed` re-renders.
    pub fn of(changed: &Changed) -> Plan {
        let pairs = &changed.shown;
        let mut keys: FxHashSet<Key<'static>> = FxHashSet::default();
        // A report's pages show its township's other years: all of them.
        keys.extend(
            changed
                .townships
                .iter()
                .map(|s| Key::Township(s.clone().into())),
        );
        // The years whose CSV has a changed, new or removed row.
        keys.extend(
            pairs
                .iter()
                .filter(|(now, before)| now.map(|s| s.csv_row) != before.map(|s| s.csv_row))
                .flat_map(|(now, before)| [now, before].into_iter().flatten())
                .map(|s| Key::YearFigures(s.summary.year)),
        );
        // No summary changed (most saves while drafting: prose, or a figure
        // outside the summary columns): no index page changes.
        let quiet = all_pairs(pairs, |now, before| now.summary == before.summary);
        if !quiet {
            keys.insert(Key::Summaries);
            // A figure of an older year is not on the home page.
            let home = |s: &Shown| Some(s.summary.year) == changed.newest;
            if !all_pairs(pairs, |now, before| {
                !home(now) && !home(before) && now.on_home() == before.on_home()
            }) {
                keys.insert(Key::Home);
            }
            keys.extend(
                changed
                    .townships
                    .iter()
                    .map(|s| Key::TownshipSummary(s.clone().into())),
            );
            keys.extend(changed.years.iter().map(|&y| Key::YearSummary(y)));
            // A region page sums its townships: rendered when a changed
            // report was, or now is, in it.
            keys.extend(
                changed
                    .region_slugs
                    .iter()
                    .map(|s| Key::RegionSummary(s.clone().into())),
            );
        }
        // A report came, went or moved (year, township, region, date,
        // format): the sitemap, the data package and the field list follow.
        if !all_pairs(pairs, |now, before| now.place() == before.place()) {
            keys.insert(Key::Placement);
        }
        Plan { full: false, keys }
    }

    /// Render `out` this time?
    pub fn wants(&self, out: &Output) -> bool {
        // The plan's owned keys, seen as keys of `out`'s lifetime (a set
        // is covariant), so the lookup borrows the output's names.
        let keys: &FxHashSet<Key<'_>> = &self.keys;
        self.full || keys.contains(&out.depends_on())
    }

    /// The year, township and region pages this plan may render, named:
    /// when the site has the same files as last time (every page not
    /// rendered keeps its bytes without being listed as kept).
    pub fn listed(&self) -> Option<site::backend::Listed> {
        if !self.same_files() {
            return None;
        }
        let mut listed = site::backend::Listed::default();
        for k in &self.keys {
            match k {
                Key::YearSummary(y) => listed.years.push(*y),
                Key::TownshipSummary(s) => listed.townships.push(s.to_string()),
                Key::RegionSummary(s) => listed.regions.push(s.to_string()),
                _ => {}
            }
        }
        Some(listed)
    }

    /// Whether only reports' own files are rendered (no file made from all
    /// reports changes: a prose save).
    pub fn reports_only(&self) -> bool {
        !self.full && self.keys.iter().all(|k| matches!(k, Key::Township(_)))
    }

    /// Whether the site has the same files as last time (no report came,
    /// went or moved), so every file not rendered keeps its bytes.
    pub fn same_files(&self) -> bool {
        !self.full && !self.keys.contains(&Key::Placement)
    }
}

/// `same` holds for every file shown before and now; a file shown only
/// before or only now fails it.
fn all_pairs(
    pairs: &[(Option<&Shown>, Option<&Shown>)],
    same: impl Fn(&Shown, &Shown) -> bool,
) -> bool {
    pairs.iter().all(|pair| match pair {
        (Some(now), Some(before)) => same(now, before),
        (None, None) => true,
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(year: u16, slug: &str, figure: i128, row: u64) -> Shown {
        let summary = Summary {
            figures: vec![Some(figure)],
            received: Some(figure),
            handled: Some(figure),
            ..Summary::sample(year, slug)
        };
        Shown {
            summary,
            csv_row: row,
        }
    }

    fn plan(now: &Shown, before: &Shown) -> Plan {
        let townships = BTreeSet::from([now.summary.slug.clone()]);
        let years = BTreeSet::from([now.summary.year, before.summary.year]);
        Plan::of(&Changed {
            townships: &townships,
            years: &years,
            region_slugs: BTreeSet::new(),
            shown: vec![(Some(now), Some(before))],
            newest: Some(2021),
        })
    }

    const PAGE: Output = Output::Report {
        year: 2021,
        slug: "pingan",
    };
    const OTHER: Output = Output::Report {
        year: 2021,
        slug: "xinan",
    };

    #[test]
    fn prose_re_renders_the_township_s_pages_only() {
        let p = plan(&shown(2021, "pingan", 5, 1), &shown(2021, "pingan", 5, 1));
        assert!(p.wants(&PAGE) && !p.wants(&OTHER));
        assert!(!p.wants(&Output::Township("pingan")));
        assert!(!p.wants(&Output::Year(2021)) && !p.wants(&Output::YearCsv(2021)));
        assert!(!p.wants(&Output::Home) && !p.wants(&Output::Sitemap));
        assert!(p.same_files() && p.reports_only());
    }

    #[test]
    fn a_csv_figure_re_renders_its_year_file() {
        let p = plan(&shown(2021, "pingan", 5, 2), &shown(2021, "pingan", 5, 1));
        assert!(p.wants(&Output::YearCsv(2021)) && !p.wants(&Output::YearCsv(2022)));
        assert!(!p.wants(&Output::Year(2021)) && !p.wants(&Output::Home));
        assert!(!p.reports_only());
    }

    #[test]
    fn a_summary_figure_re_renders_the_pages_that_sum_it() {
        let p = plan(&shown(2021, "pingan", 6, 2), &shown(2021, "pingan", 5, 1));
        assert!(p.wants(&Output::Year(2021)) && !p.wants(&Output::Year(2020)));
        assert!(p.wants(&Output::Township("pingan")) && !p.wants(&Output::Township("xinan")));
        assert!(p.wants(&Output::Home) && p.wants(&Output::Atom));
        assert!(!p.wants(&Output::Sitemap) && p.same_files());
    }

    #[test]
    fn the_home_page_follows_the_newest_year_and_every_name() {
        // A figure of an older year: its year page, not the home page.
        let p = plan(&shown(2020, "pingan", 6, 2), &shown(2020, "pingan", 5, 1));
        assert!(p.wants(&Output::Year(2020)) && p.wants(&Output::ReportList));
        assert!(!p.wants(&Output::Home));
        // A township's new name shows in the home page's list.
        let mut renamed = shown(2020, "pingan", 5, 1);
        renamed.summary = Summary {
            township: "平安镇".into(),
            ..renamed.summary.clone()
        };
        let p = plan(&renamed, &shown(2020, "pingan", 5, 1));
        assert!(p.wants(&Output::Home));
        // Moved into the newest year.
        let p = plan(&shown(2021, "pingan", 5, 1), &shown(2020, "pingan", 5, 1));
        assert!(p.wants(&Output::Home));
    }

    #[test]
    fn a_move_re_renders_the_site_wide_files() {
        let p = plan(&shown(2022, "pingan", 5, 1), &shown(2021, "pingan", 5, 1));
        assert!(p.wants(&Output::Year(2021)) && p.wants(&Output::Year(2022)));
        assert!(p.wants(&Output::Sitemap) && p.wants(&Output::DataPackage));
        assert!(!p.same_files());
        assert!(!p.wants(&Output::Static("style.css")));
        assert!(Plan::everything().wants(&Output::Static("style.css")));
    }
}
