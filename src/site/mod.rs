//! Site assembly: load every report, check them, and lay out the pages.

pub mod chart;
pub mod config;
pub mod data;
pub mod feeds;
pub mod index;
pub mod pages;
pub mod regions;
pub mod summary;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::Context;

use crate::check;
use crate::content::{self, Report};
use crate::diag::{Diagnostic, Msg};
use crate::format::{CellRef, FormatDef, Registry};
use crate::render::Theme;

pub use config::SiteConfig;
use summary::Summary;

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
    diagnostics.extend(regions::resolve(&config, &reports).1);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Ok(Site {
        root: root.to_path_buf(),
        config,
        registry,
        reports,
        diagnostics,
    })
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
        let (table, rest) = id.split_once('.')?;
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

/// Relative prefix from a page at `path` back to the site root.
fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// What every page's template context shares: the site and its navigation.
pub struct PageCtx<'a> {
    pub cfg: &'a SiteConfig,
    /// Every year with a report, newest first.
    pub years: Vec<u16>,
}

impl PageCtx<'_> {
    /// The context of the page at `path`. `column`: the page's own name, used
    /// for the portal's `ColumnName` tag on index pages (`index`). Links are
    /// relative, except on `404.html`: the server shows it at any depth, so
    /// its links start from `base_url`.
    pub fn ctx(&self, path: &str, column: &str, index: bool) -> Context {
        let site = self.cfg;
        let mut ctx = Context::new();
        ctx.insert("site", site);
        ctx.insert("nav", &serde_json::json!({ "years": self.years }));
        let canonical = format!("{}{}", site.base_url, path.trim_end_matches("index.html"));
        ctx.insert(
            "page",
            &serde_json::json!({
                "root": if path == "404.html" { site.base_url.clone() } else { root_prefix(path) }, "path": path, "index": index, "column": column,
                "canonical": if site.base_url.starts_with("http") { canonical } else { String::new() },
            }),
        );
        ctx
    }
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

/// Problems with region URL names, which look across townships (part of
/// `load`; the watcher re-runs it after each change).
pub fn region_diagnostics(cfg: &SiteConfig, reports: &[Report]) -> Vec<Diagnostic> {
    regions::resolve(cfg, reports).1
}

/// Render every page of the site. `drafts`: include reports marked draft.
pub fn render(site: &Site, theme: &Theme, drafts: bool) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    render_some(site, theme, drafts, &|_| true, &|_| true)
}

/// [`render`], but only the HTML pages and `report.json` files of the
/// reports `selected` picks and the index pages whose output path `index`
/// picks; everything built from all reports (open data, feeds, static files)
/// always. The watcher re-renders only the files a save can have changed and
/// reuses the others.
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
    let years: BTreeSet<u16> = reports.iter().map(|r| r.meta.year).collect();
    let cfg = &site.config;
    let pc = PageCtx {
        cfg,
        years: years.into_iter().rev().collect(),
    };
    // Region slugs were checked (and their problems reported) by `load`.
    let (regions, _) = regions::resolve(cfg, &site.reports);

    // The one pass over whole reports: page, report.json, summary, CSV row.
    let catalogs = data::catalogs(reports.iter().copied());
    // The year CSVs written this time, asked once per file (watch mode reuses
    // the bytes of the others, and records each path it is asked about).
    let csv_years: BTreeSet<u16> = pc
        .years
        .iter()
        .copied()
        .filter(|y| index(&data::year_csv_path(*y)))
        .collect();
    type Pass = (Option<pages::Rendered>, Option<(Summary, data::FigureRow)>);
    let rendered: Vec<Pass> = reports
        .par_iter()
        .map(|r| {
            let own;
            let cat = match catalogs.get(&r.format.id) {
                Some(c) => c,
                None => {
                    own = data::Catalog::of(&r.format);
                    &own
                }
            };
            let summary = Summary::of(r, &regions);
            if selected(r) {
                (Some(pages::report(r, summary, theme, &pc, cat)), None)
            } else {
                // Not rendered (its page and report.json are reused): only
                // what the pages built from all reports need.
                // Its CSV row only if its year's file is written this time.
                let figures = if csv_years.contains(&r.meta.year) {
                    data::figure_row(r)
                } else {
                    data::FigureRow::default()
                };
                (None, Some((summary, figures)))
            }
        })
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut entries: Vec<Entry> = Vec::with_capacity(rendered.len());
    for (r, x) in reports.iter().zip(rendered) {
        match x {
            (Some(x), _) => {
                match x.html {
                    Ok(f) => out.push(f),
                    Err(d) => errors.push(d),
                }
                out.push(x.json);
                entries.push((r, x.summary, x.figures));
            }
            (None, Some((summary, figures))) => entries.push((r, summary, figures)),
            (None, None) => {}
        }
    }
    entries.sort_by(|a, b| (a.1.year, &a.1.slug).cmp(&(b.1.year, &b.1.slug)));
    let summaries: Vec<&Summary> = entries.iter().map(|(_, s, _)| s).collect();

    // Pages not rendered this time still exist: the sitemap lists them.
    let mut not_rendered: Vec<String> = entries
        .iter()
        .filter(|(r, _, _)| !selected(r))
        .map(|(_, s, _)| s.url())
        .collect();
    let (specs, skipped) = index::pages(&summaries, index);
    not_rendered.extend(skipped);
    // Index pages and open data read the same summaries; build them side by side.
    let (pages, data_files) = rayon::join(
        || index_pages(&specs, theme, &pc),
        || open_data(cfg, &entries, &summaries, &csv_years),
    );
    for page in pages {
        match page {
            Ok(f) => out.push(f),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.extend(data_files);
    out.extend(feeds(cfg, &out, &not_rendered, &summaries));
    out.extend(theme.statics.iter().map(|(name, bytes)| OutFile {
        path: format!("static/{name}"),
        bytes: bytes.clone(),
    }));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// A report with what its pass produced, for the files built from all reports.
type Entry<'a> = (&'a Report, Summary, data::FigureRow);

fn index_pages(
    specs: &[index::Page],
    theme: &Theme,
    pc: &PageCtx,
) -> Vec<Result<OutFile, Diagnostic>> {
    specs
        .par_iter()
        .map(|p| {
            let mut ctx = pc.ctx(&p.path, &p.column, p.template != "404.html");
            if let Some(m) = p.vars.as_object() {
                for (k, v) in m {
                    ctx.insert(k.clone(), v);
                }
            }
            Ok(OutFile {
                path: p.path.clone(),
                bytes: theme.page(p.template, &ctx)?.into_bytes(),
            })
        })
        .collect()
}

/// `sitemap.xml` (over the HTML pages in `out`), `atom.xml`, `robots.txt`.
fn feeds(
    cfg: &SiteConfig,
    out: &[OutFile],
    not_rendered: &[String],
    summaries: &[&Summary],
) -> Vec<OutFile> {
    let mut html: Vec<&str> = out
        .iter()
        .map(|f| f.path.as_str())
        .chain(not_rendered.iter().map(String::as_str))
        .filter(|p| p.ends_with(".html"))
        .collect();
    html.sort_unstable();
    let lastmod: BTreeMap<String, String> = summaries
        .iter()
        .filter_map(|s| s.published.map(|d| (s.url(), d.to_string())))
        .collect();
    vec![
        feeds::sitemap(cfg, &html, &|p| lastmod.get(p).cloned()),
        feeds::atom(cfg, summaries),
        feeds::robots(cfg),
    ]
}

/// The year CSV files, the field dictionary, the report list and the package.
fn open_data(
    cfg: &SiteConfig,
    entries: &[Entry],
    summaries: &[&Summary],
    csv_years: &BTreeSet<u16>,
) -> Vec<OutFile> {
    let mut out = Vec::new();
    let mut resources = Vec::new();
    let years: BTreeSet<u16> = summaries.iter().map(|s| s.year).collect();
    // A year's CSV is written only when `want`ed (watch mode keeps the
    // others' bytes); its description in the data package always is.
    let years: Vec<(u16, bool)> = years
        .into_iter()
        .map(|y| (y, csv_years.contains(&y)))
        .collect();
    let per_year: Vec<(Option<OutFile>, _)> = years
        .par_iter()
        .map(|&(year, wanted)| {
            let year = &year;
            let rows: Vec<(&Report, &Summary, &data::FigureRow)> = entries
                .iter()
                .filter(|(_, s, _)| s.year == *year)
                .map(|(r, s, f)| (*r, s, f))
                .collect();
            (
                wanted.then(|| data::year_csv(*year, &rows, cfg)),
                data::year_resource(*year, &rows),
            )
        })
        .collect();
    for (csv, resource) in per_year {
        out.extend(csv);
        resources.push(resource);
    }
    let mut formats: Vec<&FormatDef> = Vec::new();
    for (r, _, _) in entries {
        if !formats.iter().any(|f| f.id == r.format.id) {
            formats.push(&r.format);
        }
    }
    formats.sort_by(|a, b| a.id.cmp(&b.id));
    out.push(data::fields_csv(&formats));
    out.push(data::reports_json(summaries, cfg));
    out.push(data::datapackage(resources, cfg));
    out
}
