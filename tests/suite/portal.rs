//! Portal-ready defaults: the CLI behaves like Zola's and Hugo's (short
//! flags, --base-url, one exit-code rule, help for every option), open data
//! says what it means, and citizens are not shown internal format ids.

use crate::support::common::run;
use crate::support::site::TempSite;

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn base_url_on_the_command_line_overrides_site_toml() {
    let site = TempSite::sample();
    let out = site.dir.path().join("staging");
    let (code, _, err) = run(&[
        "build",
        "-r",
        s(&site.root),
        "-o",
        s(&out),
        "-u",
        "https://staging.example.gov.cn/ndbg",
    ]);
    assert_eq!(code, 0, "{err}");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://staging.example.gov.cn/ndbg/2021/pingan/</loc>"),
        "{sitemap}"
    );
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(
        atom.contains("<id>tag:staging.example.gov.cn,2008:/ndbg/atom.xml</id>"),
        "{atom}"
    );
}

#[test]
fn a_relative_base_url_is_warned_about_in_check_and_build() {
    let toml = std::fs::read_to_string(crate::support::site::manifest().join("site.toml"))
        .unwrap()
        .lines()
        .map(|l| {
            if l.starts_with("base_url") {
                "base_url = \"/\""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let site = TempSite::with_toml(&toml);
    site.write(
        "content/2021/pingan.md",
        crate::support::rebuild_common::SAMPLE,
    );
    for cmd in ["check", "build"] {
        let (code, _, err) = run(&[cmd, "-r", s(&site.root)]);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("warning[S025]") && err.contains("--base-url"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn every_command_exits_2_when_it_cannot_run_and_1_for_site_errors() {
    for cmd in ["build", "check"] {
        let (code, _, err) = run(&[cmd, "--root", "/nonexistent/site"]);
        assert_eq!(code, 2, "{cmd}: {err}");
    }
    let site = TempSite::sample();
    site.write(
        "content/2021/pingan.md",
        crate::support::rebuild_common::SAMPLE.replace(
            "本年新收政府信息公开申请数量:     [3, 0, 0, 0, 0, 0, 3]",
            "本年新收政府信息公开申请数量:     [3, 0, 0, 0, 0, 0, 4]",
        ),
    );
    for cmd in ["build", "check"] {
        let (code, _, err) = run(&[cmd, "-r", s(&site.root)]);
        assert_eq!(code, 1, "{cmd}: {err}");
    }
}

#[test]
fn every_option_of_every_command_has_help_text() {
    for cmd in ["build", "serve", "init", "new", "check", "import"] {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0);
        let options = out.split("Options:").nth(1).unwrap_or("");
        for line in options.lines().filter(|l| l.trim_start().starts_with('-')) {
            // `  -r, --root <ROOT>  Site folder …`: text after the flag column.
            let words: Vec<&str> = line.split("  ").filter(|w| !w.trim().is_empty()).collect();
            assert!(words.len() >= 2, "{cmd}: no help for `{}`", line.trim());
        }
    }
}

#[test]
fn init_and_new_speak_the_language_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let (code, _, err) = run(&["init", s(&root), "--lang", "en", "--year", "2024"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("created") && !err.contains("已创建"), "{err}");
    // The starter site builds with no warning at all.
    let (code, _, err) = run(&["build", "-r", s(&root)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 个警告"), "{err}");
}

#[test]
fn datapackage_has_id_licenses_and_a_deterministic_created() {
    let site = TempSite::sample();
    let out = site.build();
    let pkg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(
        pkg["id"],
        "https://www.example.gov.cn/xxgk/ndbg/datapackage.json"
    );
    assert_eq!(pkg["licenses"][0]["name"], "CC-BY-4.0");
    let created = pkg["created"].as_str().unwrap();
    assert!(
        created.ends_with("T00:00:00Z") && created.starts_with("20"),
        "{created}"
    );
}

#[test]
fn citizens_see_formats_in_words_not_ids() {
    let site = TempSite::sample();
    site.write(
        "content/2020/pingan.md",
        std::fs::read_to_string(
            crate::support::site::manifest().join("tests/fixtures/gov-2019/2020/pingan.md"),
        )
        .unwrap(),
    );
    let out = site.build();
    for page in [
        "townships/pingan/index.html",
        "2021/index.html",
        "index.html",
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let text: String = scraper::Html::parse_document(&html)
            .root_element()
            .text()
            .collect();
        assert!(!text.contains("gov-20"), "{page} shows a format id");
    }
}
