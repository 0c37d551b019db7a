//! Index pages — year, township, region, home — built from the per-report
//! [`Summary`] records only.
//!
//! Mixed formats (gov-2019 beside gov-2021): the summary columns exist in
//! both, so they compare across years; a figure a report's format lacks is
//! shown as “—” with a note and left out of the sums, and a total that covers
//! only some reports says so. Never a silent 0.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::chart::{self, Chart, Point};
use super::summary::{Summary, Total, totals};
use crate::layout::Output;

mod pages;
pub use pages::{Page, Vars, pages, vars_hash};

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

/// One report's row of a summary table, as template variables (built by
/// [`pages::table_row`]), with their hash: kept with a kept summary, so
/// that the watcher's year page after a save makes one row, not 10,000.
pub type TableRow = (tera::Value, u64);

pub struct SummaryTable<'a> {
    head: TableHead<'a>,
    rows: Vec<Cow<'a, TableRow>>,
    /// The rows as HTML, one after another (`summary.rows_html`): each
    /// report's row is made once by the theme's `summary_row.html` and kept
    /// with a kept summary, so that the watcher's year page after a save
    /// renders one row, not 10,000 (that loop was a third of a save).
    rows_html: tera::Value,
}

/// Makes a report's row of a summary table as HTML for the page being
/// rendered (the theme's `summary_row.html`), appended to `out`.
pub trait RowHtml: Sync {
    fn append(&self, s: &Summary, row: &tera::Value, mixed: bool, out: &mut String);
}

/// No rows' HTML: for looking at which pages are made, and their hashes.
pub struct NoRowHtml;

impl RowHtml for NoRowHtml {
    fn append(&self, _: &Summary, _: &tera::Value, _: bool, _: &mut String) {}
}

/// Everything of a summary table but its rows.
#[derive(Serialize)]
struct TableHead<'a> {
    year: u16,
    caption: String,
    columns: Vec<&'a str>,
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
    html: &dyn RowHtml,
) -> SummaryTable<'a> {
    let fmts = formats(rows);
    let mixed = fmts.len() > 1;
    // Equal figures are one value (see `pages::Shared`).
    let mut cells = HashMap::new();
    let list: Vec<Cow<TableRow>> = rows
        .iter()
        .map(|s| s.piece(|p| &p.table_row, |s| pages::table_row(s, &mut cells)))
        .collect();
    let mut rows_html = String::new();
    for (s, row) in rows.iter().zip(&list) {
        html.append(s, &row.0, mixed, &mut rows_html);
    }
    let sums = totals(rows.iter().copied(), labels.len());
    SummaryTable {
        head: TableHead {
            year,
            caption: format!("{year}年度各单位依申请公开、行政复议和行政诉讼情况汇总"),
            columns: columns(labels),
            totals: sums.iter().map(total).collect(),
            any_missing: rows.iter().any(|s| s.figures.iter().any(Option::is_none)),
            mixed,
            formats: fmts,
            csv_url: Output::YearCsv(year).path(),
        },
        rows: list,
        rows_html: tera::Value::from(rows_html),
    }
}

/// A report's row of a summary table.
fn summary_row(s: &Summary) -> SummaryRow<'_> {
    SummaryRow {
        township: &s.township,
        url: s.url(),
        format: &s.format,
        format_name: &s.format_name,
        figures: s.figures.iter().map(|v| figure(*v)).collect(),
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
pub struct YearLink {
    year: u16,
    url: String,
}

/// A report's two links on its region's page, as template variables: in
/// its year's list (`{township, url}`) and in its township's
/// (`{year, url}`), with a hash of both (built by
/// [`pages::region_links`]): kept with a kept summary, so that the
/// watcher's region page after a save makes two values, not 12,000.
pub type RegionLinks = (tera::Value, tera::Value, u64);

pub struct RegionYear<'a> {
    year: u16,
    count: usize,
    totals: Vec<TotalCell>,
    reports: Vec<Cow<'a, RegionLinks>>,
}

pub struct RegionTownship<'a> {
    slug: &'a str,
    name: &'a str,
    /// By year.
    years: Vec<Cow<'a, RegionLinks>>,
}

/// Everything of a region page but its lists of links.
#[derive(Serialize)]
struct RegionHead<'a> {
    name: &'a str,
    slug: &'a str,
    columns: Vec<&'a str>,
    any_partial: bool,
    formats: Vec<FormatName<'a>>,
}

pub struct Region<'a> {
    head: RegionHead<'a>,
    years: Vec<RegionYear<'a>>,
    townships: Vec<RegionTownship<'a>>,
}

/// A region's page: per year, the sums over its townships' reports.
pub fn region<'a>(
    name: &'a str,
    slug: &'a str,
    rows: &[&'a Summary],
    labels: &'a [String],
) -> Region<'a> {
    let links: Vec<Cow<RegionLinks>> = rows
        .iter()
        .map(|s| s.piece(|p| &p.region_links, pages::region_links))
        .collect();
    let mut by_year: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (i, s) in rows.iter().enumerate() {
        by_year.entry(s.year).or_default().push(i);
    }
    let years = by_year
        .iter()
        .rev()
        .map(|(year, at)| RegionYear {
            year: *year,
            count: at.len(),
            totals: totals(at.iter().map(|&i| rows[i]), labels.len())
                .iter()
                .map(total)
                .collect(),
            reports: at.iter().map(|&i| links[i].clone()).collect(),
        })
        .collect();
    // slug → (latest name, [(year, report)])
    type Town<'a> = (&'a str, Vec<(u16, usize)>);
    let mut towns: BTreeMap<&str, Town> = BTreeMap::new();
    for (i, s) in rows.iter().enumerate() {
        let e = towns
            .entry(s.slug.as_str())
            .or_insert((s.township.as_str(), Vec::new()));
        e.0 = s.township.as_str();
        e.1.push((s.year, i));
    }
    let townships = towns
        .into_iter()
        .map(|(slug, (name, mut ys))| {
            // A township has one report a year (two are an error).
            ys.sort_by_key(|&(year, _)| year);
            RegionTownship {
                slug,
                name,
                years: ys.into_iter().map(|(_, i)| links[i].clone()).collect(),
            }
        })
        .collect();
    Region {
        head: RegionHead {
            name,
            slug,
            columns: columns(labels),
            any_partial: rows.iter().any(|s| s.figures.iter().any(Option::is_none)),
            formats: formats(rows),
        },
        years,
        townships,
    }
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

pub struct Home<'a> {
    latest: Option<SummaryTable<'a>>,
    years: Vec<HomeYear>,
    townships: Vec<SlugName<'a>>,
    regions: Vec<SlugName<'a>>,
    formats: Vec<&'a str>,
}

/// The home page's lists.
pub fn home<'a>(all: &[&'a Summary], labels: &'a [String], html: &dyn RowHtml) -> Home<'a> {
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
        .map(|(y, rs)| summary_table(*y, rs, labels, html));
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
