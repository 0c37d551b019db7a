//! Index pages — year, township, region, home — built from the per-report
//! [`Summary`] records only.
//!
//! Mixed formats (gov-2019 beside gov-2021): the summary columns exist in
//! both, so they compare across years; a figure a report's format lacks is
//! shown as “—” with a note and left out of the sums, and a total that covers
//! only some reports says so. Never a silent 0.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tera::Value;

use super::chart::{self, Chart, Point};
use super::summary::{Summary, Total, totals};
use crate::layout::Output;

// Template variables are typed records, not `json!` trees: a year page's
// table has a thousand rows of eleven figures, and the watcher builds them
// after a save to see whether the page changed. Field names are the theme's
// interface; keep them.

#[derive(Serialize)]
pub struct Figure {
    text: String,
    missing: bool,
}

fn figure(v: Option<i128>) -> Figure {
    match v {
        Some(n) => Figure {
            text: n.to_string(),
            missing: false,
        },
        None => Figure {
            text: "—".into(),
            missing: true,
        },
    }
}

#[derive(Serialize)]
pub struct TotalCell {
    text: String,
    partial: bool,
    missing: usize,
}

fn total(t: &Total) -> TotalCell {
    TotalCell {
        text: t.sum.to_string(),
        partial: t.missing > 0,
        missing: t.missing,
    }
}

fn columns(labels: &[String]) -> Vec<&str> {
    labels.iter().map(String::as_str).collect()
}

#[derive(Serialize)]
pub struct FormatName<'a> {
    id: &'a str,
    name: &'a str,
}

/// The formats used by `rows`, in id order.
fn formats<'a>(rows: &[&'a Summary]) -> Vec<FormatName<'a>> {
    let set: BTreeMap<&str, &str> = rows
        .iter()
        .map(|s| (s.format.as_str(), s.format_name.as_str()))
        .collect();
    set.into_iter()
        .map(|(id, name)| FormatName { id, name })
        .collect()
}

#[derive(Serialize)]
pub struct SummaryRow<'a> {
    township: &'a str,
    url: String,
    format: &'a str,
    format_name: &'a str,
    figures: Vec<Figure>,
}

#[derive(Serialize)]
pub struct SummaryTable<'a> {
    year: u16,
    caption: String,
    columns: Vec<&'a str>,
    rows: Vec<SummaryRow<'a>>,
    totals: Vec<TotalCell>,
    any_missing: bool,
    mixed: bool,
    formats: Vec<FormatName<'a>>,
    csv_url: String,
}

/// The summary table of one year (the year page, and the home page's latest year).
pub fn summary_table<'a>(
    year: u16,
    rows: &[&'a Summary],
    labels: &'a [String],
) -> SummaryTable<'a> {
    let fmts = formats(rows);
    let list = rows
        .iter()
        .map(|s| SummaryRow {
            township: &s.township,
            url: s.url(),
            format: &s.format,
            format_name: &s.format_name,
            figures: s.figures.iter().map(|v| figure(*v)).collect(),
        })
        .collect();
    let sums = totals(rows.iter().copied(), labels.len());
    SummaryTable {
        year,
        caption: format!("{year}年度各单位依申请公开、行政复议和行政诉讼情况汇总"),
        columns: columns(labels),
        rows: list,
        totals: sums.iter().map(total).collect(),
        any_missing: rows.iter().any(|s| s.figures.iter().any(Option::is_none)),
        mixed: fmts.len() > 1,
        formats: fmts,
        csv_url: Output::YearCsv(year).path(),
    }
}

#[derive(Serialize)]
pub struct TownshipYear<'a> {
    year: u16,
    url: String,
    title: &'a str,
    format: &'a str,
    format_name: &'a str,
    json_url: String,
}

#[derive(Serialize)]
pub struct TrendRow<'a> {
    label: &'a str,
    figures: Vec<Figure>,
}

#[derive(Serialize)]
pub struct Township<'a> {
    slug: &'a str,
    name: &'a str,
    region: Option<&'a str>,
    region_slug: Option<&'a str>,
    years: Vec<TownshipYear<'a>>,
    trend: Vec<TrendRow<'a>>,
    handled: Vec<Figure>,
    chart: Chart,
    mixed: bool,
    formats: Vec<FormatName<'a>>,
    any_missing: bool,
}

/// A township's page: every year, a trend table and the chart.
pub fn township<'a>(slug: &'a str, rows: &[&'a Summary], labels: &'a [String]) -> Township<'a> {
    let name = rows.last().map(|s| s.township.as_str()).unwrap_or_default();
    let years = rows
        .iter()
        .map(|s| TownshipYear {
            year: s.year,
            url: s.url(),
            title: &s.title,
            format: &s.format,
            format_name: &s.format_name,
            json_url: s.json_url(),
        })
        .collect();
    let trend = labels
        .iter()
        .enumerate()
        .map(|(i, label)| TrendRow {
            label,
            figures: rows
                .iter()
                .map(|s| figure(s.figures.get(i).copied().flatten()))
                .collect(),
        })
        .collect();
    let points: Vec<Point> = rows
        .iter()
        .map(|s| Point {
            year: s.year,
            received: s.received,
            handled: s.handled,
        })
        .collect();
    let fmts = formats(rows);
    Township {
        slug,
        name,
        region: rows.last().and_then(|s| s.region.as_deref()),
        region_slug: rows.last().and_then(|s| s.region_slug.as_deref()),
        years,
        trend,
        handled: rows.iter().map(|s| figure(s.handled)).collect(),
        chart: chart::build(name, &points),
        mixed: fmts.len() > 1,
        formats: fmts,
        any_missing: rows
            .iter()
            .any(|s| s.figures.iter().any(Option::is_none) || s.handled.is_none()),
    }
}

#[derive(Serialize)]
pub struct Link<'a> {
    township: &'a str,
    url: String,
}

#[derive(Serialize)]
pub struct RegionYear<'a> {
    year: u16,
    count: usize,
    totals: Vec<TotalCell>,
    reports: Vec<Link<'a>>,
}

#[derive(Serialize)]
pub struct YearLink {
    year: u16,
    url: String,
}

#[derive(Serialize)]
pub struct RegionTownship<'a> {
    slug: &'a str,
    name: &'a str,
    years: Vec<YearLink>,
}

#[derive(Serialize)]
pub struct Region<'a> {
    name: &'a str,
    slug: &'a str,
    columns: Vec<&'a str>,
    years: Vec<RegionYear<'a>>,
    townships: Vec<RegionTownship<'a>>,
    any_partial: bool,
    formats: Vec<FormatName<'a>>,
}

/// A region's page: per year, the sums over its townships' reports.
pub fn region<'a>(
    name: &'a str,
    slug: &'a str,
    rows: &[&'a Summary],
    labels: &'a [String],
) -> Region<'a> {
    let mut by_year: BTreeMap<u16, Vec<&Summary>> = BTreeMap::new();
    for s in rows {
        by_year.entry(s.year).or_default().push(s);
    }
    let years = by_year
        .iter()
        .rev()
        .map(|(year, rs)| RegionYear {
            year: *year,
            count: rs.len(),
            totals: totals(rs.iter().copied(), labels.len())
                .iter()
                .map(total)
                .collect(),
            reports: rs
                .iter()
                .map(|s| Link {
                    township: &s.township,
                    url: s.url(),
                })
                .collect(),
        })
        .collect();
    // slug → (latest name, [(year, url)])
    type Town<'a> = (&'a str, Vec<(u16, String)>);
    let mut towns: BTreeMap<&str, Town> = BTreeMap::new();
    for s in rows {
        let e = towns
            .entry(s.slug.as_str())
            .or_insert((s.township.as_str(), Vec::new()));
        e.0 = s.township.as_str();
        e.1.push((s.year, s.url()));
    }
    let townships = towns
        .into_iter()
        .map(|(slug, (name, mut ys))| {
            ys.sort();
            RegionTownship {
                slug,
                name,
                years: ys
                    .into_iter()
                    .map(|(year, url)| YearLink { year, url })
                    .collect(),
            }
        })
        .collect();
    Region {
        name,
        slug,
        columns: columns(labels),
        years,
        townships,
        any_partial: rows.iter().any(|s| s.figures.iter().any(Option::is_none)),
        formats: formats(rows),
    }
}

/// An index page's template variables: name, value, and a hash of the value
/// (from the typed record: Tera's maps do not keep an order to hash by).
pub type Vars = Vec<(&'static str, Value, u64)>;

fn var(name: &'static str, value: &impl Serialize) -> (&'static str, Value, u64) {
    (name, Value::from_serializable(value), hash_of(value))
}

/// [`var`] for a record that builds its own template value.
fn shared_var(name: &'static str, value: &impl Shared) -> (&'static str, Value, u64) {
    (name, value.to_value(), hash_of(value))
}

/// A record whose template value is built by hand rather than serialised,
/// so that equal parts are one reference-counted value: a year of 10,000
/// rows has 110,000 figure cells but a few thousand distinct figures, and
/// serialised they were a map each (about 40 MiB a year page at 50,000
/// reports, the largest part of a build's peak memory).
trait Shared: Serialize {
    fn to_value(&self) -> Value;
}

fn map(fields: Vec<(&'static str, Value)>) -> Value {
    Value::from(
        fields
            .into_iter()
            .collect::<BTreeMap<&'static str, Value>>(),
    )
}

impl Shared for SummaryTable<'_> {
    fn to_value(&self) -> Value {
        let mut shared: std::collections::HashMap<(&str, bool), Value> =
            std::collections::HashMap::new();
        let mut rows = Vec::with_capacity(self.rows.len());
        for r in &self.rows {
            let cells: Vec<Value> = r
                .figures
                .iter()
                .map(|f| {
                    let made = || {
                        let text = Value::from(f.text.as_str());
                        map(vec![("text", text), ("missing", Value::from(f.missing))])
                    };
                    shared
                        .entry((&f.text, f.missing))
                        .or_insert_with(made)
                        .clone()
                })
                .collect();
            rows.push(map(vec![
                ("township", Value::from(r.township)),
                ("url", Value::from(r.url.as_str())),
                ("format", Value::from(r.format)),
                ("format_name", Value::from(r.format_name)),
                ("figures", Value::from(cells)),
            ]));
        }
        map(vec![
            ("year", Value::from(self.year)),
            ("caption", Value::from(self.caption.as_str())),
            ("columns", Value::from_serializable(&self.columns)),
            ("rows", Value::from(rows)),
            ("totals", Value::from_serializable(&self.totals)),
            ("any_missing", Value::from(self.any_missing)),
            ("mixed", Value::from(self.mixed)),
            ("formats", Value::from_serializable(&self.formats)),
            ("csv_url", Value::from(self.csv_url.as_str())),
        ])
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

/// An index page: which, with which template, its `ColumnName`, and how to
/// make its template variables. They are made as the page renders: a year
/// page's variables hold every report of that year, and a large site's
/// pages, made all at once, would hold the whole site twice.
pub struct Page<'a> {
    pub output: Output<'a>,
    pub template: &'static str,
    pub column: String,
    pub vars: Box<dyn Fn() -> Vars + Send + Sync + 'a>,
}

/// Every index page of the site: years, townships, regions, home, search
/// (`search`: `[search] enabled` in a build with search) and 404. `all`
/// sorted by year and slug.
pub fn pages<'a>(all: &[&'a Summary], search: bool, labels: &'a [String]) -> Vec<Page<'a>> {
    let mut by_year: BTreeMap<u16, Vec<&Summary>> = BTreeMap::new();
    let mut by_township: BTreeMap<&str, Vec<&Summary>> = BTreeMap::new();
    let mut by_region: BTreeMap<(&str, &str), Vec<&Summary>> = BTreeMap::new();
    for s in all {
        by_year.entry(s.year).or_default().push(s);
        by_township.entry(s.slug.as_str()).or_default().push(s);
        if let (Some(n), Some(slug)) = (s.region.as_deref(), s.region_slug.as_deref()) {
            by_region.entry((slug, n)).or_default().push(s);
        }
    }
    let mut out: Vec<Page<'a>> = Vec::new();
    let mut add =
        |output, template, column: String, vars: Box<dyn Fn() -> Vars + Send + Sync + 'a>| {
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
            Box::new(move || {
                vec![
                    var("year", &year),
                    shared_var("summary", &summary_table(year, &rs, labels)),
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
            Box::new(move || vec![var("township", &township(slug, &rs, labels))]),
        );
    }
    for ((slug, name), rs) in by_region {
        add(
            Output::Region(slug),
            "region.html",
            name.to_string(),
            Box::new(move || vec![var("region", &region(name, slug, &rs, labels))]),
        );
    }
    let all: Vec<&'a Summary> = all.to_vec();
    add(
        Output::Home,
        "home.html",
        "首页".into(),
        Box::new(move || vec![shared_var("home", &home(&all, labels))]),
    );
    if search {
        add(
            Output::Search,
            "search.html",
            "搜索".into(),
            Box::new(Vec::new),
        );
    }
    add(
        Output::NotFound,
        "404.html",
        "页面不存在".into(),
        Box::new(Vec::new),
    );
    out
}

#[derive(Serialize)]
pub struct HomeYear {
    year: u16,
    count: usize,
    csv_url: String,
}

#[derive(Serialize)]
pub struct SlugName<'a> {
    slug: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
pub struct Home<'a> {
    latest: Option<SummaryTable<'a>>,
    years: Vec<HomeYear>,
    townships: Vec<SlugName<'a>>,
    regions: Vec<SlugName<'a>>,
    formats: Vec<&'a str>,
}

/// The home page's lists.
pub fn home<'a>(all: &[&'a Summary], labels: &'a [String]) -> Home<'a> {
    let mut by_year: BTreeMap<u16, Vec<&Summary>> = BTreeMap::new();
    let mut towns: BTreeMap<&str, &str> = BTreeMap::new();
    let mut regions: BTreeMap<&str, &str> = BTreeMap::new();
    for s in all {
        by_year.entry(s.year).or_default().push(s);
        towns.insert(s.slug.as_str(), s.township.as_str());
        if let (Some(n), Some(r)) = (s.region.as_deref(), s.region_slug.as_deref()) {
            regions.insert(n, r);
        }
    }
    let latest = by_year
        .iter()
        .next_back()
        .map(|(y, rs)| summary_table(*y, rs, labels));
    let years = by_year
        .iter()
        .rev()
        .map(|(y, rs)| HomeYear {
            year: *y,
            count: rs.len(),
            csv_url: Output::YearCsv(*y).path(),
        })
        .collect();
    let mut regions: Vec<(&str, &str)> = regions.into_iter().collect();
    regions.sort_by(|a, b| a.1.cmp(b.1));
    let used: BTreeSet<&str> = all.iter().map(|s| s.format.as_str()).collect();
    Home {
        latest,
        years,
        townships: towns
            .into_iter()
            .map(|(slug, name)| SlugName { slug, name })
            .collect(),
        regions: regions
            .into_iter()
            .map(|(name, slug)| SlugName { slug, name })
            .collect(),
        formats: used.into_iter().collect(),
    }
}
