//! Site assembly: load every report, check them, and lay out the pages.

mod assemble;
pub mod backend;
pub mod chart;
pub mod data;
pub mod feeds;
pub mod index;
pub mod pages;
pub mod regions;
pub mod stream;
pub mod summary;
pub mod sweep;

use std::path::{Path, PathBuf};

use tera::Context;

use crate::check;
use crate::content::{self, Report};
use crate::diag::{Diagnostic, Msg};
use crate::format::{FormatDef, Registry};
use crate::layout::{self, Output};

pub use crate::config::SiteConfig;
pub use assemble::{Rendered, Renderer, Sink, render, render_into, render_some};
pub use backend::Select;

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
    let w = crate::files::walk(root, &dir, &|name| name.ends_with(".toml"));
    diags.extend(w.diagnostics);
    // Definitions sit directly in formats/; sub-folders are the author's own.
    let paths: Vec<PathBuf> = w
        .files
        .into_iter()
        .filter(|p| p.parent() == Some(dir.as_path()))
        .collect();
    for p in paths {
        let text = match crate::files::read_site_file(&p) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        match FormatDef::from_toml(&text) {
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

/// Read, parse and check every report of the site at `root`, and keep
/// them all (the watcher, the preview and the editor work on them in
/// memory; `build` reads the site with [`stream::scan`], `check` with
/// [`sweep::sweep`]).
pub fn load(root: &Path) -> Result<Site, Diagnostic> {
    let mut scan = stream::scan(root, SiteConfig::load(root)?)?;
    let (townships, diags) = scan.townships(&|reports| reports);
    let mut reports: Vec<Report> = townships.into_iter().flatten().collect();
    // File order, as the files were found.
    reports.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    let mut diagnostics = std::mem::take(&mut scan.diagnostics);
    diagnostics.extend(diags);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Ok(Site {
        root: root.to_path_buf(),
        config: scan.config,
        registry: scan.registry,
        reports,
        diagnostics,
    })
}

pub use crate::output::OutFile;

/// The cells a summary column sums in `format`, as columns of the year CSVs
/// (`table.row.column` ids of leaf rows: a group row stands for its
/// sub-rows, which is what the CSV has). Empty when the format lacks them.
pub fn summary_cells(format: &FormatDef, cells: &[impl AsRef<str>]) -> Vec<String> {
    let mut out = Vec::new();
    for id in cells {
        if let Some((t, leaves)) = format.summary_cells(id.as_ref())
            && let Some(def) = format.tables.get(t)
        {
            out.extend(leaves.iter().map(|c| def.cell_id(*c)));
        }
    }
    out
}

/// One summary figure of a report: the sum of `cells`, or `None` when its
/// format lacks one of them.
pub fn summary_value(report: &Report, cells: &[impl AsRef<str>]) -> Option<i128> {
    let mut total = 0;
    for id in cells {
        let (t, leaves) = report.format.summary_cells(id.as_ref())?;
        let (def, data) = (report.format.tables.get(t)?, report.tables.get(t)?);
        for c in leaves {
            total += data.int(def, c);
        }
    }
    Some(total)
}

/// What every page's template context shares: the site and its navigation.
pub struct PageCtx<'a> {
    pub cfg: &'a SiteConfig,
    /// Every year with a report, newest first.
    pub years: Vec<u16>,
    /// `site` and `nav` as template values, made once: Tera shares a value's
    /// maps and lists between clones, so each page takes them for free
    /// instead of serialising the configuration again.
    site: tera::Value,
    nav: tera::Value,
}

impl<'a> PageCtx<'a> {
    pub fn new(cfg: &'a SiteConfig, years: Vec<u16>) -> PageCtx<'a> {
        let site = tera::Value::from_serializable(cfg);
        let nav = tera::Value::from_serializable(&serde_json::json!({ "years": years }));
        PageCtx {
            cfg,
            years,
            site,
            nav,
        }
    }

    /// The context of the page `out`. `column`: the page's own name, used
    /// for the portal's `ColumnName` tag on index pages (every page but a
    /// report's and 404). Links are relative, except on `404.html`: the
    /// server shows it at any depth, so its links start from `base_url`.
    pub fn ctx(&self, out: &Output, column: &str) -> Context {
        let site = self.cfg;
        let path = out.path();
        let index = !matches!(out, Output::Report { .. } | Output::NotFound);
        let root = self.root(out);
        let canonical = if site.base_url.starts_with("http") {
            format!("{}{}", site.base_url, out.url())
        } else {
            String::new()
        };
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site.clone());
        ctx.insert_value("nav", self.nav.clone());
        ctx.insert(
            "page",
            &serde_json::json!({
                "root": root, "path": path, "index": index, "column": column,
                "search": cfg!(feature = "search"), "canonical": canonical,
            }),
        );
        ctx
    }

    /// Where the page `out`'s links start from (`page.root`).
    pub fn root(&self, out: &Output) -> String {
        match out {
            Output::NotFound => self.cfg.base_url.clone(),
            _ => layout::root_prefix(&out.path()),
        }
    }
}

/// Read, parse and check one report file on its own. The watcher
/// (incremental rebuilds) calls this for each saved file.
pub fn load_report(
    path: &Path,
    root: &Path,
    registry: &Registry,
    limit: u64,
) -> (Option<Report>, Vec<Diagnostic>) {
    let (report, mut diags) = content::load(path, root, registry, limit);
    let report = report.map(|mut r| {
        diags.extend(check::report(&mut r));
        r
    });
    (report, diags)
}

/// Problems with region URL names, which look across townships (part of
/// `load`; the watcher re-runs it after each change).
pub fn region_diagnostics(cfg: &SiteConfig, reports: &[Report]) -> Vec<Diagnostic> {
    regions::resolve(cfg, reports).1
}
