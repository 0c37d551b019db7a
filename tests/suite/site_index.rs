//! Year, township, region and home pages of a built site, asserted on parsed HTML
//! against the checked reports.

use crate::support::site_common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::support::SUMMARY;
use nianbao::site::{regions::fallback_slug, summary_value};
use site_common::{Built, figure, sel, text};

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| site_common::build("site_index", |_| {}))
}

/// A body row: header text, its link, its figures.
type Row = (String, Option<String>, Vec<Option<i128>>);

/// Rows of a summary table (row header, link, `td.num` figures) and the 合计 row.
fn table_rows(doc: &scraper::Html, table: &str) -> (Vec<Row>, Vec<Option<i128>>) {
    let t = doc
        .select(&sel(table))
        .next()
        .unwrap_or_else(|| panic!("no {table}"));
    let mut rows = Vec::new();
    for tr in t.select(&sel("tbody tr")) {
        let th = tr
            .select(&sel("th[scope=row]"))
            .next()
            .expect("row header th[scope=row]");
        let href = th
            .select(&sel("a"))
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_string);
        let figs = tr
            .select(&sel("td.num"))
            .map(|td| figure(&text(td)))
            .collect();
        rows.push((text(th), href, figs));
    }
    let foot = t
        .select(&sel("tfoot tr"))
        .next()
        .map(|tr| {
            tr.select(&sel("td.num"))
                .map(|td| figure(&text(td)))
                .collect()
        })
        .unwrap_or_default();
    (rows, foot)
}

#[test]
fn year_pages_sum_their_reports() {
    let s = site();
    let by_year = s.by_year();
    assert_eq!(
        by_year.keys().copied().collect::<Vec<_>>(),
        vec![2020, 2021, 2022, 2023, 2024, 2025]
    );
    for (year, reports) in &by_year {
        let doc = s.html(&format!("{year}/index.html"));
        let (rows, totals) = table_rows(&doc, "table.summary-table");
        assert_eq!(rows.len(), reports.len(), "{year}: one row per report");
        let header: Vec<String> = doc
            .select(&sel("table.summary-table thead th"))
            .map(text)
            .collect();
        for (label, _) in SUMMARY.iter() {
            assert!(
                header.contains(&label.to_string()),
                "{year}: column {label}"
            );
        }
        // Each row is the report's checked figures, and links to it.
        for r in reports {
            let (_, href, figs) = rows
                .iter()
                .find(|(name, _, _)| *name == r.meta.township)
                .unwrap_or_else(|| panic!("{year}: no row for {}", r.meta.township));
            assert_eq!(
                href.as_deref(),
                Some(format!("../{year}/{}/index.html", r.meta.slug).as_str())
            );
            let expected: Vec<Option<i128>> = SUMMARY
                .iter()
                .map(|(_, cells)| summary_value(r, cells))
                .collect();
            assert_eq!(figs, &expected, "{year} {}", r.meta.township);
        }
        // The 合计 row is the column sums of the reports.
        let expected: Vec<Option<i128>> = SUMMARY
            .iter()
            .map(|(_, cells)| Some(reports.iter().filter_map(|r| summary_value(r, cells)).sum()))
            .collect();
        assert_eq!(totals, expected, "{year} totals");
        assert!(
            totals[0].unwrap() > 0,
            "{year}: the corpus has applications"
        );
        let foot = doc.select(&sel("tfoot th[scope=row]")).next().map(text);
        assert_eq!(foot.as_deref(), Some("合计"));
        // Open data linked from the page.
        let links: Vec<&str> = doc
            .select(&sel("a"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(
            links.contains(&format!("../data/{year}.csv").as_str()),
            "{year}: CSV link"
        );
        assert!(
            links.contains(&"../datapackage.json"),
            "{year}: datapackage link"
        );
    }
}

#[test]
fn township_pages_link_every_year_with_an_accessible_chart() {
    let s = site();
    let mut by_town: BTreeMap<&str, Vec<&nianbao::content::Report>> = BTreeMap::new();
    for r in s.reports() {
        by_town.entry(r.meta.slug.as_str()).or_default().push(r);
    }
    // The generated townships, plus the sample's 平安镇.
    let generated = 30usize.div_ceil(nianbao::corpus::YEARS.len());
    assert_eq!(by_town.len(), generated + 1);
    for (slug, mut reports) in by_town {
        reports.sort_by_key(|r| r.meta.year);
        let doc = s.html(&format!("townships/{slug}/index.html"));
        let links: Vec<&str> = doc
            .select(&sel("main a"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        for r in &reports {
            assert!(
                links.contains(&format!("../../{}/{slug}/index.html", r.meta.year).as_str()),
                "{slug}: link to {}",
                r.meta.year
            );
        }
        // The chart: an image with a title and a description it is labelled by.
        let svg = doc
            .select(&sel("svg[role=img]"))
            .next()
            .unwrap_or_else(|| panic!("{slug}: no svg[role=img]"));
        let labelled: Vec<&str> = svg
            .value()
            .attr("aria-labelledby")
            .unwrap()
            .split_whitespace()
            .collect();
        let title = svg.select(&sel("title")).next().expect("svg title");
        let desc = svg.select(&sel("desc")).next().expect("svg desc");
        assert!(
            labelled.contains(&title.value().id().unwrap())
                && labelled.contains(&desc.value().id().unwrap()),
            "{slug}: aria-labelledby names title and desc"
        );
        assert!(!text(title).is_empty());
        let desc = text(desc);
        assert!(doc.select(&sel("script")).next().is_none(), "no JavaScript");
        // Trend table: years as columns; the chart's numbers are in it too.
        let years: Vec<String> = doc
            .select(&sel("table.trend-table thead th[scope=col]"))
            .skip(1)
            .map(text)
            .collect();
        assert_eq!(
            years,
            reports
                .iter()
                .map(|r| format!("{}年度", r.meta.year))
                .collect::<Vec<_>>(),
            "{slug}"
        );
        let (rows, _) = table_rows(&doc, "table.trend-table");
        let row = |label: &str| {
            rows.iter()
                .find(|(l, _, _)| l == label)
                .map(|(_, _, f)| f.clone())
                .unwrap_or_else(|| panic!("{slug}: no row {label}"))
        };
        for (i, (label, cells)) in SUMMARY.iter().enumerate() {
            let expected: Vec<Option<i128>> =
                reports.iter().map(|r| summary_value(r, cells)).collect();
            assert_eq!(row(label), expected, "{slug} {label} (column {i})");
        }
        let received: Vec<Option<i128>> = reports
            .iter()
            .map(|r| summary_value(r, &["applications.new.total"]))
            .collect();
        let handled: Vec<Option<i128>> = reports
            .iter()
            .map(|r| summary_value(r, &["applications.total.total"]))
            .collect();
        assert_eq!(row("本年新收"), received);
        assert_eq!(row("办理结果总计"), handled);
        let bars: Vec<String> = doc.select(&sel("svg rect.bar title")).map(text).collect();
        for (r, (rec, han)) in reports.iter().zip(received.iter().zip(&handled)) {
            let y = r.meta.year;
            let (rec, han) = (rec.unwrap(), han.unwrap());
            assert!(
                desc.contains(&format!("{y}年：收到申请 {rec} 件，办理结果总计 {han} 件")),
                "{slug}: desc {desc}"
            );
            assert!(
                bars.contains(&format!("{y}年收到申请 {rec} 件")),
                "{slug}: bar {y}"
            );
        }
    }
}

#[test]
fn mixed_formats_compare_on_the_township_page() {
    let s = site();
    let doc = s.html("townships/pingan/index.html");
    let (rows, _) = table_rows(&doc, "table.trend-table");
    let new = rows.iter().find(|(l, _, _)| l == "本年新收").unwrap();
    // 2020 (gov-2019 fixture) and 2021 (the sample) side by side.
    assert_eq!(new.2, vec![Some(7), Some(3)]);
    let other = rows.iter().find(|(l, _, _)| l == "其他处理").unwrap();
    assert_eq!(
        other.2,
        vec![Some(1), Some(0)],
        "其他处理 is one row in gov-2019, a group in gov-2021: both summed"
    );
    let formats: Vec<String> = doc
        .select(&sel("table.trend-table tbody tr:last-child td"))
        .map(text)
        .collect();
    assert_eq!(
        formats,
        vec!["国办公开办函〔2019〕60号", "国办公开办函〔2021〕30号"]
    );
    let note = doc
        .select(&sel("p.table-note"))
        .map(text)
        .collect::<String>();
    assert!(
        note.contains("国办公开办函〔2019〕60号") && note.contains("主动公开"),
        "the page says which figures do not compare: {note}"
    );
}

#[test]
fn region_pages_sum_their_townships_per_year() {
    let s = site();
    let mut by_region: BTreeMap<&str, Vec<&nianbao::content::Report>> = BTreeMap::new();
    for r in s.reports() {
        by_region
            .entry(r.meta.region.as_deref().unwrap())
            .or_default()
            .push(r);
    }
    assert!(by_region.len() >= 5);
    for (name, reports) in by_region {
        let slug = if name == "大洼区" {
            "dawa".to_string()
        } else {
            fallback_slug(name)
        };
        let doc = s.html(&format!("regions/{slug}/index.html"));
        let h1 = doc.select(&sel("h1")).next().map(text).unwrap();
        assert!(h1.contains(name), "{slug}: {h1}");
        let (rows, _) = table_rows(&doc, "table.region-table");
        let mut years: BTreeMap<u16, Vec<&nianbao::content::Report>> = BTreeMap::new();
        for r in &reports {
            years.entry(r.meta.year).or_default().push(r);
        }
        assert_eq!(rows.len(), years.len(), "{name}: one row per year");
        for (year, rs) in years {
            let (_, href, figs) = rows
                .iter()
                .find(|(y, _, _)| *y == format!("{year}年度"))
                .unwrap_or_else(|| panic!("{name}: no row {year}"));
            assert_eq!(
                href.as_deref(),
                Some(format!("../../{year}/index.html").as_str())
            );
            let mut expected = vec![Some(rs.len() as i128)];
            expected.extend(SUMMARY.iter().map(|(_, cells)| {
                Some(
                    rs.iter()
                        .filter_map(|r| summary_value(r, cells))
                        .sum::<i128>(),
                )
            }));
            assert_eq!(figs, &expected, "{name} {year}");
        }
        // Every township of the region is linked.
        let links: Vec<&str> = doc
            .select(&sel("main a"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        for r in &reports {
            assert!(
                links.contains(&format!("../../townships/{}/index.html", r.meta.slug).as_str())
            );
        }
    }
    // The region without a slug in site.toml is reported, not dropped.
    let warned: Vec<&str> = s
        .site
        .diagnostics
        .iter()
        .filter(|d| d.code == "S020")
        .map(|d| d.message.zh.as_str())
        .collect();
    assert!(
        warned
            .iter()
            .any(|m| m.contains("盘山县") && m.contains(&fallback_slug("盘山县"))),
        "{warned:?}"
    );
    assert!(!warned.iter().any(|m| m.contains("大洼区")));
}

#[test]
fn home_links_every_year_township_and_region() {
    let s = site();
    let doc = s.html("index.html");
    let links: Vec<&str> = doc
        .select(&sel("main a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    for r in s.reports() {
        assert!(links.contains(&format!("{}/index.html", r.meta.year).as_str()));
        assert!(links.contains(&format!("townships/{}/index.html", r.meta.slug).as_str()));
    }
    for slug in [
        "dawa".to_string(),
        fallback_slug("盘山县"),
        fallback_slug("海城市"),
    ] {
        assert!(
            links.contains(&format!("regions/{slug}/index.html").as_str()),
            "{slug}"
        );
    }
    // The latest year's summary, with its 合计 row.
    let (rows, totals) = table_rows(&doc, "table.summary-table");
    let latest = s.by_year().into_iter().next_back().unwrap();
    assert_eq!(latest.0, 2025);
    assert_eq!(rows.len(), latest.1.len());
    let expected: Option<i128> = Some(
        latest
            .1
            .iter()
            .filter_map(|r| summary_value(r, SUMMARY[0].1))
            .sum(),
    );
    assert_eq!(totals.first().copied(), Some(expected));
    for p in [
        "data/2020.csv",
        "data/reports.json",
        "datapackage.json",
        "data/fields.csv",
        "atom.xml",
    ] {
        assert!(links.contains(&p), "home links {p}");
    }
}

/// A summary table's rows are the theme's `summary_row.html`, one per
/// report, with the page's `root` and the year's `mixed`: a site's
/// `templates/` overrides it for the year page and the home page alike, and
/// an error in it fails the build naming the template.
#[test]
fn a_site_overrides_the_summary_row_template() {
    use crate::support::site::TempSite;
    let s = TempSite::sample();
    s.write(
        "templates/summary_row.html",
        "<tr><th scope=\"row\"><a href=\"{{ root }}{{ r.url }}\">{{ r.township }}</a></th><td class=\"mine\">{{ mixed }}:{{ r.figures | length }}</td></tr>\n",
    );
    let public = s.build();
    for (page, root) in [("2021/index.html", "../"), ("index.html", "")] {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let cells: Vec<String> = doc.select(&sel("tbody td.mine")).map(text).collect();
        assert_eq!(cells.len(), 1, "{page}: one report, one row: {cells:?}");
        assert!(cells[0].starts_with("false:"), "{page}: {cells:?}");
        let href = doc
            .select(&sel("tbody th[scope=row] a"))
            .next()
            .and_then(|a| a.value().attr("href").map(str::to_string));
        assert!(
            href.as_deref()
                .is_some_and(|h| h.starts_with(&format!("{root}2021/"))),
            "{page}: {href:?}"
        );
    }
    s.write(
        "templates/summary_row.html",
        "<tr><td>{{ r.no_such_field.x }}</td></tr>\n",
    );
    let err = nianbao::build(&nianbao::BuildOptions::new(s.root.as_path())).unwrap_err();
    let text: String = err.iter().map(|d| format!("{d:?}")).collect();
    assert!(text.contains("summary_row.html"), "{text}");
}
