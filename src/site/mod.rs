//! Site assembly: load every report, check them, and lay out the pages.

pub mod config;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::check;
use crate::content::{self, Report};
use crate::diag::{Diagnostic, Msg};
use crate::format::{CellRef, FormatDef, Registry};
use crate::render::Theme;

pub use config::SiteConfig;

/// Everything read from a site folder, checked.
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub registry: Registry,
    pub reports: Vec<Report>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Site {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Load the site's formats: the built-in ones and `<root>/formats/*.toml`.
pub fn load_registry(root: &Path, diags: &mut Vec<Diagnostic>) -> Registry {
    let mut registry = Registry::builtin();
    let dir = root.join("formats");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return registry;
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for p in paths {
        match std::fs::read_to_string(&p)
            .map_err(|e| e.to_string())
            .and_then(|t| FormatDef::from_toml(&t))
        {
            Ok(def) => registry.add(def),
            Err(e) => diags.push(Diagnostic::error(
                "S010",
                Msg::new(
                    format!("格式定义 {} 有误：{e}", p.display()),
                    format!("format definition {} is invalid: {e}", p.display()),
                ),
            )),
        }
    }
    registry
}

/// Read, parse and check every report of the site at `root`.
pub fn load(root: &Path) -> Result<Site, Diagnostic> {
    let config = config::SiteConfig::load(root)?;
    let mut diagnostics = Vec::new();
    let registry = load_registry(root, &mut diagnostics);
    let (files, walk_diags) = content::find_reports(root);
    diagnostics.extend(walk_diags);
    let loaded: Vec<(Option<Report>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|path| load_report(path, root, &registry))
        .collect();
    let mut reports = Vec::new();
    for (r, d) in loaded {
        diagnostics.extend(d);
        reports.extend(r);
    }
    check::site(root, &config, &registry, &reports, &mut diagnostics)?;
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Ok(Site {
        root: root.to_path_buf(),
        config,
        registry,
        reports,
        diagnostics,
    })
}

/// Read, parse and check one report file on its own. The watcher
/// (`crate::incremental`) calls this for each saved file.
pub fn load_report(
    path: &Path,
    root: &Path,
    registry: &Registry,
) -> (Option<Report>, Vec<Diagnostic>) {
    let (report, mut diags) = content::load(path, root, registry);
    let report = report.map(|mut r| {
        diags.extend(check::report(&mut r));
        r
    });
    (report, diags)
}

/// A file of the built site: path relative to the output folder, and bytes.
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The year-index columns (issue: 年度汇总): label and the cells summed, as
/// `table.row.column` ids; a group row sums its sub-rows.
pub const SUMMARY: &[(&str, &[&str])] = &[
    ("本年新收", &["applications.new.total"]),
    ("上年结转", &["applications.carried_over.total"]),
    ("予以公开", &["applications.granted.total"]),
    ("部分公开", &["applications.partial.total"]),
    ("不予公开", &["applications.denied.total"]),
    ("无法提供", &["applications.unable.total"]),
    ("不予处理", &["applications.not_processed.total"]),
    ("其他处理", &["applications.other_handling.total"]),
    ("结转下年度", &["applications.carried_forward.total"]),
    ("行政复议", &["reviews.review.total"]),
    (
        "行政诉讼",
        &[
            "reviews.litigation_direct.total",
            "reviews.litigation_after_review.total",
        ],
    ),
];

/// One summary figure of a report, or `None` when its format lacks the cell.
pub fn summary_value(report: &Report, cells: &[&str]) -> Option<i128> {
    let mut total = 0;
    for id in cells {
        let mut parts = id.splitn(2, '.');
        let table = parts.next()?;
        let rest = parts.next()?;
        let (row_id, col_id) = rest.rsplit_once('.')?;
        let (def, data) = report.table(table)?;
        let row = def.row_by_id(row_id)?;
        let rows: Vec<usize> = if def.is_group(row) {
            def.children(row).collect()
        } else {
            vec![row]
        };
        for r in rows {
            let col = def.col_by_id(r, col_id)?;
            total += data.int(def, CellRef { row: r, col });
        }
    }
    Some(total)
}

#[derive(Serialize, Clone)]
struct ReportLink {
    year: u16,
    township: String,
    slug: String,
    title: String,
    url: String,
    figures: Vec<String>,
}

fn link(r: &Report) -> ReportLink {
    ReportLink {
        year: r.meta.year,
        township: r.meta.township.clone(),
        slug: r.meta.slug.clone(),
        title: r.meta.title.clone(),
        url: format!("{}/{}/index.html", r.meta.year, r.meta.slug),
        figures: SUMMARY
            .iter()
            .map(|(_, cells)| {
                summary_value(r, cells).map_or_else(|| "—".to_string(), |v| v.to_string())
            })
            .collect(),
    }
}

/// Relative prefix from a page at `path` back to the site root.
fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

fn page_ctx(site: &SiteConfig, years: &[u16], path: &str) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", site);
    ctx.insert("nav", &serde_json::json!({ "years": years }));
    let canonical = format!("{}{}", site.base_url, path.trim_end_matches("index.html"));
    ctx.insert("page", &serde_json::json!({ "root": root_prefix(path), "path": path, "canonical": if site.base_url.starts_with("http") { canonical } else { String::new() } }));
    ctx
}

/// Render every page of the site. `drafts`: include reports marked draft.
pub fn render(site: &Site, theme: &Theme, drafts: bool) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    render_some(site, theme, drafts, &|_| true, &|_| true)
}

/// [`render`], but only the report pages of the reports `selected` picks and
/// the other pages whose output path `index` picks (static files always):
/// the watcher re-renders only the pages a save can have changed and reuses
/// the bytes of the others.
pub fn render_some(
    site: &Site,
    theme: &Theme,
    drafts: bool,
    selected: &(dyn Fn(&Report) -> bool + Sync),
    index: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let reports: Vec<&Report> = site
        .reports
        .iter()
        .filter(|r| drafts || !r.meta.draft)
        .collect();
    let years: Vec<u16> = reports
        .iter()
        .map(|r| r.meta.year)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .rev()
        .collect();
    let cfg = &site.config;

    let pages: Vec<Result<OutFile, Diagnostic>> = reports
        .par_iter()
        .filter(|r| selected(r))
        .map(|r| {
            let path = format!("{}/{}/index.html", r.meta.year, r.meta.slug);
            let mut ctx = page_ctx(cfg, &years, &path);
            let body = theme.report_body(r);
            ctx.insert(
                "report",
                &serde_json::json!({
                    "title": r.meta.title, "organ": r.meta.organ, "township": r.meta.township, "slug": r.meta.slug,
                    "region": r.meta.region, "year": r.meta.year, "published": r.meta.published.map(|d| d.to_string()),
                    "index_no": r.meta.index_no, "format": r.format.id, "body": body,
                }),
            );
            let page = theme.page("report.html", &ctx)?;
            Ok(OutFile { path, bytes: theme.fill_tables(page, r)?.into_bytes() })
        })
        .collect();

    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in pages {
        match p {
            Ok(f) => out.push(f),
            Err(d) => errors.push(d),
        }
    }

    let mut by_year: BTreeMap<u16, Vec<&Report>> = BTreeMap::new();
    let mut by_township: BTreeMap<&str, Vec<&Report>> = BTreeMap::new();
    for r in &reports {
        by_year.entry(r.meta.year).or_default().push(r);
        by_township.entry(r.meta.slug.as_str()).or_default().push(r);
    }
    let columns: Vec<&str> = SUMMARY.iter().map(|(l, _)| *l).collect();
    let mut push = |path: String, template: &str, extra: &[(&str, serde_json::Value)]| {
        if !index(&path) {
            return;
        }
        let mut ctx = page_ctx(cfg, &years, &path);
        for (k, v) in extra {
            ctx.insert(k.to_string(), v);
        }
        match theme.page(template, &ctx) {
            Ok(html) => out.push(OutFile {
                path,
                bytes: html.into_bytes(),
            }),
            Err(d) => errors.push(d),
        }
    };
    for (year, mut rs) in by_year.clone() {
        // A page not selected costs nothing, not even its context.
        if !index(&format!("{year}/index.html")) {
            continue;
        }
        rs.sort_by(|a, b| a.meta.slug.cmp(&b.meta.slug));
        let links: Vec<ReportLink> = rs.iter().map(|r| link(r)).collect();
        let totals: Vec<String> = SUMMARY
            .iter()
            .map(|(_, cells)| {
                let vals: Vec<Option<i128>> = rs.iter().map(|r| summary_value(r, cells)).collect();
                vals.iter().flatten().sum::<i128>().to_string()
            })
            .collect();
        push(
            format!("{year}/index.html"),
            "year.html",
            &[
                ("year", year.into()),
                ("reports", serde_json::to_value(&links).unwrap_or_default()),
                (
                    "columns",
                    serde_json::to_value(&columns).unwrap_or_default(),
                ),
                ("totals", serde_json::to_value(&totals).unwrap_or_default()),
            ],
        );
    }
    let mut townships = Vec::new();
    for (slug, mut rs) in by_township {
        rs.sort_by_key(|r| r.meta.year);
        let name = rs
            .last()
            .map(|r| r.meta.township.clone())
            .unwrap_or_default();
        townships.push(serde_json::json!({ "slug": slug, "name": name }));
        if !index(&format!("townships/{slug}/index.html")) {
            continue;
        }
        let links: Vec<ReportLink> = rs.iter().map(|r| link(r)).collect();
        push(
            format!("townships/{slug}/index.html"),
            "township.html",
            &[(
                "township",
                serde_json::json!({ "slug": slug, "name": name, "reports": links }),
            )],
        );
    }
    let year_list: Vec<serde_json::Value> = by_year
        .iter()
        .rev()
        .map(|(y, rs)| serde_json::json!({ "year": y, "count": rs.len() }))
        .collect();
    push(
        "index.html".into(),
        "home.html",
        &[("years", year_list.into()), ("townships", townships.into())],
    );
    push("404.html".into(), "404.html", &[]);

    if !errors.is_empty() {
        return Err(errors);
    }
    for (name, bytes) in &theme.statics {
        out.push(OutFile {
            path: format!("static/{name}"),
            bytes: bytes.clone(),
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
