//! The sample site builds, and every figure of the seed report reads right
//! through its header cells (WCAG H43), as a screen reader would announce it.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use scraper::{Html, Selector};

use crate::support::site::{TempSite, build};

/// A temp copy of the sample site (site.toml + content/).
fn sample_site() -> (tempfile::TempDir, PathBuf) {
    TempSite::sample().into_parts()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// A report table as a screen reader sees it: every data cell with the
/// texts of all header cells its `headers` attribute names.
struct Table {
    cells: Vec<(Vec<String>, String)>,
}

impl Table {
    fn from(doc: &Html, id: &str) -> Table {
        let table = doc
            .select(&sel(&format!("table#{id}")))
            .next()
            .unwrap_or_else(|| panic!("no table #{id}"));
        let mut names: HashMap<String, String> = HashMap::new();
        for th in table.select(&sel("th[id]")) {
            names.insert(
                th.value().attr("id").unwrap().to_string(),
                th.text().collect::<String>(),
            );
        }
        let mut cells = Vec::new();
        for td in table.select(&sel("td")) {
            let headers = td
                .value()
                .attr("headers")
                .unwrap_or_else(|| panic!("a data cell of #{id} has no headers"));
            let labels: Vec<String> = headers
                .split_whitespace()
                .map(|h| {
                    names
                        .get(h)
                        .unwrap_or_else(|| panic!("headers names a missing id {h}"))
                        .clone()
                })
                .collect();
            cells.push((labels, td.text().collect::<String>()));
        }
        Table { cells }
    }

    /// The one cell whose headers include every label given.
    fn cell(&self, labels: &[&str]) -> &str {
        let hits: Vec<&(Vec<String>, String)> = self
            .cells
            .iter()
            .filter(|(h, _)| labels.iter().all(|l| h.iter().any(|x| x == l)))
            .collect();
        assert_eq!(hits.len(), 1, "{labels:?} matched {} cells", hits.len());
        &hits[0].1
    }
}

const APPLICANTS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

#[test]
fn every_figure_of_the_seed_reads_right_through_its_headers() {
    let (_tmp, root) = sample_site();
    let out = build(&root);
    let html = fs::read_to_string(out.join("2021/pingan/index.html")).unwrap();
    let doc = Html::parse_document(&html);

    let apps = Table::from(&doc, "applications");
    assert_eq!(apps.cells.len(), 25 * 7);
    assert_eq!(
        apps.cell(&["一、本年新收政府信息公开申请数量", "自然人"]),
        "3"
    );
    assert_eq!(
        apps.cell(&["一、本年新收政府信息公开申请数量", "总计"]),
        "3"
    );
    assert_eq!(
        apps.cell(&["（三）不予公开", "5.属于三类内部事务信息", "自然人"]),
        "3"
    );
    assert_eq!(
        apps.cell(&["（三）不予公开", "5.属于三类内部事务信息", "总计"]),
        "3"
    );
    assert_eq!(
        apps.cell(&["三、本年度办理结果", "（七）总计", "自然人"]),
        "3"
    );
    assert_eq!(apps.cell(&["（七）总计", "总计"]), "3");
    assert_eq!(apps.cell(&["四、结转下年度继续办理", "自然人"]), "0");
    assert_eq!(
        apps.cell(&[
            "法人或其他组织",
            "商业企业",
            "一、本年新收政府信息公开申请数量"
        ]),
        "0"
    );
    // Every other cell of the seed is 0.
    let threes = apps.cells.iter().filter(|(_, v)| v == "3").count();
    assert_eq!(threes, 6);
    assert!(apps.cells.iter().all(|(_, v)| v == "3" || v == "0"));
    for c in APPLICANTS {
        assert_eq!(apps.cell(&["二、上年结转政府信息公开申请数量", c]), "0");
    }

    let active = Table::from(&doc, "active");
    assert_eq!(
        active.cell(&["第二十条第（一）项", "规章", "本年制发件数"]),
        "0"
    );
    assert_eq!(active.cell(&["行政规范性文件", "现行有效件数"]), "0");
    assert_eq!(
        active.cell(&["第二十条第（五）项", "行政许可", "本年处理决定数量"]),
        "0"
    );
    assert_eq!(active.cell(&["第二十条第（六）项", "行政强制"]), "0");
    assert_eq!(
        active.cell(&["行政事业性收费", "本年收费金额（单位：万元）"]),
        "0"
    );

    let reviews = Table::from(&doc, "reviews");
    assert_eq!(reviews.cells.len(), 15);
    assert_eq!(reviews.cell(&["行政复议", "结果维持"]), "0");
    assert_eq!(reviews.cell(&["行政诉讼", "复议后起诉", "总计"]), "0");
    assert_eq!(
        reviews.cell(&["行政诉讼", "未经复议直接起诉", "尚未审结"]),
        "0"
    );
}

#[test]
fn report_page_is_semantic_minified_and_linked() {
    let (_tmp, root) = sample_site();
    let out = build(&root);
    let html = fs::read_to_string(out.join("2021/pingan/index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let lang = doc
        .select(&sel("html"))
        .next()
        .unwrap()
        .value()
        .attr("lang");
    assert_eq!(lang, Some("zh-CN"));
    let h2: Vec<String> = doc.select(&sel("h2")).map(|h| h.text().collect()).collect();
    assert_eq!(
        h2,
        [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项"
        ]
    );
    for id in ["active", "applications", "reviews"] {
        let cap = doc.select(&sel(&format!("table#{id} > caption"))).next();
        assert!(
            cap.is_some_and(|c| !c.text().collect::<String>().is_empty()),
            "table {id} has no caption"
        );
    }
    assert!(
        doc.select(&sel("script")).next().is_none(),
        "a report needs no JavaScript"
    );
    // Minified: no indentation between tags, closing tags kept.
    if cfg!(feature = "minify") {
        assert!(!html.contains(">\n<"), "not minified");
    }
    assert!(html.contains("</td>") && html.contains("</p>") && html.contains("</html>"));
    // Links are relative, so the folder works under any sub-path of a portal.
    let hrefs: Vec<&str> = doc
        .select(&sel("a[href]"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert!(hrefs.contains(&"../../2021/index.html"), "{hrefs:?}");
    assert!(
        hrefs.contains(&"../../townships/pingan/index.html"),
        "{hrefs:?}"
    );
    assert!(hrefs.iter().all(|h| !h.starts_with('/')), "{hrefs:?}");
    assert!(out.join("static/style.css").is_file());

    for page in [
        "2021/index.html",
        "townships/pingan/index.html",
        "index.html",
    ] {
        let doc = Html::parse_document(&fs::read_to_string(out.join(page)).unwrap());
        let links: Vec<String> = doc
            .select(&sel("main a[href]"))
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        assert!(
            links.iter().any(|h| h.ends_with("2021/pingan/index.html")
                || h.ends_with("2021/index.html")
                || h.ends_with("townships/pingan/index.html")),
            "{page}: {links:?}"
        );
        let target_ok = links
            .iter()
            .all(|h| out.join(page).parent().unwrap().join(h).exists());
        assert!(
            target_ok,
            "{page} links to a page that does not exist: {links:?}"
        );
    }
}

#[test]
fn a_broken_figure_stops_the_build_and_names_its_line() {
    let (_tmp, root) = sample_site();
    let out = build(&root);
    let before = fs::read(out.join("2021/pingan/index.html")).unwrap();
    let path = root.join("content/2021/pingan.md");
    let text = fs::read_to_string(&path).unwrap();
    let broken = text.replace(
        "总计:                            [3, 0, 0, 0, 0, 0, 3]",
        "总计:                            [4, 0, 0, 0, 0, 0, 4]",
    );
    assert_ne!(text, broken);
    fs::write(&path, broken).unwrap();

    let diags = nianbao::build(&nianbao::BuildOptions::new(&root)).unwrap_err();
    let a3 = diags.iter().find(|d| d.code == "A3").expect("an A3 error");
    assert_eq!(a3.loc.map(|l| l.line), Some(58));
    assert_eq!(a3.labels, ["三、本年度办理结果（七）总计", "自然人"]);
    assert_eq!(a3.expected.as_deref(), Some("3"));
    assert_eq!(a3.found.as_deref(), Some("4"));
    let text = nianbao::diag::render_human(&diags, nianbao::diag::Lang::Zh, false);
    assert!(text.contains("content/2021/pingan.md:58:"), "{text}");
    // The published folder is left exactly as it was.
    assert_eq!(
        fs::read(out.join("2021/pingan/index.html")).unwrap(),
        before
    );
}

#[test]
fn omitted_totals_are_computed_and_rendered() {
    let (_tmp, root) = sample_site();
    let path = root.join("content/2021/pingan.md");
    let text = fs::read_to_string(&path).unwrap();
    // Drop the 总计 row and the 总计 column of 本年新收.
    let trimmed = text
        .replace(
            "总计:                            [3, 0, 0, 0, 0, 0, 3]\n",
            "",
        )
        .replace(
            "本年新收政府信息公开申请数量:     [3, 0, 0, 0, 0, 0, 3]",
            "本年新收:     [3, 0, 0, 0, 0, 0]",
        );
    fs::write(&path, trimmed).unwrap();
    let out = build(&root);
    let doc =
        Html::parse_document(&fs::read_to_string(out.join("2021/pingan/index.html")).unwrap());
    let apps = Table::from(&doc, "applications");
    assert_eq!(apps.cell(&["（七）总计", "自然人"]), "3");
    assert_eq!(apps.cell(&["（七）总计", "总计"]), "3");
    assert_eq!(
        apps.cell(&["一、本年新收政府信息公开申请数量", "总计"]),
        "3"
    );
}

/// Every `.html` file under `dir`, by path relative to it.
#[cfg(feature = "minify")]
fn html_files(dir: &std::path::Path, at: &str, out: &mut Vec<String>) {
    for e in fs::read_dir(dir.join(at)).unwrap() {
        let e = e.unwrap();
        let rel = format!("{at}{}", e.file_name().to_string_lossy());
        if e.file_type().unwrap().is_dir() {
            html_files(dir, &format!("{rel}/"), out);
        } else if rel.ends_with(".html") {
            out.push(rel);
        }
    }
}

/// With `minify`, pages come from templates minified once (only a report's
/// prose is minified per page), not from minifying each whole page. Each
/// must still be the page minifying gives: minified once more, it is what
/// the unminified page minifies to (quotes the template kept around its
/// values, and spaces where its tags were, are all that may differ).
#[cfg(feature = "minify")]
#[test]
fn pages_from_minified_templates_are_the_minified_pages() {
    use crate::support::site::TempSite;
    use nianbao::render::minify;
    let portal = "[portal]\nsite_name = \"大洼区人民政府\"\nsite_id_code = \"2111040001\"\ncolumn_type = \"信息公开\"\nhost = \"大洼区人民政府办公室\"\nicp = \"辽ICP备12345678号\"\n";
    let whole = TempSite::sample();
    let toml = fs::read_to_string(whole.root.join("site.toml")).unwrap();
    whole.write("site.toml", format!("minify = false\n{toml}\n{portal}"));
    let once = TempSite::sample();
    once.config(portal);
    let (whole, once) = (whole.build(), once.build());
    let mut pages = Vec::new();
    html_files(&once, "", &mut pages);
    assert!(pages.len() >= 6, "{pages:?}");
    for p in &pages {
        let plain = fs::read_to_string(whole.join(p)).unwrap();
        let page = fs::read_to_string(once.join(p)).unwrap();
        assert!(!page.contains(">\n<"), "{p} is not minified");
        assert!(!page.contains("{%") && !page.contains('\u{E000}'), "{p}");
        assert_eq!(minify::html(&page), minify::html(&plain), "{p}");
    }
}
