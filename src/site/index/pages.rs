//! Which index pages a render makes, and each page's template variables
//! with a hash of them (the watcher re-renders a page only when it
//! changed).

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;
use serde::Serialize;
use tera::Value;

use super::{
    Home, Link, Region, RegionLinks, RowHtml, SummaryTable, TableRow, YearLink, home, region,
    summary_row, summary_table, township,
};
use crate::layout::Output;
use crate::site::backend::Listed;
use crate::site::summary::Summary;

/// An index page's template variables: name, value, and a hash of the value
/// (from the typed record: Tera's maps do not keep an order to hash by).
pub type Vars = Vec<(&'static str, Value, u64)>;

fn var(name: &'static str, value: &impl Serialize) -> (&'static str, Value, u64) {
    (name, Value::from_serializable(value), hash_of(value))
}

/// [`var`] for a record that builds its own template value and hash.
fn shared_var(name: &'static str, value: &impl Shared) -> (&'static str, Value, u64) {
    (name, value.to_value(), value.hash())
}

/// A record whose template value is built by hand rather than serialised,
/// so that equal parts are one reference-counted value: a year of 10,000
/// rows has 110,000 figure cells but a few thousand distinct figures, and
/// serialised they were a map each (about 40 MiB a year page at 50,000
/// reports, the largest part of a build's peak memory). Its rows come
/// made, with their hashes ([`TableRow`]).
trait Shared {
    fn to_value(&self) -> Value;
    fn hash(&self) -> u64;
}

fn map(fields: Vec<(&'static str, Value)>) -> Value {
    Value::from(
        fields
            .into_iter()
            .collect::<BTreeMap<&'static str, Value>>(),
    )
}

/// A report's row of a summary table as template variables, and their
/// hash; `cells`: the figure values made so far, by figure.
pub(super) fn table_row(s: &Summary, cells: &mut HashMap<Option<i128>, Value>) -> TableRow {
    let row = summary_row(s);
    let figures: Vec<Value> = s
        .figures
        .iter()
        .zip(&row.figures)
        .map(|(v, f)| {
            let made = || {
                let text = Value::from(f.text.as_str());
                map(vec![("text", text), ("missing", Value::from(f.missing))])
            };
            cells.entry(*v).or_insert_with(made).clone()
        })
        .collect();
    let value = map(vec![
        ("township", Value::from(row.township)),
        ("url", Value::from(row.url.as_str())),
        ("format", Value::from(row.format)),
        ("format_name", Value::from(row.format_name)),
        ("figures", Value::from(figures)),
    ]);
    (value, hash_of(&row))
}

impl Shared for SummaryTable<'_> {
    fn to_value(&self) -> Value {
        let h = &self.head;
        let rows: Vec<Value> = self.rows.iter().map(|r| r.0.clone()).collect();
        map(vec![
            ("year", Value::from(h.year)),
            ("caption", Value::from(h.caption.as_str())),
            ("columns", Value::from_serializable(&h.columns)),
            ("rows", Value::from(rows)),
            ("totals", Value::from_serializable(&h.totals)),
            ("any_missing", Value::from(h.any_missing)),
            ("mixed", Value::from(h.mixed)),
            ("formats", Value::from_serializable(&h.formats)),
            ("csv_url", Value::from(h.csv_url.as_str())),
            ("rows_html", self.rows_html.clone()),
        ])
    }

    /// Not of `rows_html`: it follows from the rows, `mixed`, the page's
    /// root (the same for every page of a kind) and the theme (a change of
    /// which renders every page again, without comparing hashes).
    fn hash(&self) -> u64 {
        combine(hash_of(&self.head), self.rows.iter().map(|r| r.1))
    }
}

/// A report's links on its region's page, and their hash.
pub(super) fn region_links(s: &Summary) -> RegionLinks {
    let url = s.url();
    let link = Link {
        township: &s.township,
        url: url.clone(),
    };
    let year_link = YearLink { year: s.year, url };
    (
        Value::from_serializable(&link),
        Value::from_serializable(&year_link),
        hash_of(&(&link, &year_link)),
    )
}

impl Shared for Region<'_> {
    fn to_value(&self) -> Value {
        let h = &self.head;
        let years: Vec<Value> = self
            .years
            .iter()
            .map(|y| {
                let reports: Vec<Value> = y.reports.iter().map(|l| l.0.clone()).collect();
                map(vec![
                    ("year", Value::from_serializable(&y.year)),
                    ("count", Value::from_serializable(&y.count)),
                    ("totals", Value::from_serializable(&y.totals)),
                    ("reports", Value::from(reports)),
                ])
            })
            .collect();
        let townships: Vec<Value> = self
            .townships
            .iter()
            .map(|t| {
                let years: Vec<Value> = t.years.iter().map(|l| l.1.clone()).collect();
                map(vec![
                    ("slug", Value::from(t.slug)),
                    ("name", Value::from(t.name)),
                    ("years", Value::from(years)),
                ])
            })
            .collect();
        map(vec![
            ("name", Value::from(h.name)),
            ("slug", Value::from(h.slug)),
            ("columns", Value::from_serializable(&h.columns)),
            ("years", Value::from(years)),
            ("townships", Value::from(townships)),
            ("any_partial", Value::from(h.any_partial)),
            ("formats", Value::from_serializable(&h.formats)),
        ])
    }

    fn hash(&self) -> u64 {
        let years = self.years.iter().flat_map(|y| {
            let head = hash_of(&(y.year, y.count, &y.totals));
            std::iter::once(head).chain(y.reports.iter().map(|l| l.2))
        });
        let townships = self.townships.iter().flat_map(|t| {
            let head = hash_of(&(t.slug, t.name, t.years.len()));
            std::iter::once(head).chain(t.years.iter().map(|l| l.2))
        });
        combine(hash_of(&self.head), years.chain(townships))
    }
}

impl Shared for Home<'_> {
    fn to_value(&self) -> Value {
        let latest = match &self.latest {
            Some(t) => t.to_value(),
            None => Value::from_serializable(&None::<()>),
        };
        map(vec![
            ("latest", latest),
            ("years", Value::from_serializable(&self.years)),
            ("townships", Value::from_serializable(&self.townships)),
            ("regions", Value::from_serializable(&self.regions)),
            ("formats", Value::from_serializable(&self.formats)),
        ])
    }

    fn hash(&self) -> u64 {
        let lists = (&self.years, &self.townships, &self.regions, &self.formats);
        combine(hash_of(&lists), self.latest.iter().map(Shared::hash))
    }
}

/// One hash of `first` and then `rest`, in order.
fn combine(first: u64, rest: impl Iterator<Item = u64>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    first.hash(&mut h);
    for r in rest {
        r.hash(&mut h);
    }
    h.finish()
}

/// A hash of `value` as JSON, written straight into the hasher.
fn hash_of(value: &impl Serialize) -> u64 {
    use std::hash::Hasher;
    struct HashWriter(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = HashWriter(std::collections::hash_map::DefaultHasher::new());
    // Typed records always serialise; were one not to, the page would be
    // compared by its other variables only (a full build renders it anyway).
    let _ = serde_json::to_writer(&mut w, value);
    w.0.finish()
}

/// A hash of a page's variables.
pub fn vars_hash(vars: &Vars) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (name, _, hash) in vars {
        name.hash(&mut h);
        hash.hash(&mut h);
    }
    h.finish()
}

/// How an index page's variables are made: with the page's rows of a
/// summary table made by `RowHtml`.
pub type VarsFn<'a> = dyn Fn(&dyn RowHtml) -> Vars + Send + Sync + 'a;

/// An index page: which, with which template, its `ColumnName`, and how to
/// make its template variables. They are made as the page renders: a year
/// page's variables hold every report of that year, and a large site's
/// pages, made all at once, would hold the whole site twice.
pub struct Page<'a> {
    pub output: Output<'a>,
    pub template: &'static str,
    pub column: String,
    pub vars: Box<VarsFn<'a>>,
}

/// The reports of each year, township and region page `want` picks, each
/// in the order of `all`; the pages in name order.
struct Groups<'a> {
    by_year: BTreeMap<u16, Vec<&'a Summary>>,
    by_township: BTreeMap<&'a str, Vec<&'a Summary>>,
    by_region: BTreeMap<(&'a str, &'a str), Vec<&'a Summary>>,
}

impl<'a> Groups<'a> {
    /// The groups of the listed pages `want` picks, found by halving `all`
    /// (sorted by year, then slug) rather than by passing over every
    /// report; a region's reports are found in one pass.
    fn listed(all: &[&'a Summary], listed: &Listed, want: &dyn Fn(&Output) -> bool) -> Groups<'a> {
        let years = year_blocks(all);
        let mut by_year = BTreeMap::new();
        for &(year, block) in &years {
            if listed.years.contains(&year) && want(&Output::Year(year)) {
                by_year.insert(year, block.to_vec());
            }
        }
        let mut by_township = BTreeMap::new();
        for slug in &listed.townships {
            let rows: Vec<&Summary> = years
                .iter()
                .flat_map(|(_, block)| {
                    let at = block.partition_point(|s| s.slug.as_str() < slug.as_str());
                    let from = block.get(at..).unwrap_or_default();
                    from.iter().take_while(|s| s.slug == *slug).copied()
                })
                .collect();
            if let Some(first) = rows.first().filter(|_| want(&Output::Township(slug))) {
                by_township.insert(first.slug.as_str(), rows);
            }
        }
        let mut by_region: BTreeMap<(&str, &str), Vec<&Summary>> = BTreeMap::new();
        if !listed.regions.is_empty() {
            for s in all {
                if let (Some(n), Some(slug)) = (s.region.as_deref(), s.region_slug.as_deref())
                    && listed.regions.iter().any(|r| r == slug)
                {
                    by_region.entry((slug, n)).or_default().push(s);
                }
            }
            by_region.retain(|(slug, _), _| want(&Output::Region(slug)));
        }
        Groups {
            by_year,
            by_township,
            by_region,
        }
    }

    fn of(all: &[&'a Summary], want: &dyn Fn(&Output) -> bool) -> Groups<'a> {
        let mut by_year: BTreeMap<u16, Vec<&Summary>> = BTreeMap::new();
        // Per township and region: whether wanted, and if so its reports.
        type Group<'a> = Option<Vec<&'a Summary>>;
        let mut by_township: FxHashMap<&str, Group> = FxHashMap::default();
        let mut by_region: FxHashMap<(&str, &str), Group> = FxHashMap::default();
        let mut last_year = None;
        let mut year_wanted = false;
        for s in all {
            if last_year != Some(s.year) {
                last_year = Some(s.year);
                year_wanted = want(&Output::Year(s.year));
            }
            if year_wanted {
                by_year.entry(s.year).or_default().push(s);
            }
            let town = by_township
                .entry(s.slug.as_str())
                .or_insert_with(|| want(&Output::Township(&s.slug)).then(Vec::new));
            if let Some(rows) = town {
                rows.push(s);
            }
            if let (Some(n), Some(slug)) = (s.region.as_deref(), s.region_slug.as_deref()) {
                let region = by_region
                    .entry((slug, n))
                    .or_insert_with(|| want(&Output::Region(slug)).then(Vec::new));
                if let Some(rows) = region {
                    rows.push(s);
                }
            }
        }
        Groups {
            by_year,
            by_township: by_township
                .into_iter()
                .filter_map(|(k, rows)| Some((k, rows?)))
                .collect(),
            by_region: by_region
                .into_iter()
                .filter_map(|(k, rows)| Some((k, rows?)))
                .collect(),
        }
    }
}

/// `all` (sorted by year) split into its years, each with its reports.
fn year_blocks<'s, 'a>(mut all: &'s [&'a Summary]) -> Vec<(u16, &'s [&'a Summary])> {
    let mut out = Vec::new();
    while let Some(first) = all.first() {
        let year = first.year;
        let (block, rest) = all.split_at(all.partition_point(|s| s.year <= year));
        out.push((year, block));
        all = rest;
    }
    out
}

/// The index pages of the site that `want` picks: years, townships,
/// regions, home, search (`search`: `[search] enabled` in a build with
/// search) and 404. `all` sorted by year and slug. `want` is asked once per
/// page, and only the picked pages' reports are grouped: a watcher's save
/// wants a few pages of thousands. `listed`: see [`Listed`].
pub fn pages<'a>(
    all: &[&'a Summary],
    search: bool,
    labels: &'a [String],
    want: &dyn Fn(&Output) -> bool,
    listed: Option<&Listed>,
) -> Vec<Page<'a>> {
    let Groups {
        by_year,
        by_township,
        by_region,
    } = match listed {
        Some(l) => Groups::listed(all, l, want),
        None => Groups::of(all, want),
    };
    let mut out: Vec<Page<'a>> = Vec::new();
    let mut add = |output, template, column: String, vars: Box<VarsFn<'a>>| {
        out.push(Page {
            output,
            template,
            column,
            vars,
        })
    };
    for (year, rs) in by_year {
        add(
            Output::Year(year),
            "year.html",
            format!("{year}年度"),
            Box::new(move |html: &dyn RowHtml| {
                vec![
                    var("year", &year),
                    shared_var("summary", &summary_table(year, &rs, labels, html)),
                ]
            }),
        );
    }
    for (slug, rs) in by_township {
        let name = rs.last().map(|s| s.township.clone()).unwrap_or_default();
        add(
            Output::Township(slug),
            "township.html",
            name,
            Box::new(move |_: &dyn RowHtml| vec![var("township", &township(slug, &rs, labels))]),
        );
    }
    for ((slug, name), rs) in by_region {
        add(
            Output::Region(slug),
            "region.html",
            name.to_string(),
            Box::new(move |_: &dyn RowHtml| {
                vec![shared_var("region", &region(name, slug, &rs, labels))]
            }),
        );
    }
    if want(&Output::Home) {
        let all: Vec<&'a Summary> = all.to_vec();
        add(
            Output::Home,
            "home.html",
            "首页".into(),
            Box::new(move |html: &dyn RowHtml| vec![shared_var("home", &home(&all, labels, html))]),
        );
    }
    if search && want(&Output::Search) {
        add(
            Output::Search,
            "search.html",
            "搜索".into(),
            Box::new(|_: &dyn RowHtml| Vec::new()),
        );
    }
    if want(&Output::NotFound) {
        add(
            Output::NotFound,
            "404.html",
            "页面不存在".into(),
            Box::new(|_: &dyn RowHtml| Vec::new()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three years of four townships in two regions (one in none), one
    /// township missing a year; sorted by year, then slug.
    fn site() -> Vec<Summary> {
        let mut all = Vec::new();
        for year in [2020, 2021, 2022] {
            for (slug, region) in [
                ("anan", Some(("东区", "dong"))),
                ("beishan", Some(("西区", "xi"))),
                ("chengguan", Some(("东区", "dong"))),
                ("dali", None),
            ] {
                if year == 2021 && slug == "beishan" {
                    continue;
                }
                let mut s = Summary::sample(year, slug);
                s.region = region.map(|r| r.0.to_string());
                s.region_slug = region.map(|r| r.1.to_string());
                all.push(s);
            }
        }
        all
    }

    type Shown = Vec<(String, String, Vec<(&'static str, u64)>)>;

    fn shown(pages: Vec<Page>) -> Shown {
        pages
            .into_iter()
            .map(|p| {
                let vars = (p.vars)(&crate::site::index::NoRowHtml)
                    .into_iter()
                    .map(|(n, _, h)| (n, h))
                    .collect();
                (p.output.path(), p.column, vars)
            })
            .collect()
    }

    #[test]
    fn named_pages_are_the_pages_asked_for_one_by_one() {
        let site = site();
        let all: Vec<&Summary> = site.iter().collect();
        let named = |years: &[u16], townships: &[&str], regions: &[&str]| Listed {
            years: years.to_vec(),
            townships: townships.iter().map(|s| s.to_string()).collect(),
            regions: regions.iter().map(|s| s.to_string()).collect(),
        };
        for (listed, paths) in [
            (
                named(&[2021], &["beishan"], &["dong"]),
                &[
                    "2021/index.html",
                    "townships/beishan/index.html",
                    "regions/dong/index.html",
                ][..],
            ),
            (
                named(
                    &[2020, 2022],
                    &["anan", "dali", "nosuch"],
                    &["xi", "nosuch"],
                ),
                &[
                    "2020/index.html",
                    "2022/index.html",
                    "townships/anan/index.html",
                    "townships/dali/index.html",
                    "regions/xi/index.html",
                ][..],
            ),
            (named(&[2019], &[], &[]), &[][..]),
            (Listed::default(), &[][..]),
        ] {
            let want = |o: &Output| match o {
                Output::Year(y) => listed.years.contains(y),
                Output::Township(s) => listed.townships.iter().any(|t| t == s),
                Output::Region(s) => listed.regions.iter().any(|r| r == s),
                _ => false,
            };
            let asked = shown(pages(&all, false, &[], &want, None));
            let found = shown(pages(&all, false, &[], &want, Some(&listed)));
            assert_eq!(found, asked, "{listed:?}");
            let made: Vec<&str> = found.iter().map(|(p, _, _)| p.as_str()).collect();
            assert_eq!(made, paths);
        }
    }
}
