//! The same reports as Hugo and Zola sites, with templates equivalent to the
//! default theme's report and list pages (the three tables with multi-level
//! headers, minified output), so `scripts/bench` times the generators on the
//! same work. Hugo and Zola stay optional: only the benchmark runs them.

use std::io;
use std::path::Path;

use serde_json::{Value, json};

use super::figures::{Active, result_groups};
use super::{Generated, write_file};

const HUGO_CONFIG: &str = r##"baseURL = "/"
languageCode = "zh-CN"
title = "政府信息公开工作年度报告"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
township = "townships"
[markup.goldmark.renderer]
unsafe = false
"##;

const HUGO_BASEOF: &str = r##"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head><body>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"##;

const HUGO_SINGLE: &str = r##"{{ define "main" }}<article><h1>{{ .Title }}</h1>
<dl><dt>发布机构</dt><dd>{{ .Params.organ }}</dd><dt>发布日期</dt><dd>{{ .Params.published }}</dd></dl>
{{ .Content }}
{{ $t := .Params.tables }}
<table><caption>主动公开政府信息情况</caption>
<thead><tr><th scope="col">信息内容</th><th scope="col">本年制发件数</th><th scope="col">本年废止件数</th><th scope="col">现行有效件数</th></tr></thead>
<tbody>{{ range $t.active.docs }}<tr><th scope="row">{{ .name }}</th>{{ range .values }}<td>{{ . }}</td>{{ end }}</tr>{{ end }}
{{ range $t.active.counts }}<tr><th scope="row">{{ .name }}</th><td colspan="3">{{ .value }}</td></tr>{{ end }}</tbody></table>
<table><caption>收到和处理政府信息公开申请情况</caption>
<thead><tr><th id="h-a" rowspan="3" colspan="3">申请人情况</th><th id="h-np" rowspan="2">自然人</th><th id="h-org" colspan="5">法人或其他组织</th><th id="h-t" rowspan="2">总计</th></tr>
<tr><th id="h-c1" headers="h-org">商业企业</th><th id="h-c2" headers="h-org">科研机构</th><th id="h-c3" headers="h-org">社会公益组织</th><th id="h-c4" headers="h-org">法律服务机构</th><th id="h-c5" headers="h-org">其他</th></tr></thead>
<tbody>{{ range $i, $r := $t.applications }}<tr><th id="r{{ $i }}" colspan="3" headers="h-a">{{ $r.label }}</th>{{ range $j, $v := $r.values }}<td headers="r{{ $i }} c{{ $j }}">{{ $v }}</td>{{ end }}</tr>{{ end }}</tbody></table>
<table><caption>政府信息公开行政复议、行政诉讼情况</caption>
<thead><tr><th colspan="5" scope="colgroup">行政复议</th><th colspan="10" scope="colgroup">行政诉讼</th></tr></thead>
<tbody><tr>{{ range $t.reviews }}<td>{{ . }}</td>{{ end }}</tr></tbody></table>
</article>{{ end }}
"##;

const HUGO_LIST: &str = r##"{{ define "main" }}<h1>{{ .Title }}</h1><table><caption>{{ .Title }}</caption>
<thead><tr><th scope="col">报告</th><th scope="col">发布日期</th></tr></thead><tbody>
{{ range .Pages }}<tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Title }}</a></th><td>{{ .Params.published }}</td></tr>{{ end }}
</tbody></table>{{ end }}
"##;

const ZOLA_CONFIG: &str = r##"base_url = "/"
title = "政府信息公开工作年度报告"
default_language = "zh"
minify_html = true
compile_sass = false
build_search_index = false
generate_feeds = false
taxonomies = [{ name = "townships" }]
"##;

const ZOLA_BASE: &str = r##"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head><body>
<main>{% block main %}{% endblock %}</main></body></html>
"##;

const ZOLA_PAGE: &str = r##"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block main %}<article><h1>{{ page.title }}</h1>
<dl><dt>发布机构</dt><dd>{{ page.extra.organ }}</dd><dt>发布日期</dt><dd>{{ page.extra.published }}</dd></dl>
{{ page.content | safe }}
{% set t = page.extra.tables %}
<table><caption>主动公开政府信息情况</caption>
<thead><tr><th scope="col">信息内容</th><th scope="col">本年制发件数</th><th scope="col">本年废止件数</th><th scope="col">现行有效件数</th></tr></thead>
<tbody>{% for d in t.active.docs %}<tr><th scope="row">{{ d.name }}</th>{% for v in d.values %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}
{% for c in t.active.counts %}<tr><th scope="row">{{ c.name }}</th><td colspan="3">{{ c.value }}</td></tr>{% endfor %}</tbody></table>
<table><caption>收到和处理政府信息公开申请情况</caption>
<thead><tr><th id="h-a" rowspan="3" colspan="3">申请人情况</th><th id="h-np" rowspan="2">自然人</th><th id="h-org" colspan="5">法人或其他组织</th><th id="h-t" rowspan="2">总计</th></tr>
<tr><th id="h-c1" headers="h-org">商业企业</th><th id="h-c2" headers="h-org">科研机构</th><th id="h-c3" headers="h-org">社会公益组织</th><th id="h-c4" headers="h-org">法律服务机构</th><th id="h-c5" headers="h-org">其他</th></tr></thead>
<tbody>{% for r in t.applications %}{% set i = loop.index %}<tr><th id="r{{ i }}" colspan="3" headers="h-a">{{ r.label }}</th>{% for v in r.values %}<td headers="r{{ i }} c{{ loop.index }}">{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
<table><caption>政府信息公开行政复议、行政诉讼情况</caption>
<thead><tr><th colspan="5" scope="colgroup">行政复议</th><th colspan="10" scope="colgroup">行政诉讼</th></tr></thead>
<tbody><tr>{% for v in t.reviews %}<td>{{ v }}</td>{% endfor %}</tr></tbody></table>
</article>{% endblock %}
"##;

const ZOLA_LIST: &str = r##"{% extends "base.html" %}{% block main %}<h1>{{ LISTTITLE }}</h1><table><caption>{{ LISTTITLE }}</caption>
<thead><tr><th scope="col">报告</th><th scope="col">发布日期</th></tr></thead><tbody>
{% for p in LISTPAGES %}<tr><th scope="row"><a href="{{ p.permalink }}">{{ p.title }}</a></th><td>{{ p.extra.published }}</td></tr>{% endfor %}
</tbody></table>{% endblock %}
"##;
/// `config.toml` and the layouts of the Hugo site.
pub fn hugo_skeleton(root: &Path) -> io::Result<()> {
    for (path, text) in [
        ("config.toml", HUGO_CONFIG),
        ("layouts/_default/baseof.html", HUGO_BASEOF),
        ("layouts/_default/single.html", HUGO_SINGLE),
        ("layouts/_default/list.html", HUGO_LIST),
        ("layouts/_default/term.html", HUGO_LIST),
    ] {
        write_file(&root.join(path), text)?;
    }
    Ok(())
}

/// `config.toml`, templates and section pages of the Zola site.
pub fn zola_skeleton(root: &Path, years: &[u16]) -> io::Result<()> {
    let list = |title: &str, pages: &str| {
        ZOLA_LIST
            .replace("LISTTITLE", title)
            .replace("LISTPAGES", pages)
    };
    let files = [
        ("config.toml".to_string(), ZOLA_CONFIG.to_string()),
        ("templates/base.html".into(), ZOLA_BASE.into()),
        ("templates/page.html".into(), ZOLA_PAGE.into()),
        (
            "templates/section.html".into(),
            list("section.title", "section.pages"),
        ),
        (
            "templates/index.html".into(),
            list("config.title", "section.pages"),
        ),
        (
            "templates/townships/single.html".into(),
            list("term.name", "term.pages"),
        ),
        (
            "templates/townships/list.html".into(),
            list("taxonomy.name", "[]"),
        ),
        (
            "content/_index.md".into(),
            "+++\ntitle = \"首页\"\n+++\n".into(),
        ),
    ];
    for (path, text) in files {
        write_file(&root.join(path), &text)?;
    }
    for y in years {
        write_file(
            &root.join(format!("content/{y}/_index.md")),
            &format!("+++\ntitle = \"{y}年度\"\nsort_by = \"title\"\n+++\n"),
        )?;
    }
    Ok(())
}

/// The report's tables as front-matter data for the peer templates.
fn tables(g: &Generated) -> Value {
    let f = &g.figures;
    let (docs, counts) = match &f.active {
        Active::Gov2021 {
            rules,
            normative,
            counts,
            fees,
        } => (
            json!([{"name": "规章", "values": rules}, {"name": "行政规范性文件", "values": normative}]),
            counts
                .iter()
                .map(|(n, v)| json!({"name": n, "value": v}))
                .chain([json!({"name": "行政事业性收费", "value": fees})])
                .collect::<Vec<_>>(),
        ),
        Active::Gov2019 {
            rules,
            normative,
            items,
            fees,
            procurement,
        } => (
            json!([{"name": "规章", "values": rules}, {"name": "规范性文件", "values": normative}]),
            items
                .iter()
                .map(|(n, v)| json!({"name": n, "value": v[2]}))
                .chain([
                    json!({"name": "行政事业性收费", "value": fees[0] + fees[1]}),
                    json!({"name": "政府集中采购", "value": procurement.1}),
                ])
                .collect::<Vec<_>>(),
        ),
    };
    let mut labels = vec![
        "本年新收政府信息公开申请数量".to_string(),
        "上年结转政府信息公开申请数量".to_string(),
    ];
    for (group, subs) in result_groups(f.gov2019()) {
        match subs {
            None => labels.push(group.to_string()),
            Some(s) => labels.extend(s.iter().map(|s| format!("{group}·{s}"))),
        }
    }
    labels.extend(["总计".to_string(), "结转下年度继续办理".to_string()]);
    let rows = [f.new, f.carried]
        .into_iter()
        .chain(f.leaves.iter().copied())
        .chain([f.total(), f.forward]);
    let applications: Vec<Value> = labels
        .iter()
        .zip(rows)
        .map(|(l, r)| {
            let mut v = r.to_vec();
            v.push(r.iter().sum());
            json!({"label": l, "values": v})
        })
        .collect();
    let reviews: Vec<u64> = f
        .reviews
        .iter()
        .flat_map(|r| r.iter().copied().chain([r.iter().sum()]))
        .collect();
    json!({"active": {"docs": docs, "counts": counts}, "applications": applications, "reviews": reviews})
}

/// The report's prose without its front matter and table blocks.
fn prose(g: &Generated) -> String {
    let body = g.markdown.splitn(3, "---\n").nth(2).unwrap_or("");
    let mut inside = false;
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        if line.starts_with("```") {
            inside = !inside;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub fn hugo_page(g: &Generated) -> String {
    let fm = json!({
        "title": g.title(),
        "organ": g.organ(),
        "published": g.published,
        "townships": [g.township.slug],
        "tags": [],
        "tables": tables(g),
    });
    format!("{fm:#}\n{}", prose(g))
}

pub fn zola_page(g: &Generated) -> String {
    let fm = json!({
        "title": g.title(),
        "taxonomies": {"townships": [g.township.slug]},
        "extra": {"organ": g.organ(), "published": g.published, "tables": tables(g)},
    });
    format!("---\n{fm}\n---\n{}", prose(g))
}
