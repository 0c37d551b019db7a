//! A site adds its own format (a provincial variant) by placing a definition
//! file in `formats/`; reports choose it with `format:`.

use std::fs;
use std::path::Path;

use scraper::{Html, Selector};

use crate::support::site::TempSite;

const HERE: &str = env!("CARGO_MANIFEST_DIR");

/// gov-2021 with one more row in block （一）, as some provinces printed it.
fn provincial() -> String {
    let builtin = fs::read_to_string(Path::new(HERE).join("formats/gov-2021.toml")).unwrap();
    let with_row = builtin.replace(
        "  { id = \"normative_docs\", label = \"行政规范性文件\", aliases = [\"规范性文件\"] },\n",
        "  { id = \"normative_docs\", label = \"行政规范性文件\", aliases = [\"规范性文件\"] },\n  { id = \"other_docs\", label = \"其他主动公开文件\" },\n",
    );
    assert_ne!(builtin, with_row);
    with_row
        .replace("id = \"gov-2021\"", "id = \"hubei-2021\"")
        .replace("years = [2021, 9999]", "years = [2021, 2021]")
}

fn site(definition: &str, report: &str) -> TempSite {
    let s = TempSite::with_toml("title = \"测试\"\n");
    s.write("formats/hubei-2021.toml", definition);
    s.write("content/2021/pingan.md", report);
    s
}

fn sample() -> String {
    fs::read_to_string(Path::new(HERE).join("content/2021/pingan.md")).unwrap()
}

#[test]
fn a_site_format_is_read_checked_and_rendered() {
    let report = sample()
        .replace("year: 2021\n", "year: 2021\nformat: hubei-2021\n")
        .replace(
            "规范性文件:     [0, 0, 0]\n",
            "规范性文件:     [0, 0, 0]\n其他主动公开文件: [4, 1, 7]\n",
        );
    let dir = site(&provincial(), &report);
    let built = nianbao::build(&nianbao::BuildOptions::new(dir.root.as_path()));
    let built = built.unwrap_or_else(|d| {
        panic!(
            "{}",
            nianbao::diag::render_human(&d, nianbao::diag::Lang::Zh, false)
        )
    });
    assert_eq!(built.reports, 1);
    let html =
        fs::read_to_string(dir.root.as_path().join("public/2021/pingan/index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let row = doc
        .select(&Selector::parse("table#active tr").unwrap())
        .find(|tr| tr.text().collect::<String>().contains("其他主动公开文件"))
        .expect("the provincial row is printed");
    let figures: Vec<String> = row
        .select(&Selector::parse("td").unwrap())
        .map(|td| td.text().collect())
        .collect();
    assert_eq!(figures, ["4", "1", "7"]);

    // The national format would not know the row: the same report without `format:` fails.
    let national = site(
        &provincial(),
        &report.replace("format: hubei-2021\n", "format: gov-2021\n"),
    );
    let diags = nianbao::build(&nianbao::BuildOptions::new(national.root.as_path())).unwrap_err();
    assert!(
        diags.iter().any(|d| d.code == "E023"),
        "{:?}",
        diags.iter().map(|d| d.code).collect::<Vec<_>>()
    );
}

#[test]
fn a_broken_site_format_is_an_error_that_names_the_file() {
    let broken = provincial()
        .replace("blame = \"total\"\n", "blame = \"totl\"\n")
        .replace(
            "lhs = [\"total\"]\nrhs = [\"@leaves\"]",
            "lhs = [\"totl\"]\nrhs = [\"@leaves\"]",
        );
    let dir = site(&broken, &sample());
    let diags = nianbao::build(&nianbao::BuildOptions::new(dir.root.as_path())).unwrap_err();
    let d = diags.iter().find(|d| d.code == "S010").expect("S010");
    assert!(d.message.zh.contains("hubei-2021.toml"), "{}", d.message.zh);
}

/// The summary columns are data: a revision that renames a row declares the
/// columns over its own ids, and the index pages show its figures, not “—”.
#[test]
fn summary_columns_come_from_the_definition() {
    let renamed = provincial()
        .replace("\"new\"", "\"received\"")
        .replace("applications.new.total", "applications.received.total")
        .replace("label = \"行政诉讼\"", "label = \"行政诉讼合计\"");
    assert!(renamed.contains("applications.received.total"));
    let report = sample().replace("year: 2021\n", "year: 2021\nformat: hubei-2021\n");
    let dir = site(&renamed, &report);
    let built = nianbao::build(&nianbao::BuildOptions::new(dir.root.as_path()));
    if let Err(d) = &built {
        panic!(
            "{}",
            nianbao::diag::render_human(d, nianbao::diag::Lang::Zh, false)
        );
    }
    let html = fs::read_to_string(dir.root.as_path().join("public/2021/index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let header: Vec<String> = doc
        .select(&Selector::parse("table.summary-table thead th").unwrap())
        .map(|th| th.text().collect::<String>().trim().to_string())
        .collect();
    assert!(header.iter().any(|h| h == "行政诉讼合计"), "{header:?}");
    let cells: Vec<String> = doc
        .select(&Selector::parse("table.summary-table tbody tr td").unwrap())
        .map(|td| td.text().collect::<String>().trim().to_string())
        .collect();
    // 本年新收 of the sample is a figure, not “—”.
    assert!(
        !cells.is_empty() && !cells.iter().all(|c| c == "—"),
        "{cells:?}"
    );
    assert_ne!(cells.first().map(String::as_str), Some("—"), "{cells:?}");
}

/// A summary column naming a cell the format lacks is an error of the
/// definition, named, not a silent “—” on every page.
#[test]
fn a_summary_column_over_an_unknown_cell_is_an_error() {
    let bad = provincial().replace(
        "cells = [\"reviews.review.total\"]",
        "cells = [\"reviews.reveiw.total\"]",
    );
    let dir = site(&bad, &sample());
    let err = nianbao::build(&nianbao::BuildOptions::new(dir.root.as_path())).unwrap_err();
    let text = nianbao::diag::render_human(&err, nianbao::diag::Lang::Zh, false);
    assert!(
        text.contains("S010") && text.contains("reviews.reveiw.total"),
        "{text}"
    );
}
