//! sitemap.xml, atom.xml, robots.txt, 404.html, portal tags and deterministic output.

use crate::support::site_common;

use std::sync::OnceLock;

use site_common::{BASE_URL, Built, sel, text};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        site_common::build("site_feeds", |root| {
            // A title that must be escaped in XML.
            let p = root.join("content/2025/anping.md");
            let t = std::fs::read_to_string(&p).unwrap().replace(
                "title: 盘山县安平镇2025年度政府信息公开工作报告",
                "title: \"安平镇 <2025> 年度报告 & 附表\"",
            );
            std::fs::write(&p, t).unwrap();
        })
    })
}

#[test]
fn sitemap_lists_every_page_with_absolute_urls() {
    let s = site();
    let xml = s.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed sitemap.xml");
    assert_eq!(doc.root_element().tag_name().namespace(), Some(SITEMAP));
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP, "loc")))
        .filter_map(|n| n.text())
        .collect();
    let pages: Vec<String> = s
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".html") && f != "404.html")
        .collect();
    assert_eq!(locs.len(), pages.len());
    for p in &pages {
        let url = format!("{BASE_URL}{}", p.trim_end_matches("index.html"));
        assert!(locs.contains(&url.as_str()), "sitemap lacks {url}");
    }
    assert!(locs.iter().all(|l| l.starts_with(BASE_URL)));
    assert!(locs.contains(&format!("{BASE_URL}regions/dawa/").as_str()));
    let robots = s.read("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l == format!("Sitemap: {BASE_URL}sitemap.xml")),
        "{robots}"
    );
}

#[test]
fn atom_is_well_formed_escaped_and_dated_from_published() {
    let s = site();
    let xml = s.read("atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed atom.xml");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    let latest = s.reports().filter_map(|r| r.meta.published).max().unwrap();
    assert_eq!(
        child(feed, "updated"),
        Some(format!("{latest}T00:00:00Z")),
        "updated is the latest published date, not the clock"
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .collect();
    assert!(!entries.is_empty() && entries.len() <= 50);
    let mut last = String::from("9999");
    for e in &entries {
        let updated = child(*e, "updated").unwrap();
        assert!(updated <= last, "newest first");
        last = updated;
        let href = e
            .children()
            .find(|c| c.has_tag_name((ATOM, "link")))
            .and_then(|l| l.attribute("href"))
            .unwrap();
        assert!(href.starts_with(BASE_URL), "{href}");
        // A tag URI under the site's address: stable, and unique to the site.
        let path = href.strip_prefix("https://www.example.gov.cn").unwrap();
        assert_eq!(
            child(*e, "id"),
            Some(format!("tag:www.example.gov.cn,2008:{path}"))
        );
    }
    let titles: Vec<String> = entries.iter().filter_map(|e| child(*e, "title")).collect();
    assert!(
        titles.contains(&"安平镇 <2025> 年度报告 & 附表".to_string()),
        "the title survives escaping: {titles:?}"
    );
    assert!(xml.contains("&lt;2025&gt;") && xml.contains("&amp; 附表"));
}

#[test]
fn portal_tags_on_every_page_and_report_metadata() {
    let s = site();
    let meta = |doc: &scraper::Html, name: &str| {
        doc.select(&sel(&format!("meta[name={name}]")))
            .next()
            .and_then(|m| m.value().attr("content"))
            .map(str::to_string)
    };
    let pages: Vec<String> = s
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 40);
    for p in &pages {
        let doc = s.html(p);
        assert_eq!(
            meta(&doc, "SiteName").as_deref(),
            Some("大洼区人民政府"),
            "{p}"
        );
        assert_eq!(
            meta(&doc, "SiteDomain").as_deref(),
            Some("www.example.gov.cn"),
            "{p}"
        );
        assert_eq!(
            meta(&doc, "SiteIDCode").as_deref(),
            Some("2111040001"),
            "{p}"
        );
        let footer = doc.select(&sel("footer")).next().map(text).unwrap();
        for want in [
            "主办单位：大洼区人民政府办公室",
            "网站标识码：2111040001",
            "ICP备案号：辽ICP备12345678号",
            "公安机关备案号：辽公网安备21110402000001号",
        ] {
            assert!(footer.contains(want), "{p}: footer lacks {want}");
        }
        let index = p == "index.html"
            || p.starts_with("townships/")
            || p.starts_with("regions/")
            || p.matches('/').count() == 1;
        if index {
            assert_eq!(
                meta(&doc, "ColumnName").as_deref(),
                Some("政府信息公开年报"),
                "{p}"
            );
            assert_eq!(meta(&doc, "ColumnType").as_deref(), Some("信息公开"), "{p}");
            assert!(meta(&doc, "ArticleTitle").is_none(), "{p}");
        }
    }
    for r in s.reports() {
        let p = format!("{}/{}/index.html", r.meta.year, r.meta.slug);
        let doc = s.html(&p);
        assert_eq!(
            meta(&doc, "ArticleTitle").as_deref(),
            Some(r.meta.title.as_str()),
            "{p}"
        );
        assert_eq!(
            meta(&doc, "PubDate"),
            r.meta.published.map(|d| d.to_string()),
            "{p}"
        );
        assert_eq!(
            meta(&doc, "ContentSource").as_deref(),
            Some(r.meta.organ.as_str()),
            "{p}"
        );
        assert!(
            meta(&doc, "ColumnName").is_none(),
            "{p}: report pages are articles, not columns"
        );
        let block: Vec<(String, String)> = doc
            .select(&sel("dl.doc-meta div"))
            .map(|d| {
                (
                    d.select(&sel("dt")).next().map(text).unwrap(),
                    d.select(&sel("dd")).next().map(text).unwrap(),
                )
            })
            .collect();
        assert!(
            block.contains(&("发布机构".into(), r.meta.organ.clone())),
            "{p}"
        );
        if let Some(d) = r.meta.published {
            assert!(block.contains(&("发布日期".into(), d.to_string())), "{p}");
        }
        match &r.meta.index_no {
            Some(n) => assert!(block.contains(&("索引号".into(), n.clone())), "{p}"),
            None => assert!(!block.iter().any(|(k, _)| k == "索引号"), "{p}"),
        }
    }
    // The gov-2019 fixture gives an 索引号.
    assert!(s.reports().any(|r| r.meta.index_no.is_some()));
}

#[test]
fn not_found_page_and_deterministic_output() {
    let s = site();
    let doc = s.html("404.html");
    assert!(doc.select(&sel("h1")).any(|h| text(h) == "页面不存在"));
    // Served at any depth, so its links start from base_url.
    let css = doc
        .select(&sel("link[rel=stylesheet]"))
        .next()
        .and_then(|l| l.value().attr("href"))
        .unwrap();
    assert_eq!(css, format!("{BASE_URL}static/style.css"));
    // A second build of the same site gives the same bytes, file for file.
    let again = s.root.parent().unwrap().join("public-again");
    let _ = std::fs::remove_dir_all(&again);
    let opts = nianbao::BuildOptions {
        root: s.root.clone(),
        out: Some(again.clone()),
        drafts: false,
        base_url: None,
    };
    nianbao::build(&opts).unwrap();
    let files = s.files();
    assert!(files.len() > 90, "{}", files.len());
    for f in &files {
        assert_eq!(
            std::fs::read(again.join(f)).unwrap(),
            s.bytes(f),
            "{f} differs between builds"
        );
    }
}

/// The rules of the sitemaps.org 0.9 schema (sitemap.xsd), checked on the
/// parsed document: `urlset` holds only `url` elements; each has exactly
/// one `loc` (an absolute http(s) URL of at most 2,048 characters) and at
/// most one each of `lastmod` (a W3C date), `changefreq` (one of seven
/// words) and `priority` (0.0–1.0); at most 50,000 URLs and 50 MB.
#[test]
fn sitemap_follows_the_sitemaps_org_schema() {
    let s = site();
    let xml = s.read("sitemap.xml");
    assert!(xml.len() <= 50 * 1024 * 1024);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed sitemap.xml");
    let root = doc.root_element();
    assert!(root.has_tag_name((SITEMAP, "urlset")));
    let urls: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert!(!urls.is_empty() && urls.len() <= 50_000);
    for u in urls {
        assert!(u.has_tag_name((SITEMAP, "url")), "{:?}", u.tag_name());
        let mut seen = std::collections::BTreeMap::new();
        for c in u.children().filter(|n| n.is_element()) {
            assert_eq!(c.tag_name().namespace(), Some(SITEMAP));
            let name = c.tag_name().name();
            *seen.entry(name).or_insert(0) += 1;
            let v = c.text().unwrap_or("").trim();
            match name {
                "loc" => {
                    assert!(v.starts_with("https://") || v.starts_with("http://"), "{v}");
                    assert!(v.chars().count() <= 2048 && !v.contains(' '), "{v}");
                }
                "lastmod" => {
                    let b = v.as_bytes();
                    let date = b.len() >= 10
                        && b[..4].iter().all(u8::is_ascii_digit)
                        && b[4] == b'-'
                        && b[7] == b'-';
                    assert!(date, "lastmod {v}");
                }
                "changefreq" => assert!(
                    [
                        "always", "hourly", "daily", "weekly", "monthly", "yearly", "never"
                    ]
                    .contains(&v),
                    "{v}"
                ),
                "priority" => {
                    let p: f64 = v.parse().unwrap();
                    assert!((0.0..=1.0).contains(&p), "{v}");
                }
                other => panic!("{other} is not in the sitemap schema"),
            }
        }
        assert_eq!(seen.get("loc"), Some(&1));
        assert!(seen.values().all(|&n| n == 1));
    }
}

/// Feeds are templates of the theme: a site's `templates/` overrides them
/// like pages, and the `xml` filter escapes for XML.
#[test]
fn a_site_overrides_the_feed_templates() {
    use crate::support::site::TempSite;
    let s = TempSite::with_toml(
        "title = \"测试 & 站\"\nbase_url = \"https://www.example.gov.cn/ndbg/\"\n",
    );
    s.write(
        "content/2021/pingan.md",
        std::fs::read_to_string(crate::support::site::manifest().join("content/2021/pingan.md"))
            .unwrap(),
    );
    s.write(
        "templates/robots.txt",
        "User-agent: *\nDisallow: /draft/\nSitemap: {{ sitemap }}\n",
    );
    s.write(
        "templates/atom.xml",
        "<feed>{% for e in entries %}<t>{{ e.title | xml }}</t>{% endfor %}<s>{{ feed.title | xml }}</s></feed>\n",
    );
    nianbao::build(&nianbao::BuildOptions::new(s.root.as_path())).unwrap();
    let public = s.root.as_path().join("public");
    let robots = std::fs::read_to_string(public.join("robots.txt")).unwrap();
    assert_eq!(
        robots,
        "User-agent: *\nDisallow: /draft/\nSitemap: https://www.example.gov.cn/ndbg/sitemap.xml\n"
    );
    let atom = std::fs::read_to_string(public.join("atom.xml")).unwrap();
    assert!(atom.starts_with("<feed><t>"), "{atom}");
    assert!(atom.contains("<s>测试 &amp; 站</s>"), "{atom}");
    // The sitemap keeps the default template.
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://www.example.gov.cn/ndbg/2021/pingan/</loc>"),
        "{sitemap}"
    );
}
