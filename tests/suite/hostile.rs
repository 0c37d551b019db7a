//! Hostile and broken input: every problem is a diagnostic, never a panic;
//! author content never reaches the page as markup; output is deterministic.

use std::fs;
use std::path::{Path, PathBuf};

use nianbao::content;
use nianbao::diag::{Diagnostic, Lang};
use nianbao::format::Registry;
use scraper::{Html, Selector};

use crate::support::site::TempSite;

fn sample() -> String {
    fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/content/2021/pingan.md"
    ))
    .unwrap()
}

fn parse(bytes: &[u8]) -> (Option<content::Report>, Vec<Diagnostic>) {
    let reg = Registry::builtin();
    let (mut r, mut d) = content::parse("content/x.md", Path::new("content/x.md"), bytes, &reg);
    if let Some(r) = r.as_mut() {
        d.extend(nianbao::check::report(r));
    }
    (r, d)
}

fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

fn site(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let s = TempSite::with_toml("title = \"测试\"\nbase_url = \"https://example.gov.cn/ndbg/\"\n");
    for (name, bytes) in files {
        s.write(&format!("content/{name}"), bytes);
    }
    s.into_parts()
}

#[test]
fn alias_bomb_in_a_table_is_a_clear_error() {
    let mut bomb = String::from("```yaml table=reviews\nx: &a [0, 0, 0, 0]\n");
    let mut prev = "a".to_string();
    for i in 0..12 {
        let n = format!("n{i}");
        bomb.push_str(&format!(
            "{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
        prev = n;
    }
    bomb.push_str("```\n");
    // The bomb's rows go first in the reviews block; 8^12 expansions if nothing bounded them.
    let rows = bomb
        .trim_start_matches("```yaml table=reviews\n")
        .trim_end_matches("```\n");
    let text = sample().replace(
        "```yaml table=reviews\n",
        &format!("```yaml table=reviews\n{rows}"),
    );
    let (_, d) = parse(text.as_bytes());
    assert!(codes(&d).contains(&"E020"), "{:?}", codes(&d));
}

#[test]
fn very_deep_nesting_is_bounded() {
    let deep = format!("行政复议: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let text = sample().replace("行政复议:          [0, 0, 0, 0, 0]\n", &deep);
    let (_, d) = parse(text.as_bytes());
    assert!(codes(&d).contains(&"E020"), "{:?}", codes(&d));
}

#[test]
fn a_five_megabyte_report_builds() {
    let para = "平安镇持续推进政务公开标准化规范化建设，".repeat(100);
    let mut big = sample();
    let extra: String = (0..1000).map(|_| format!("{para}\n\n")).collect();
    big = big.replace(
        "## 五、存在的主要问题及改进情况\n",
        &format!("## 五、存在的主要问题及改进情况\n\n{extra}"),
    );
    assert!(big.len() > 5_000_000, "{}", big.len());
    let (_t, root) = site(&[("2021/pingan.md", big.as_bytes())]);
    let built = nianbao::build(&nianbao::BuildOptions::new(&root));
    assert!(
        built.is_ok(),
        "{}",
        nianbao::diag::render_human(&built.err().unwrap_or_default(), Lang::Zh, false)
    );
}

#[test]
fn binary_and_foreign_encodings() {
    let (r, d) = parse(b"\x7fELF\x02\x01\x01\x00\x00\x00binary");
    assert!(r.is_none());
    assert_eq!(codes(&d), ["E002"]);
    assert!(d[0].message.zh.contains("二进制"));

    // The sample saved as GBK (as Windows editors in China still do) is read, with a note.
    let text = sample();
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let (r, d) = parse(&gbk);
    let r = r.expect("GBK is read transparently");
    assert_eq!(r.meta.township, "平安镇");
    assert_eq!(codes(&d), ["E011"]);
    assert!(d[0].message.zh.contains("GBK"));
    assert!(d[0].message.zh.contains("iconv"));

    // Neither UTF-8 nor GBK: refused with the way out.
    let (r, d) = parse(b"---\norgan: \xff\xfe\xff\n---\n");
    assert!(r.is_none());
    assert_eq!(codes(&d), ["E002"]);
}

#[test]
fn bom_and_crlf_are_accepted() {
    let text = format!("\u{FEFF}{}", sample().replace('\n', "\r\n"));
    let (r, d) = parse(text.as_bytes());
    assert!(d.is_empty(), "{:?}", codes(&d));
    let r = r.unwrap();
    let (def, data) = r.table("applications").unwrap();
    let new = def.row_by_id("new").unwrap();
    assert_eq!(
        data.int(def, nianbao::format::CellRef { row: new, col: 0 }),
        3
    );
}

#[test]
fn empty_and_unclosed_files() {
    let (r, d) = parse(b"");
    assert!(r.is_none());
    assert_eq!(codes(&d), ["E003"]);
    assert!(d[0].message.zh.contains("空"));

    let (r, d) = parse(b"---\norgan: x\ntownship: y\nyear: 2021\n");
    assert!(r.is_none());
    assert_eq!(codes(&d), ["E004"]);

    // The last block is never closed: everything after it would be swallowed.
    let unclosed = sample().replace("```\n\n## 五、", "\n## 五、");
    let (_, d) = parse(unclosed.as_bytes());
    assert!(codes(&d).contains(&"E005"), "{:?}", codes(&d));
}

#[test]
fn integers_beyond_any_count() {
    let text = sample().replace(
        "行政许可:       0",
        "行政许可:       99999999999999999999999999999999",
    );
    let (_, d) = parse(text.as_bytes());
    let e = d.iter().find(|d| d.code == "D1").expect("D1");
    assert!(e.message.zh.contains("太大"));
    assert_eq!(e.loc.map(|l| l.line), Some(21));
}

#[test]
fn slugs_cannot_escape_the_output_folder() {
    let text = sample().replace("slug: pingan", "slug: ../../etc");
    let (_, d) = parse(text.as_bytes());
    assert!(codes(&d).contains(&"E037"), "{:?}", codes(&d));
    let text = sample().replace("slug: pingan\n", "");
    let reg = Registry::builtin();
    let (_, d) = content::parse(
        "content/..md",
        Path::new("content/...md"),
        text.as_bytes(),
        &reg,
    );
    assert!(codes(&d).contains(&"E037"), "{:?}", codes(&d));
}

#[test]
fn duplicate_township_and_year_names_both_files() {
    let s = sample();
    let (_t, root) = site(&[
        ("2021/pingan.md", s.as_bytes()),
        ("copy/pingan-again.md", s.as_bytes()),
    ]);
    let d = nianbao::build(&nianbao::BuildOptions::new(&root)).unwrap_err();
    let dup = d.iter().find(|d| d.code == "E050").expect("E050");
    assert!(
        dup.message.zh.contains("content/2021/pingan.md")
            && dup.message.zh.contains("content/copy/pingan-again.md"),
        "{}",
        dup.message.zh
    );
    assert!(
        !root.join("public").exists(),
        "nothing is written when a check fails"
    );
}

#[test]
fn symlinks_leading_outside_the_site_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    fs::write(
        &secret,
        sample()
            .replace("平安镇", "外部镇")
            .replace("pingan", "outside"),
    )
    .unwrap();
    let (_t, root) = site(&[("2021/pingan.md", sample().as_bytes())]);
    std::os::unix::fs::symlink(&secret, root.join("content/2021/outside.md")).unwrap();
    let built = nianbao::build(&nianbao::BuildOptions::new(&root)).unwrap();
    assert_eq!(built.reports, 1);
    assert!(built.diagnostics.iter().any(|d| d.code == "E010"));
    assert!(!root.join("public/2021/outside").exists());
}

#[test]
fn author_markup_never_reaches_the_page() {
    let evil = sample()
        .replace("organ: 大洼区平安镇人民政府", "organ: \"<script>alert(1)</script>大洼区平安镇人民政府\"")
        .replace(
            "## 六、其他需要报告的事项\n\n无\n",
            "## 六、其他需要报告的事项\n\n<script>alert(1)</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n<img src=x onerror=\"alert(1)\">\n\n[点我](javascript:alert(1)) <a href=\"javascript:alert(2)\">x</a>\n",
        );
    let (_t, root) = site(&[("2021/pingan.md", evil.as_bytes())]);
    nianbao::build(&nianbao::BuildOptions::new(&root)).unwrap();
    for entry in walk(&root.join("public")) {
        let text = fs::read_to_string(&entry).unwrap_or_default();
        // The year CSVs are data (text/csv, never rendered): an organ name
        // must round-trip as written there, markup included.
        if entry.extension().is_some_and(|e| e == "csv") {
            continue;
        }
        if entry.extension().is_none_or(|e| e != "html") {
            assert!(!text.contains("<script>"), "{}", entry.display());
            continue;
        }
        let doc = Html::parse_document(&text);
        // The search page loads the site's own search script, nothing else.
        let search_page = entry.ends_with("search/index.html");
        if search_page {
            let srcs: Vec<&str> = doc
                .select(&Selector::parse("script").unwrap())
                .map(|s| s.value().attr("src").unwrap_or("inline"))
                .collect();
            assert_eq!(srcs, ["../static/search.js"], "{}", entry.display());
        }
        for sel in [
            if search_page {
                "noscript script"
            } else {
                "script"
            },
            "iframe",
            "img",
            "[onerror]",
            "[onclick]",
            "[onload]",
        ] {
            assert!(
                doc.select(&Selector::parse(sel).unwrap()).next().is_none(),
                "{sel} in {}",
                entry.display()
            );
        }
        for a in doc.select(&Selector::parse("a[href]").unwrap()) {
            assert!(
                !a.value()
                    .attr("href")
                    .unwrap()
                    .to_ascii_lowercase()
                    .contains("javascript:"),
                "{}",
                entry.display()
            );
        }
    }
    let page = fs::read_to_string(root.join("public/2021/pingan/index.html")).unwrap();
    assert!(
        page.contains("&lt;script>alert(1)&lt;/script>")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the text is shown, escaped"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let (_t, root) = site(&[
        ("2021/pingan.md", sample().as_bytes()),
        (
            "2022/pingan.md",
            sample().replace("year: 2021", "year: 2022").as_bytes(),
        ),
    ]);
    let a = root.parent().unwrap().join("a");
    let b = root.parent().unwrap().join("b");
    for out in [&a, &b] {
        let opts = nianbao::BuildOptions {
            root: root.clone(),
            out: Some(out.clone()),
            drafts: false,
            base_url: None,
        };
        nianbao::build(&opts).unwrap();
    }
    let fa = walk(&a);
    let fb = walk(&b);
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.strip_prefix(&a).unwrap(), y.strip_prefix(&b).unwrap());
        assert_eq!(
            fs::read(x).unwrap(),
            fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let (_t, root) = site(&[("2021/pingan.md", sample().as_bytes())]);
    nianbao::build(&nianbao::BuildOptions::new(&root)).unwrap();
    let before: Vec<(PathBuf, Vec<u8>)> = walk(&root.join("public"))
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    fs::write(
        root.join("content/2021/pingan.md"),
        sample().replace("[3, 0, 0, 0, 0, 0, 3]", "[3, 0, 0, 0, 0, 0, 4]"),
    )
    .unwrap();
    assert!(nianbao::build(&nianbao::BuildOptions::new(&root)).is_err());
    let after: Vec<(PathBuf, Vec<u8>)> = walk(&root.join("public"))
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    assert_eq!(before, after);
    // And a deleted report's pages do not survive the next good build.
    fs::remove_file(root.join("content/2021/pingan.md")).unwrap();
    fs::write(
        root.join("content/2021/other.md"),
        sample()
            .replace("slug: pingan", "slug: other")
            .replace("平安镇", "其他镇"),
    )
    .unwrap();
    nianbao::build(&nianbao::BuildOptions::new(&root)).unwrap();
    assert!(!root.join("public/2021/pingan").exists());
    assert!(root.join("public/2021/other/index.html").exists());
}

/// The build writes pages into a staging folder as they are rendered; a
/// template that fails late (the home page renders after every report page
/// is staged) must still leave the output exactly as it was, with nothing
/// left beside it.
#[test]
fn a_build_failing_after_pages_were_staged_leaves_no_trace() {
    let (t, root) = site(&[("2021/pingan.md", sample().as_bytes())]);
    nianbao::build(&nianbao::BuildOptions::new(&root)).unwrap();
    let snapshot = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        walk(dir)
            .into_iter()
            .map(|p| {
                let b = fs::read(&p).unwrap();
                (p, b)
            })
            .collect()
    };
    let before = snapshot(&root.join("public"));
    fs::write(
        root.join("content/2021/pingan.md"),
        sample().replace("平安镇人民政府", "平安镇人民政府（改）"),
    )
    .unwrap();
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/home.html"),
        "{% extends \"base.html\" %}{% block main %}{{ no_such_variable.field }}{% endblock %}",
    )
    .unwrap();
    let err = nianbao::build(&nianbao::BuildOptions::new(&root)).unwrap_err();
    assert!(!err.is_empty());
    assert_eq!(before, snapshot(&root.join("public")));
    let beside: Vec<String> = fs::read_dir(root.parent().unwrap())
        .unwrap()
        .chain(fs::read_dir(&root).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("nianbao"))
        .collect();
    assert!(beside.is_empty(), "left behind: {beside:?}");
    drop(t);
}
