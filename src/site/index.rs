//! Index pages — year, township, region, home — built from the per-report
//! [`Summary`] records only.
//!
//! Mixed formats (gov-2019 beside gov-2021): the summary columns exist in
//! both, so they compare across years; a figure a report's format lacks is
//! shown as “—” with a note and left out of the sums, and a total that covers
//! only some reports says so. Never a silent 0.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value as Json, json};

use super::SUMMARY;
use super::chart::{self, Point};
use super::summary::{Summary, Total, totals};

fn figure(v: Option<i128>) -> Json {
    match v {
        Some(n) => json!({ "text": n.to_string(), "missing": false }),
        None => json!({ "text": "—", "missing": true }),
    }
}

fn total(t: &Total) -> Json {
    json!({ "text": t.sum.to_string(), "partial": t.missing > 0, "missing": t.missing })
}

fn columns() -> Vec<&'static str> {
    SUMMARY.iter().map(|(l, _)| *l).collect()
}

/// The formats used by `rows`, as `{id, name}` in id order.
fn formats(rows: &[&Summary]) -> Vec<Json> {
    let set: BTreeMap<&str, &str> = rows
        .iter()
        .map(|s| (s.format.as_str(), s.format_name.as_str()))
        .collect();
    set.into_iter()
        .map(|(id, name)| json!({ "id": id, "name": name }))
        .collect()
}

/// The summary table of one year (the year page, and the home page's latest year).
pub fn summary_table(year: u16, rows: &[&Summary]) -> Json {
    let fmts = formats(rows);
    let mixed = fmts.len() > 1;
    let list: Vec<Json> = rows
        .iter()
        .map(|s| {
            json!({
                "township": s.township, "url": s.url(), "format": s.format, "format_name": s.format_name,
                "figures": s.figures.iter().map(|v| figure(*v)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let sums = totals(rows.iter().copied());
    json!({
        "year": year,
        "caption": format!("{year}年度各单位依申请公开、行政复议和行政诉讼情况汇总"),
        "columns": columns(),
        "rows": list,
        "totals": sums.iter().map(total).collect::<Vec<_>>(),
        "any_missing": rows.iter().any(|s| s.figures.iter().any(Option::is_none)),
        "mixed": mixed,
        "formats": fmts,
        "csv_url": format!("data/{year}.csv"),
    })
}

/// A township's page: every year, a trend table and the chart.
pub fn township(slug: &str, rows: &[&Summary]) -> Json {
    let name = rows.last().map(|s| s.township.clone()).unwrap_or_default();
    let years: Vec<Json> = rows
        .iter()
        .map(|s| json!({ "year": s.year, "url": s.url(), "title": s.title, "format": s.format, "format_name": s.format_name, "json_url": s.json_url() }))
        .collect();
    let trend: Vec<Json> = SUMMARY
        .iter()
        .enumerate()
        .map(|(i, (label, _))| json!({ "label": label, "figures": rows.iter().map(|s| figure(s.figures.get(i).copied().flatten())).collect::<Vec<_>>() }))
        .collect();
    let points: Vec<Point> = rows
        .iter()
        .map(|s| Point {
            year: s.year,
            received: s.received,
            handled: s.handled,
        })
        .collect();
    let handled: Vec<Json> = rows.iter().map(|s| figure(s.handled)).collect();
    let fmts = formats(rows);
    json!({
        "slug": slug, "name": name,
        "region": rows.last().and_then(|s| s.region.clone()),
        "region_slug": rows.last().and_then(|s| s.region_slug.clone()),
        "years": years,
        "trend": trend,
        "handled": handled,
        "chart": chart::build(&name, &points),
        "mixed": fmts.len() > 1,
        "formats": fmts,
        "any_missing": rows.iter().any(|s| s.figures.iter().any(Option::is_none) || s.handled.is_none()),
    })
}

/// A region's page: per year, the sums over its townships' reports.
pub fn region(name: &str, slug: &str, rows: &[&Summary]) -> Json {
    let mut by_year: BTreeMap<u16, Vec<&Summary>> = BTreeMap::new();
    for s in rows {
        by_year.entry(s.year).or_default().push(s);
    }
    let years: Vec<Json> = by_year
        .iter()
        .rev()
        .map(|(year, rs)| {
            let sums = totals(rs.iter().copied());
            json!({
                "year": year, "count": rs.len(),
                "totals": sums.iter().map(total).collect::<Vec<_>>(),
                "reports": rs.iter().map(|s| json!({ "township": s.township, "url": s.url() })).collect::<Vec<_>>(),
            })
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
    let townships: Vec<Json> = towns
        .into_iter()
        .map(|(slug, (name, mut ys))| {
            ys.sort();
            json!({ "slug": slug, "name": name, "years": ys.into_iter().map(|(y, u)| json!({ "year": y, "url": u })).collect::<Vec<_>>() })
        })
        .collect();
    json!({
        "name": name, "slug": slug, "columns": columns(), "years": years, "townships": townships,
        "any_partial": rows.iter().any(|s| s.figures.iter().any(Option::is_none)),
        "formats": formats(rows),
    })
}

/// An index page to render: where, with which template, its `ColumnName`,
/// and how to make its template variables. They are made as the page
/// renders: a year page's variables hold every report of that year, and a
/// large site's pages, made all at once, would hold the whole site twice.
pub struct Page<'a> {
    pub path: String,
    pub template: &'static str,
    pub column: String,
    pub vars: Box<dyn Fn() -> Json + Send + Sync + 'a>,
}

/// Every index page of the site: years, townships, regions, home and 404.
/// `all` sorted by year and slug.
/// The index pages `want` asks for, and the paths of those it does not (watch
/// mode keeps their last bytes).
pub fn pages<'a>(
    all: &'a [&'a Summary],
    want: &(dyn Fn(&str) -> bool + Sync),
) -> (Vec<Page<'a>>, Vec<String>) {
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
    let mut skipped = Vec::new();
    let mut add = |path: String, template, column: String, vars: Box<dyn Fn() -> Json + Send + Sync + 'a>| {
        if want(&path) {
            out.push(Page {
                path,
                template,
                column,
                vars,
            });
        } else {
            skipped.push(path);
        }
    };
    for (year, rs) in by_year {
        add(
            format!("{year}/index.html"),
            "year.html",
            format!("{year}年度"),
            Box::new(move || json!({ "year": year, "summary": summary_table(year, &rs) })),
        );
    }
    for (slug, rs) in by_township {
        let name = rs.last().map(|s| s.township.clone()).unwrap_or_default();
        add(
            format!("townships/{slug}/index.html"),
            "township.html",
            name,
            Box::new(move || json!({ "township": township(slug, &rs) })),
        );
    }
    for ((slug, name), rs) in by_region {
        add(
            format!("regions/{slug}/index.html"),
            "region.html",
            name.to_string(),
            Box::new(move || json!({ "region": region(name, slug, &rs) })),
        );
    }
    add(
        "index.html".into(),
        "home.html",
        "首页".into(),
        Box::new(move || json!({ "home": home(all) })),
    );
    add(
        "404.html".into(),
        "404.html",
        "页面不存在".into(),
        Box::new(|| json!({})),
    );
    (out, skipped)
}

/// The home page's lists.
pub fn home(all: &[&Summary]) -> Json {
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
        .map(|(y, rs)| summary_table(*y, rs));
    let years: Vec<Json> = by_year
        .iter()
        .rev()
        .map(|(y, rs)| json!({ "year": y, "count": rs.len(), "csv_url": format!("data/{y}.csv") }))
        .collect();
    let mut regions: Vec<(&str, &str)> = regions.into_iter().collect();
    regions.sort_by(|a, b| a.1.cmp(b.1));
    let used: BTreeSet<&str> = all.iter().map(|s| s.format.as_str()).collect();
    json!({
        "latest": latest,
        "years": years,
        "townships": towns.into_iter().map(|(slug, name)| json!({ "slug": slug, "name": name })).collect::<Vec<_>>(),
        "regions": regions.into_iter().map(|(name, slug)| json!({ "slug": slug, "name": name })).collect::<Vec<_>>(),
        "formats": used.into_iter().collect::<Vec<_>>(),
    })
}
