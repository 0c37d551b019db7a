//! The editor page: the report's tables in the official grid (the same grid
//! as the published page, from the format definition), every figure an
//! input named by its row and column labels, the checks' findings in a live
//! region, and a plain form that works without JavaScript.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Entry, PREFIX, Saved};
use crate::content::Report;
use crate::diag::Diagnostic;
use crate::edit::candidate::{Checked, is_identity};
use crate::edit::{self, Edits, Entry as Figure};
use crate::format::{CellRef, Layout, TableDef};
use crate::html::escape_html as esc;
use crate::render::grid::{self, GridCell};

pub struct View<'a> {
    pub site_title: String,
    pub entry: &'a Entry,
    pub token: &'a str,
    pub version: String,
    /// The report as on disk (totals not completed).
    pub report: &'a Report,
    /// What was posted, shown again instead of the file's figures (a
    /// refused save loses nothing).
    pub posted: Option<&'a [(String, String)]>,
    pub checked: Option<&'a Checked>,
    pub status: Option<&'a Saved>,
}

/// The accessible name of a figure's input: its row labels, then its
/// column (「一、本年新收政府信息公开申请数量 自然人」), then the column's group.
pub fn cell_name(def: &TableDef, at: CellRef) -> String {
    let [row, col] = def.cell_labels(at);
    if def.layout == Layout::Transposed {
        return format!("{row} {col}");
    }
    match col.split_once('·') {
        Some((group, leaf)) => format!("{row} {leaf}（{group}）"),
        None => format!("{row} {col}"),
    }
}

/// One finding as a sentence: the cell, what is wrong, 应为 ….
pub fn sentence(d: &Diagnostic) -> String {
    let mut s = String::new();
    if !d.labels.is_empty() {
        let quoted: Vec<String> = d.labels.iter().map(|l| format!("「{l}」")).collect();
        s.push_str(&quoted.join("×"));
        s.push(' ');
    }
    s.push_str(&d.message.zh);
    if let (Some(e), Some(f)) = (&d.expected, &d.found) {
        let _ = write!(s, "（应为 {e}，现为 {f}）");
    }
    if let Some(h) = &d.hint {
        let _ = write!(s, "。{}", h.zh);
    }
    s
}

fn severity_word(d: &Diagnostic) -> &'static str {
    if d.is_error() { "错误" } else { "提醒" }
}

/// The check's result for the page's script.
pub fn json_result(c: &Checked, edits: &Edits, saved: Option<&Saved>) -> serde_json::Value {
    let problems: Vec<serde_json::Value> = c
        .diagnostics
        .iter()
        .zip(&c.cells)
        .map(|(d, cells)| {
            serde_json::json!({
                "code": d.code,
                "severity": if d.is_error() { "error" } else { "warning" },
                "text": format!("{}〔{}〕：{}", severity_word(d), d.code, sentence(d)),
                "cells": cells,
            })
        })
        .collect();
    let unreadable: Vec<serde_json::Value> = edits
        .unreadable
        .iter()
        .map(|u| serde_json::json!({ "field": u.field, "labels": u.labels, "text": u.text }))
        .collect();
    serde_json::json!({
        "balanced": c.balanced(),
        "errors": c.errors().count(),
        "problems": problems,
        "computed": c.computed,
        "unreadable": unreadable,
        "summary": summary(c),
        "saved": saved_json(saved),
    })
}

pub fn saved_json(saved: Option<&Saved>) -> serde_json::Value {
    match saved {
        None => serde_json::Value::Null,
        Some(s) => {
            serde_json::json!({ "ok": matches!(s, Saved::Written { .. } | Saved::Unchanged), "text": saved_text(s) })
        }
    }
}

fn saved_text(s: &Saved) -> String {
    match s {
        Saved::Written { balanced: true } => "已保存到文件，各项勾稽关系都成立。预览页会自动更新。".into(),
        Saved::Written { balanced: false } => "已保存到文件，但报告还不平衡：下列勾稽关系不成立，发布前请改正。".into(),
        Saved::Unchanged => "没有改动，文件未写入。".into(),
        Saved::Conflict => "没有保存：表单打开后，文件在别处被修改过（例如在文本编辑器里保存过）。你在表单里的修改仍在本页；请记下需要的数字，刷新页面载入新文件后再填。".into(),
        Saved::Refused(m) => m.clone(),
    }
}

/// One line on the state of the figures.
fn summary(c: &Checked) -> String {
    let errors = c.errors().count();
    let warnings = c.diagnostics.len() - errors;
    let identities = c.errors().filter(|d| is_identity(d.code)).count();
    if errors == 0 && warnings == 0 {
        "核对通过：各项勾稽关系都成立。".into()
    } else if identities > 0 {
        format!("不平衡：{identities} 处勾稽关系不成立；共 {errors} 个错误、{warnings} 个提醒。")
    } else {
        format!("共 {errors} 个错误、{warnings} 个提醒。")
    }
}

pub fn render(v: &View) -> String {
    let r = v.report;
    let e = v.entry;
    let mut out = String::with_capacity(64 * 1024);
    let title = if r.meta.title.is_empty() {
        e.title.clone()
    } else {
        r.meta.title.clone()
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>编辑：{t} — 预览</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n<link rel=\"stylesheet\" href=\"{PREFIX}/editor.css\">\n</head>\n<body class=\"editor\">\n\
<a class=\"skip-link\" href=\"#main\">跳到正文</a>\n<header class=\"site-header\">\n<p class=\"site-title\"><a href=\"/index.html\">{site}</a></p>\n\
<p class=\"site-tools\"><input type=\"checkbox\" id=\"large-text\" class=\"large-text\"><label for=\"large-text\">大字模式</label></p>\n</header>\n\
<main id=\"main\" tabindex=\"-1\">\n<h1>编辑：{t}</h1>\n\
<p class=\"editor-file\">文件 <code>{rel}</code>。这里填写表格数字和基本信息；正文文字请在文本编辑器中修改这个文件。<a href=\"/{y}/{s}/\">查看预览页</a></p>\n",
        t = esc(&title),
        site = esc(&v.site_title),
        rel = esc(&e.source.rel),
        y = e.year,
        s = esc(&e.slug),
    );
    let action = format!("{PREFIX}/edit/{}/{}/", e.year, esc(&e.slug));
    let status = v.status.map(saved_text).unwrap_or_default();
    let _ = write!(
        out,
        "<p id=\"editor-status\" role=\"status\" aria-live=\"polite\"{cls}>{status}</p>\n\
<form method=\"post\" action=\"{action}\" id=\"editor-form\" data-check=\"{action}check\" novalidate>\n\
<input type=\"hidden\" name=\"_token\" value=\"{token}\">\n<input type=\"hidden\" name=\"_base\" value=\"{ver}\">\n",
        cls = match v.status {
            Some(Saved::Written { balanced: true } | Saved::Unchanged) => " class=\"ok\"",
            Some(_) => " class=\"bad\"",
            None => "",
        },
        status = esc(&status),
        token = esc(v.token),
        ver = esc(&v.version),
    );
    meta_fields(&mut out, v);
    let invalid = problems(&mut out, v);
    let computed = v.checked.map(|c| c.computed.clone()).unwrap_or_default();
    for (t, def) in r.format.tables.iter().enumerate() {
        let Some(data) = r.tables.get(t) else {
            continue;
        };
        // `section` counts from 1 (主动公开 is section 2, 二、).
        let section = r
            .format
            .sections
            .get(def.section.wrapping_sub(1))
            .cloned()
            .unwrap_or_default();
        let _ = writeln!(out, "<h2>{}</h2>", esc(&section));
        table(&mut out, v, def, data, &invalid, &computed);
    }
    let _ = write!(
        out,
        "<p class=\"editor-actions\"><button type=\"submit\" name=\"_action\" value=\"check\">核对</button> \
<button type=\"submit\" name=\"_action\" value=\"save\" class=\"primary\">保存到文件</button></p>\n\
<p id=\"paste-report\" role=\"status\" aria-live=\"polite\"></p>\n</form>\n\
<p class=\"editor-help\">可以从 Excel 或 WPS 表格复制一块数字，粘贴到任一格：从该格起按行填入。按 Enter 移到下一行同一列。不平衡的报告也可以先保存（作为草稿），发布前再改正。</p>\n\
</main>\n<script src=\"{PREFIX}/editor.js\"></script>\n</body>\n</html>\n"
    );
    out
}

fn posted_or<'a>(v: &'a View, name: &str) -> Option<&'a str> {
    v.posted?
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, x)| x.as_str())
}

fn meta_fields(out: &mut String, v: &View) {
    out.push_str("<fieldset class=\"editor-meta\">\n<legend>基本信息</legend>\n");
    let fields: [(&str, &str, &str); 6] = [
        ("organ", "发布机关", ""),
        ("township", "乡镇（街道）名称", ""),
        ("year", "报告年度", " inputmode=\"numeric\" maxlength=\"4\""),
        (
            "published",
            "发布日期（如 2022-01-20）",
            " placeholder=\"YYYY-MM-DD\"",
        ),
        ("title", "标题（留空则用默认标题）", ""),
        ("index_no", "索引号", ""),
    ];
    for (key, label, extra) in fields {
        let value =
            posted_or(v, key).map_or_else(|| edit::meta_text(v.report, key), str::to_string);
        let _ = writeln!(
            out,
            "<p><label for=\"m-{key}\">{label}</label> <input type=\"text\" id=\"m-{key}\" name=\"{key}\" value=\"{}\"{extra}></p>",
            esc(&value)
        );
    }
    let draft = posted_or(v, "draft").map_or(v.report.meta.draft, |d| d == "true");
    let _ = writeln!(
        out,
        "<p><input type=\"hidden\" name=\"draft\" value=\"false\"><input type=\"checkbox\" id=\"m-draft\" name=\"draft\" value=\"true\"{}> <label for=\"m-draft\">草稿（不发布）</label></p>\n</fieldset>",
        if draft { " checked" } else { "" }
    );
}

/// The findings list; returns, per input name, the ids of the findings about it.
fn problems(out: &mut String, v: &View) -> BTreeMap<String, Vec<String>> {
    let mut invalid: BTreeMap<String, Vec<String>> = BTreeMap::new();
    out.push_str("<section class=\"editor-problems\" aria-labelledby=\"problems-title\">\n<h2 id=\"problems-title\">核对结果</h2>\n<div id=\"problems\" role=\"alert\">\n");
    if let Some(c) = v.checked {
        let _ = writeln!(out, "<p id=\"problems-summary\">{}</p>", esc(&summary(c)));
        if !c.diagnostics.is_empty() {
            out.push_str("<ul>\n");
        }
        for (i, (d, cells)) in c.diagnostics.iter().zip(&c.cells).enumerate() {
            let id = format!("problem-{i}");
            let _ = writeln!(
                out,
                "<li id=\"{id}\" class=\"{}\">{}〔{}〕：{}</li>",
                if d.is_error() { "error" } else { "warning" },
                severity_word(d),
                d.code,
                esc(&sentence(d))
            );
            for n in cells {
                invalid.entry(n.clone()).or_default().push(id.clone());
            }
        }
        if !c.diagnostics.is_empty() {
            out.push_str("</ul>\n");
        }
    }
    out.push_str("</div>\n</section>\n");
    invalid
}

fn table(
    out: &mut String,
    v: &View,
    def: &TableDef,
    data: &crate::content::TableData,
    invalid: &BTreeMap<String, Vec<String>>,
    computed: &BTreeMap<String, String>,
) {
    let g = grid::build(def, data, &format!("e{}", def.id));
    let _ = write!(
        out,
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"{id}-caption\" tabindex=\"0\">\n<table class=\"report-table editor-table\" id=\"{id}\">\n<caption id=\"{id}-caption\">{cap}</caption>\n",
        id = esc(&g.id),
        cap = esc(&g.caption)
    );
    if !g.head.is_empty() {
        out.push_str("<thead>\n");
        for row in &g.head {
            out.push_str("<tr>");
            for c in row {
                th(out, c);
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</thead>\n");
    }
    for body in &g.bodies {
        out.push_str("<tbody>\n");
        for row in body {
            out.push_str("<tr>");
            for c in row {
                if c.class == "group" && c.colspan > 1 {
                    let _ = write!(
                        out,
                        "<th id=\"{id}\" class=\"group\">{t}</th><td class=\"group-rest\" colspan=\"{n}\" headers=\"{id}\"></td>",
                        id = esc(&c.id),
                        t = esc(&c.text),
                        n = c.colspan - 1
                    );
                } else if c.th {
                    th(out, c);
                } else {
                    input_cell(out, v, def, data, c, invalid, computed);
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n</div>\n");
}

fn th(out: &mut String, c: &GridCell) {
    out.push_str("<th");
    if !c.id.is_empty() {
        let _ = write!(out, " id=\"{}\"", esc(&c.id));
    }
    if c.colspan > 1 {
        let _ = write!(out, " colspan=\"{}\"", c.colspan);
    }
    if c.rowspan > 1 {
        let _ = write!(out, " rowspan=\"{}\"", c.rowspan);
    }
    if !c.headers.is_empty() {
        let _ = write!(out, " headers=\"{}\"", esc(&c.headers));
    }
    if !c.class.is_empty() {
        let _ = write!(out, " class=\"{}\"", c.class);
    }
    let _ = write!(out, ">{}</th>", esc(&c.text));
}

fn input_cell(
    out: &mut String,
    v: &View,
    def: &TableDef,
    data: &crate::content::TableData,
    c: &GridCell,
    invalid: &BTreeMap<String, Vec<String>>,
    computed: &BTreeMap<String, String>,
) {
    let colspan = if c.colspan > 1 {
        format!(" colspan=\"{}\"", c.colspan)
    } else {
        String::new()
    };
    let Some(at) = c.at else {
        let _ = write!(out, "<td{colspan} headers=\"{}\"></td>", esc(&c.headers));
        return;
    };
    let name = edit::field_name(def, at);
    let value = match posted_or(v, &name) {
        Some(p) => p.to_string(),
        None => match edit::shown(def, data, at) {
            Figure::Blank => String::new(),
            Figure::Figure(s) => s,
        },
    };
    let mut attrs = String::new();
    if let Some(ids) = invalid.get(&name) {
        let _ = write!(
            attrs,
            " aria-invalid=\"true\" aria-describedby=\"{}\"",
            ids.join(" ")
        );
    }
    if let Some(x) = computed.get(&name) {
        let _ = write!(
            attrs,
            " placeholder=\"{}\" title=\"留空：按勾稽关系计算为 {}\"",
            esc(x),
            esc(x)
        );
    }
    let _ = write!(
        out,
        "<td{colspan} headers=\"{h}\" class=\"num\"><input class=\"cell\" type=\"text\" inputmode=\"{mode}\" autocomplete=\"off\" name=\"{n}\" id=\"f-{n}\" aria-label=\"{label}\" value=\"{val}\"{attrs}></td>",
        h = esc(&c.headers),
        mode = if def.columns_of(at.row)[at.col].value == crate::format::ValueKind::Count {
            "numeric"
        } else {
            "decimal"
        },
        n = esc(&name),
        label = esc(&cell_name(def, at)),
        val = esc(&value),
    );
}
