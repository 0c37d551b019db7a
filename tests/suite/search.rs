//! 站内搜索: `build` writes a Pagefind index of the report pages and a search
//! page linked from every page; `[search] enabled = false` leaves both out.

use crate::support::site::TempSite;

#[test]
fn build_writes_the_index_and_the_search_page() {
    let site = TempSite::sample();
    let out = site.build();
    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("pagefind/pagefind-entry.json")).unwrap())
            .unwrap();
    assert_eq!(entry["languages"]["zh"]["page_count"], 1, "{entry}");
    for f in [
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind.js",
        "static/search.js",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let page = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    assert!(
        page.contains("<noscript>") && page.contains("../static/search.js"),
        "{page}"
    );
    // Filters 年度, 地区, 单位: one filter file each.
    let filters = std::fs::read_dir(out.join("pagefind/filter"))
        .unwrap()
        .count();
    assert_eq!(filters, 3);
    let report = std::fs::read_to_string(out.join("2021/pingan/index.html")).unwrap();
    assert!(
        report.contains("search/index.html"),
        "the header links the search page"
    );
}

#[test]
fn search_can_be_turned_off() {
    let toml = std::fs::read_to_string(crate::support::site::manifest().join("site.toml")).unwrap();
    let site = TempSite::with_toml(&format!("{toml}\n[search]\nenabled = false\n"));
    site.write(
        "content/2021/pingan.md",
        crate::support::rebuild_common::SAMPLE,
    );
    let out = site.build();
    assert!(!out.join("pagefind").exists());
    assert!(!out.join("search/index.html").exists());
    let report = std::fs::read_to_string(out.join("2021/pingan/index.html")).unwrap();
    assert!(!report.contains("search/index.html"));
}

#[test]
fn what_is_indexed_is_the_reports_words_not_its_tables() {
    let registry = nianbao::format::Registry::builtin();
    let r = nianbao::content::parse(
        "content/2021/pingan.md",
        std::path::Path::new("pingan.md"),
        crate::support::rebuild_common::SAMPLE.as_bytes(),
        &registry,
    )
    .0
    .unwrap();
    let rec = nianbao::search::Record::of(&r);
    assert_eq!(rec.url, "/2021/pingan/");
    let text = rec.content();
    for word in ["平安镇", "大洼区", "2021年", "政务公开日", "创新活动形式"] {
        assert!(text.contains(word), "{word}: {text}");
    }
    for not in ["##", "**", "本年新收", "[3, 0", "\u{E000}"] {
        assert!(!text.contains(not), "{not}: {text}");
    }
}
