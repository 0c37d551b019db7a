//! The table editor over loopback HTTP (issue 18): the links, the form, the
//! live check, saving, conflict refusal, foreign origins and tokens, and the
//! file chosen by the report's identity only.

use scraper::{Html, Selector};

use crate::serve::{Response, Site, request};

const EDIT: &str = "/__nianbao/edit/2021/pingan/";

fn attr(html: &str, css: &str, name: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(name).map(str::to_string))
        .collect()
}

struct Form {
    token: String,
    base: String,
}

impl Site {
    fn form(&self) -> (Response, Form) {
        let r = self.get(EDIT);
        assert_eq!(r.status, 200, "{}", r.body);
        let token = attr(&r.body, "input[name=_token]", "value").remove(0);
        let base = attr(&r.body, "input[name=_base]", "value").remove(0);
        (r, Form { token, base })
    }

    fn post(&self, path: &str, origin: Option<&str>, extra: &str, body: &str) -> Response {
        let port = self.addr().port();
        let origin = origin
            .map(|o| format!("Origin: {o}\r\n"))
            .unwrap_or_default();
        request(
            self.addr(),
            &format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{origin}{extra}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
    }

    fn own_origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr().port())
    }

    fn report(&self) -> String {
        std::fs::read_to_string(self.root.join("content/2021/pingan.md")).unwrap()
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A new figure for 本年新收·自然人 and the totals that follow from it.
fn balanced_four(f: &Form) -> String {
    let mut body = format!("_token={}&_base={}&_action=save", f.token, enc(&f.base));
    for cell in [
        "applications.new.natural_person",
        "applications.new.total",
        "applications.denied.internal_affairs.natural_person",
        "applications.denied.internal_affairs.total",
        "applications.total.natural_person",
        "applications.total.total",
    ] {
        body.push_str(&format!("&{cell}=4"));
    }
    body
}

#[test]
fn report_and_home_pages_link_the_editor_only_in_the_preview() {
    let site = Site::start();
    let page = site.get("/2021/pingan/");
    let links = attr(&page.body, "main a", "href");
    assert!(links.iter().any(|l| l == EDIT), "{links:?}");
    let home = site.get("/");
    assert!(attr(&home.body, "main a", "href").iter().any(|l| l == EDIT));
    assert!(home.body.contains("开始 2022年度报告"), "{}", home.body);
    // Never in the files a portal team publishes.
    let on_disk = std::fs::read_to_string(
        site.root
            .parent()
            .unwrap()
            .join("out/2021/pingan/index.html"),
    )
    .unwrap();
    assert!(
        !on_disk.contains("__nianbao"),
        "the built page links the editor"
    );
}

#[test]
fn the_form_is_the_official_grid_with_named_numeric_inputs() {
    let site = Site::start();
    let (r, _) = site.form();
    let doc = Html::parse_document(&r.body);
    let sel = Selector::parse("table input.cell").unwrap();
    let inputs: Vec<_> = doc.select(&sel).collect();
    assert!(inputs.len() > 150, "{}", inputs.len());
    for i in &inputs {
        let v = i.value();
        assert!(v.attr("aria-label").is_some_and(|l| !l.is_empty()));
        assert!(matches!(v.attr("inputmode"), Some("numeric" | "decimal")));
    }
    let named = |label: &str| {
        inputs
            .iter()
            .find(|i| i.value().attr("aria-label") == Some(label))
            .and_then(|i| i.value().attr("value").map(str::to_string))
    };
    assert_eq!(
        named("一、本年新收政府信息公开申请数量 自然人").as_deref(),
        Some("3")
    );
    assert_eq!(attr(&r.body, "caption", "id").len(), 3);
    // Each table under its own section heading, as in the published report.
    let h2: Vec<String> = doc
        .select(&Selector::parse("h2").unwrap())
        .map(|e| e.text().collect())
        .collect();
    let at = |t: &str| {
        h2.iter()
            .position(|h| h == t)
            .unwrap_or_else(|| panic!("{t}: {h2:?}"))
    };
    assert!(at("二、主动公开政府信息情况") < at("三、收到和处理政府信息公开申请情况"));
    assert_eq!(attr(&r.body, "html", "lang"), vec!["zh-CN"]);
    assert!(attr(&r.body, "input[name=organ]", "value")[0].contains("平安镇"));
}

#[test]
fn a_check_names_the_broken_identity_and_its_cells() {
    let site = Site::start();
    let (_, f) = site.form();
    let body = format!("_token={}&applications.new.natural_person=4", f.token);
    let r = site.post(
        &format!("{EDIT}check"),
        Some(&site.own_origin()),
        "X-Nianbao-Editor: 1\r\n",
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["balanced"], false);
    let p = &v["problems"][0];
    assert_eq!(p["code"], "A2");
    assert!(p["text"].as_str().unwrap().contains("应为 3"), "{p}");
    assert_eq!(p["cells"][0], "applications.new.natural_person");
    // Nothing was written.
    assert!(site.report().contains("[3, 0, 0, 0, 0, 0, 3]"));
}

#[test]
fn saving_writes_only_the_changed_figures_and_the_preview_follows() {
    let site = Site::start();
    let before = site.report();
    let (_, f) = site.form();
    let r = site.post(EDIT, Some(&site.own_origin()), "", &balanced_four(&f));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("已保存"), "{}", r.body);
    let after = site.report();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 3, "{changed:?}");
    for (a, b) in changed {
        assert_eq!(a.replace('3', "4"), b);
    }
    site.wait_for("the saved figure in the preview", "/2021/pingan/", |r| {
        r.body.contains(">4</td>")
    });
}

#[test]
fn a_file_changed_since_the_form_was_loaded_is_not_overwritten() {
    let site = Site::start();
    let (_, f) = site.form();
    let edited = site.report().replace("依据2021年", "依据二〇二一年");
    std::fs::write(site.root.join("content/2021/pingan.md"), &edited).unwrap();
    let r = site.post(EDIT, Some(&site.own_origin()), "", &balanced_four(&f));
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("没有保存"), "{}", r.body);
    // The edits stay in the page.
    let doc = Html::parse_document(&r.body);
    let sel = Selector::parse("input[name='applications.new.natural_person']").unwrap();
    assert_eq!(
        doc.select(&sel).next().unwrap().value().attr("value"),
        Some("4")
    );
    assert_eq!(site.report(), edited);
}

#[test]
fn foreign_origins_missing_tokens_and_paths_in_requests_change_nothing() {
    let site = Site::start();
    let before = site.report();
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    let (_, f) = site.form();
    let body = balanced_four(&f);
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let r = site.post(EDIT, origin, "", &body);
        assert_eq!(r.status, 403, "{origin:?}: {}", r.body);
    }
    let no_token = body.replace(&f.token, "0000");
    assert_eq!(
        site.post(EDIT, Some(&site.own_origin()), "", &no_token)
            .status,
        403
    );
    let r = site.post(
        "/__nianbao/new",
        Some("http://evil.example"),
        "",
        &format!("_token={}&township=pingan", f.token),
    );
    assert_eq!(r.status, 403);
    // A path in the request is not a file to write: only the identity counts.
    let sneaky = format!("{body}&path=..%2F..%2Fsite.toml&file=content%2F2021%2Fpingan.md");
    let r = site.post(
        "/__nianbao/edit/2021/nosuch/",
        Some(&site.own_origin()),
        "",
        &sneaky,
    );
    assert_eq!(r.status, 404);
    let r = site.post(
        "/__nianbao/edit/..%2F..%2F/pingan/",
        Some(&site.own_origin()),
        "",
        &sneaky,
    );
    assert!(r.status == 404 || r.status == 403, "{}", r.status);
    assert_eq!(site.report(), before);
    assert_eq!(
        std::fs::read_to_string(site.root.join("site.toml")).unwrap(),
        toml
    );
}

#[test]
fn next_years_report_starts_from_the_home_page() {
    let site = Site::start();
    let (_, f) = site.form();
    let r = site.post(
        "/__nianbao/new",
        Some(&site.own_origin()),
        "",
        &format!("_token={}&township=pingan", f.token),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.head.contains("/__nianbao/edit/2022/pingan/"),
        "{}",
        r.head
    );
    let created = std::fs::read_to_string(site.root.join("content/2022/pingan.md")).unwrap();
    assert!(created.contains("draft: true"));
    let page = site.get("/__nianbao/edit/2022/pingan/");
    assert_eq!(page.status, 200, "{}", page.body);
}

#[test]
fn cross_year_warnings_show_and_gov_2019_reports_get_their_own_form() {
    let site = Site::start();
    let last_year = std::fs::read_to_string(
        crate::support::site::manifest().join("tests/fixtures/check/pingan-2020.md"),
    )
    .unwrap();
    std::fs::create_dir_all(site.root.join("content/2020")).unwrap();
    std::fs::write(site.root.join("content/2020/pingan.md"), last_year).unwrap();
    let old = site.wait_for(
        "the 2020 report in the editor",
        "/__nianbao/edit/2020/pingan/",
        |r| r.status == 200,
    );
    // gov-2019: its own tables and labels, from its format definition.
    let doc = Html::parse_document(&old.body);
    let captions: Vec<String> = doc
        .select(&Selector::parse("caption").unwrap())
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(captions.len(), 3, "{captions:?}");
    assert!(attr(&old.body, "input.cell", "aria-label").len() > 50);
    // 2021's 上年结转 (0) against 2020's 结转下年度 (1): W1, on the cell.
    let (now, _) = site.form();
    let doc = Html::parse_document(&now.body);
    let problems: Vec<String> = doc
        .select(&Selector::parse("#problems li").unwrap())
        .map(|e| e.text().collect())
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("W1") && p.contains("应为 1")),
        "{problems:?}"
    );
    let invalid = attr(&now.body, "input[aria-invalid=true]", "name");
    assert!(
        invalid.contains(&"applications.carried_over.natural_person".to_string()),
        "{invalid:?}"
    );
}
