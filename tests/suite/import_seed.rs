//! The seed page (大洼区平安镇 2021, as copied from the portal) imports to the
//! seed report: the same figures cell by cell, blanks kept as `~`, and a
//! report that passes the checker.

use std::path::Path;

use nianbao::check;
use nianbao::content::{self, Origin, Report};
use nianbao::format::{CellRef, Registry};
use nianbao::import;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(name)).unwrap()
}

fn parse(rel: &str, text: &[u8], registry: &Registry) -> Report {
    let (report, diags) = content::parse(rel, Path::new(rel), text, registry);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{rel} does not parse: {errors:?}");
    report.unwrap()
}

#[test]
fn seed_page_imports_to_the_seed_report() {
    let registry = Registry::builtin();
    let outcome = import::run(
        &read("seed_pingan_2021.txt"),
        "content/2021/pingan.md",
        &registry,
    )
    .unwrap();
    assert_eq!(outcome.exit, 0, "{}", outcome.imported.text);
    assert!(!outcome.imported.partial);
    assert_eq!(outcome.imported.format, "gov-2021");
    assert!(
        !outcome.diagnostics.iter().any(|d| d.is_error()),
        "{:?}",
        outcome.diagnostics
    );

    let mut got = parse(
        "content/2021/pingan.md",
        outcome.imported.text.as_bytes(),
        &registry,
    );
    let want = parse("pingan.md", &read("pingan_expected.md"), &registry);
    assert_eq!(got.meta.organ, want.meta.organ);
    assert_eq!(got.meta.township, want.meta.township);
    assert_eq!(got.meta.region, want.meta.region);
    assert_eq!(got.meta.year, want.meta.year);
    assert_eq!(got.meta.slug, "pingan");
    assert!(!got.meta.draft);

    // Cell by cell: the same figures; a blank (~) counts as the 0 the seed report writes.
    let mut compared = 0;
    let mut blanks = 0;
    for (t, def) in got.format.tables.iter().enumerate() {
        for row in 0..def.rows.len() {
            if def.is_group(row) {
                continue;
            }
            for col in 0..def.columns_of(row).len() {
                let at = CellRef { row, col };
                let g = got.tables[t].cell(def, at).unwrap();
                let w = want.tables[t].cell(def, at).unwrap();
                assert_eq!(g.value, w.value, "{}", def.cell_id(at));
                // The page leaves the applicant columns blank where there is nothing
                // and prints every total: blanks must come back as ~, printed zeros as 0.
                let blank_on_page = def.id == "applications" && col < 6 && g.value.is_zero();
                match g.origin {
                    Origin::Blank(_) => {
                        assert!(
                            blank_on_page,
                            "{} is ~ but the page prints a figure",
                            def.cell_id(at)
                        );
                        blanks += 1;
                    }
                    Origin::Written(_) => {
                        assert!(!blank_on_page, "{} was blank on the page", def.cell_id(at))
                    }
                    other => panic!("{}: {other:?}", def.cell_id(at)),
                }
                compared += 1;
            }
        }
    }
    // 10 cells in 二, 25 × 7 in 三, 15 in 四; 3 of the 150 applicant cells carry a figure.
    assert_eq!(compared, 10 + 175 + 15);
    assert_eq!(blanks, 147);

    // The imported report passes the checker: no errors, only the W5 notes about blanks.
    let diags = check::report(&mut got);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    assert_eq!(diags.iter().filter(|d| d.code == "W5").count(), 147);

    // The prose keeps its paragraphs under the official headings.
    let text = &outcome.imported.text;
    for h in &got.format.sections {
        assert!(text.contains(&format!("## {h}\n")), "{h}");
    }
    assert!(text.contains("平安镇开展“5.15”政务公开日活动"));
    assert_eq!(got.headings.len(), 6);
}

#[test]
fn gbk_page_imports_like_utf8() {
    let registry = Registry::builtin();
    let utf8 = read("seed_pingan_2021.txt");
    let (gbk, _, _) = encoding_rs::GBK.encode(std::str::from_utf8(&utf8).unwrap());
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the fixture must really be GBK"
    );
    let a = import::run(&utf8, "pingan.md", &registry).unwrap();
    let b = import::run(&gbk, "pingan.md", &registry).unwrap();
    assert_eq!(a.imported.text, b.imported.text);
    assert_eq!(b.exit, 0);
}

#[test]
fn truncated_page_keeps_what_was_read_and_is_a_draft() {
    let registry = Registry::builtin();
    let outcome = import::run(&read("truncated_2021.txt"), "pingan.md", &registry).unwrap();
    assert_eq!(outcome.exit, 1);
    assert!(outcome.imported.partial);
    let text = &outcome.imported.text;
    assert!(text.contains("draft: true"), "{text}");
    let got = parse("pingan.md", text.as_bytes(), &registry);
    assert!(got.meta.draft);
    let want = parse("pingan.md", &read("pingan_expected.md"), &registry);

    // Rows before the break are read exactly; the broken row and those after it are not written.
    let (apps, data) = got.table("applications").unwrap();
    let (_, wdata) = want.table("applications").unwrap();
    let cut = apps.row_by_id("not_processed.petition").unwrap();
    for row in 0..apps.rows.len() {
        if apps.is_group(row) {
            continue;
        }
        for col in 0..7 {
            let at = CellRef { row, col };
            let c = data.cell(apps, at).unwrap();
            if row < cut {
                assert_eq!(
                    c.value,
                    wdata.cell(apps, at).unwrap().value,
                    "{}",
                    apps.cell_id(at)
                );
                assert!(c.written(), "{}", apps.cell_id(at));
            } else {
                assert!(!c.written(), "{} was invented", apps.cell_id(at));
            }
        }
    }
    // Section 四 is gone: its table block says so and holds nothing.
    let (_, reviews) = got.table("reviews").unwrap();
    assert!(reviews.cells.iter().all(|c| !c.written()));

    // The messages name what is missing, each pointing at its TODO line.
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
    for code in ["I010", "I012", "I013", "I014"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let missing = outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "I012")
        .unwrap();
    assert!(
        missing.message.zh.contains("缺少 9 行"),
        "{}",
        missing.message.zh
    );
    assert!(missing.message.zh.contains("重复申请"));
    let broken = outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "I010")
        .unwrap();
    assert!(broken.message.zh.contains("中断"), "{}", broken.message.zh);
    let line = broken.loc.unwrap().line as usize;
    assert!(text.lines().nth(line - 1).unwrap().contains("TODO（导入）"));
    let sections: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code == "I014")
        .map(|d| d.message.zh.clone())
        .collect();
    assert_eq!(sections.len(), 3, "{sections:?}");
    // No identity is blamed on figures that are only missing.
    assert!(
        !outcome.diagnostics.iter().any(|d| d.is_error()),
        "{:?}",
        outcome.diagnostics
    );
}

/// Cut the seed page after every line: whatever is imported must be what
/// the page printed (the seed report's figure), never a number from
/// elsewhere; a cut page is a draft; nothing panics.
#[test]
fn every_cut_of_the_seed_imports_only_printed_figures() {
    let registry = Registry::builtin();
    let want = parse("pingan.md", &read("pingan_expected.md"), &registry);
    let seed = String::from_utf8(read("seed_pingan_2021.txt")).unwrap();
    let lines: Vec<&str> = seed.split('\n').collect();
    let mut imported = 0;
    for cut in 1..lines.len() {
        let page = lines[..cut].join("\n");
        let Ok(outcome) = import::run(page.as_bytes(), "pingan.md", &registry) else {
            continue;
        };
        imported += 1;
        let (report, _) = content::parse(
            "pingan.md",
            Path::new("pingan.md"),
            outcome.imported.text.as_bytes(),
            &registry,
        );
        let Some(got) = report else {
            // Only a page cut inside its title lacks a year and cannot be parsed.
            assert!(outcome.imported.partial, "cut {cut}");
            continue;
        };
        for (t, def) in got.format.tables.iter().enumerate() {
            for (i, cell) in got.tables[t].cells.iter().enumerate() {
                if cell.written() {
                    assert_eq!(
                        cell.value, want.tables[t].cells[i].value,
                        "cut after line {cut}: {} cell {i}",
                        def.id
                    );
                }
            }
        }
        if cut + 3 < lines.len() {
            assert!(
                outcome.imported.partial && got.meta.draft,
                "cut after line {cut} of {} is not marked partial",
                lines.len()
            );
            assert_eq!(outcome.exit, 1);
        }
    }
    assert!(imported > 400, "{imported}");
}
