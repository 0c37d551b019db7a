//! The table editor's write-back (issue 18): on every report the tests have
//! (the fixtures, the sample, generated reports, and hand-written shapes),
//! changing nothing is byte-identical, and changing one figure changes only
//! that number's bytes.

use std::path::{Path, PathBuf};

use nianbao::content::{self, Report};
use nianbao::edit::{self, Edits, Entry, writeback};
use nianbao::format::{CellRef, Registry};

use crate::support::site::manifest;

fn parse(bytes: &[u8]) -> Report {
    let registry = Registry::builtin();
    content::parse("content/x.md", Path::new("x.md"), bytes, &registry)
        .0
        .expect("the report reads")
}

/// Every report file the tests have, and generated ones.
fn reports() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![
        manifest().join("tests/fixtures"),
        manifest().join("content"),
    ];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                let bytes = std::fs::read(&p).unwrap();
                if content::parse("content/x.md", &p, &bytes, &Registry::builtin())
                    .0
                    .is_some()
                {
                    out.push((p.display().to_string(), bytes));
                }
            }
        }
    }
    for g in nianbao::corpus::reports(4, 7) {
        out.push((g.rel_path(), g.markdown.into_bytes()));
    }
    // Shapes a clerk writes: CRLF, comments after figures, a row left out,
    // totals left out, a blank cell.
    let sample = std::fs::read_to_string(manifest().join("content/2021/pingan.md")).unwrap();
    out.push(("crlf".into(), sample.replace('\n', "\r\n").into_bytes()));
    let shaped = sample
        .replace(
            "[3, 0, 0, 0, 0, 0, 3]\n上年",
            "[3, 0, 0, 0, 0, 0]   # 总计省略\n上年",
        )
        .replace(
            "予以公开:                        [0, 0, 0, 0, 0, 0, 0]\n",
            "",
        )
        .replace("行政处罚:       0", "行政处罚:       ~");
    out.push(("shaped".into(), shaped.into_bytes()));
    out
}

/// Positions (byte offsets) where two texts differ, as one range.
fn diff_range(a: &[u8], b: &[u8]) -> (usize, usize, usize) {
    let start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let end_a = a.len()
        - a.iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
    let end_b = b.len()
        - a.iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
    (start, end_a.max(start), end_b.max(start))
}

#[test]
fn nothing_changed_is_byte_identical() {
    for (name, bytes) in reports() {
        let report = parse(&bytes);
        let out = writeback::apply(&bytes, &report, &Edits::default()).unwrap();
        assert_eq!(out, bytes, "{name}");
        // The form as shown, posted back unchanged, is no edit at all.
        let fields = form_fields(&report);
        let edits = Edits::from_form(&report, &fields);
        assert!(edits.is_empty(), "{name}: {edits:?}");
    }
}

/// Every input of the form with the value it shows.
fn form_fields(r: &Report) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (t, def) in r.format.tables.iter().enumerate() {
        for row in 0..def.rows.len() {
            if def.is_group(row) {
                continue;
            }
            for col in 0..def.columns_of(row).len() {
                let at = CellRef { row, col };
                let v = match edit::shown(def, &r.tables[t], at) {
                    Entry::Blank => String::new(),
                    Entry::Figure(s) => s,
                };
                out.push((edit::field_name(def, at), v));
            }
        }
    }
    for k in edit::META_KEYS {
        out.push((k.to_string(), edit::meta_text(r, k)));
    }
    out
}

#[test]
fn one_figure_changed_changes_only_its_bytes() {
    let mut tried = 0;
    for (name, bytes) in reports() {
        let report = parse(&bytes);
        for (t, def) in report.format.tables.iter().enumerate() {
            for row in 0..def.rows.len() {
                if def.is_group(row) {
                    continue;
                }
                for col in 0..def.columns_of(row).len() {
                    let at = CellRef { row, col };
                    let field = edit::field_name(def, at);
                    let edits = Edits::from_form(&report, &[(field.clone(), "987".into())]);
                    assert_eq!(edits.cells.len(), 1, "{name} {field}");
                    let out = writeback::apply(&bytes, &report, &edits)
                        .unwrap_or_else(|e| panic!("{name} {field}: {}", e.0.zh));
                    let after = parse(&out);
                    writeback::verify(&report, &after, &edits)
                        .unwrap_or_else(|e| panic!("{name} {field}: {}", e.0.zh));
                    let cell = report.tables[t].cell(def, at).unwrap();
                    if let Some(loc) = cell.loc() {
                        // Written: exactly its token replaced, nothing else.
                        let (s, ea, eb) = diff_range(&bytes, &out);
                        let old = std::str::from_utf8(&bytes[s..ea]).unwrap();
                        let new = std::str::from_utf8(&out[s..eb]).unwrap();
                        assert!(
                            new.chars().all(|c| c.is_ascii_digit()),
                            "{name} {field}: only digits change, got {old:?} -> {new:?}"
                        );
                        assert!(
                            old.chars().count() <= loc.len as usize,
                            "{name} {field}: {old:?}"
                        );
                    } else {
                        // Left out: lines added or the total appended, every
                        // original line still there, in order.
                        let orig: Vec<&str> =
                            std::str::from_utf8(&bytes).unwrap().lines().collect();
                        let text = String::from_utf8(out.clone()).unwrap();
                        let mut it = text.lines();
                        let mut changed = 0;
                        for l in orig {
                            loop {
                                let Some(n) = it.next() else {
                                    panic!("{name} {field}: line lost: {l}")
                                };
                                if n == l {
                                    break;
                                }
                                if n.replacen(", 987", "", 1) == l {
                                    changed += 1;
                                    break;
                                }
                            }
                        }
                        assert!(changed <= 1, "{name} {field}");
                    }
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 1000, "{tried}");
}

#[test]
fn front_matter_edits_keep_the_rest() {
    let bytes = std::fs::read(manifest().join("content/2021/pingan.md")).unwrap();
    let report = parse(&bytes);
    let fields = vec![
        (
            "organ".to_string(),
            "大洼区平安镇人民政府办公室".to_string(),
        ),
        ("published".into(), "2022-01-20".into()),
        ("index_no".into(), "11211104MB0000000X/2022-00001".into()),
        ("draft".into(), "false".into()),
        ("draft".into(), "true".into()),
    ];
    let edits = Edits::from_form(&report, &fields);
    let out = String::from_utf8(writeback::apply(&bytes, &report, &edits).unwrap()).unwrap();
    let after = parse(out.as_bytes());
    assert_eq!(after.meta.organ, "大洼区平安镇人民政府办公室");
    assert_eq!(after.meta.published.unwrap().to_string(), "2022-01-20");
    assert_eq!(
        after.meta.index_no.as_deref(),
        Some("11211104MB0000000X/2022-00001")
    );
    assert!(after.meta.draft);
    let text = String::from_utf8(bytes).unwrap();
    // Body untouched.
    let body = |s: &str| s.split_once("\n---\n").unwrap().1.to_string();
    assert_eq!(body(&out), body(&text));
}

#[test]
fn gbk_files_are_refused_not_rewritten() {
    let text = std::fs::read_to_string(manifest().join("content/2021/pingan.md")).unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let report = parse(&gbk);
    let edits = Edits::from_form(&report, &[("reviews.review.upheld".into(), "1".into())]);
    let err = writeback::apply(&gbk, &report, &edits).unwrap_err();
    assert!(err.0.zh.contains("UTF-8"), "{}", err.0.zh);
}
