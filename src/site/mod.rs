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

/// Where rendered files go, from any thread, as soon as each is ready: the
/// staged output folder (a build) or memory (the watcher, which keeps the
/// bytes to reuse them).
pub trait Sink: Sync {
    fn put(&self, file: OutFile) -> Result<(), Diagnostic>;
}

impl Sink for std::sync::Mutex<Vec<OutFile>> {
    fn put(&self, mut file: OutFile) -> Result<(), Diagnostic> {
        // Kept until the next save: exactly as large as its bytes.
        file.bytes.shrink_to_fit();
        if let Ok(mut v) = self.lock() {
            v.push(file);
        }
        Ok(())
    }
}

impl Sink for crate::output::Stager<'_> {
    fn put(&self, file: OutFile) -> Result<(), Diagnostic> {
        crate::output::Stager::put(self, &file)
    }
}

/// What [`render_into`] produced.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rendered {
    /// Files put into the sink.
    pub files: usize,
    /// HTML pages among them.
    pub pages: usize,
}

/// Which files a render produces. A build renders everything; the watcher
/// renders only what a save can have changed and reuses the bytes of the rest.
#[derive(Clone, Copy)]
pub struct Select<'a> {
    /// Render this report's page and `report.json`?
    pub report: &'a (dyn Fn(&Report) -> bool + Sync),
    /// Render the index page or site-wide file (open data, feeds, static
    /// files) at this output path?
    pub file: &'a (dyn Fn(&str) -> bool + Sync),
    /// An index page `file` asked for, whose template variables hash to
    /// this: render it? (No: the watcher has its bytes for these variables.)
    pub page: &'a (dyn Fn(&str, u64) -> bool + Sync),
}

fn yes<T: ?Sized>(_: &T) -> bool {
    true
}
fn yes2(_: &str, _: u64) -> bool {
    true
}

impl Select<'static> {
    /// Everything: a one-shot build.
    pub const ALL: Select<'static> = Select {
        report: &yes::<Report>,
        file: &yes::<str>,
        page: &yes2,
    };
}

/// Render every page of the site into memory, sorted by path. `drafts`:
/// include reports marked draft.
pub fn render(site: &Site, theme: &Theme, drafts: bool) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    render_some(site, theme, drafts, Select::ALL)
}

/// [`render_into`] memory, sorted by path.
pub fn render_some(
    site: &Site,
    theme: &Theme,
    drafts: bool,
    select: Select,
) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let sink = std::sync::Mutex::new(Vec::new());
    render_into(site, theme, drafts, select, &sink)?;
    let mut out = sink.into_inner().unwrap_or_default();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Render the files of the site that `select` picks into `sink`. On any
/// error every diagnostic is returned; what the sink got by then is
/// incomplete.
pub fn render_into(
    site: &Site,
    theme: &Theme,
    drafts: bool,
    select: Select,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    let Select {
        report: selected,
        file: index,
        page: vars_changed,
    } = select;
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
    let count = Counter::default();
    let put = |f: OutFile| count.put(sink, f);

    // The one pass over whole reports: page and report.json (written as
    // they are made), and the summary the index pages are built from.
    let catalogs = data::catalogs(reports.iter().copied());
    let passes: Vec<(Summary, Vec<Diagnostic>)> = reports
        .par_iter()
        .map(|r| {
            let summary = Summary::of(r, &regions);
            let mut errors = Vec::new();
            if selected(r) {
                let own;
                let cat = match catalogs.get(&r.format.id) {
                    Some(c) => c,
                    None => {
                        own = data::Catalog::of(&r.format);
                        &own
                    }
                };
                for f in pages::report(r, &summary, theme, &pc, cat) {
                    if let Err(d) = f.and_then(&put) {
                        errors.push(d);
                    }
                }
            }
            (summary, errors)
        })
        .collect();
    let mut errors = Vec::new();
    let mut entries: Vec<Entry> = Vec::with_capacity(passes.len());
    for (r, (summary, e)) in reports.iter().zip(passes) {
        errors.extend(e);
        entries.push((r, summary));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    entries.sort_by(|a, b| (a.1.year, &a.1.slug).cmp(&(b.1.year, &b.1.slug)));
    let summaries: Vec<&Summary> = entries.iter().map(|(_, s)| s).collect();

    // The sitemap lists every page, rendered this time or not.
    let mut html: Vec<String> = entries.iter().map(|(_, s)| s.url()).collect();
    let (specs, skipped) = index::pages(&summaries, index);
    html.extend(skipped);
    html.extend(specs.iter().map(|p| p.path.clone()));
    // A year's CSV is written only when its path is wanted (watch mode
    // reuses the bytes of the others); asked once per file.
    let csv_years: BTreeSet<u16> = pc
        .years
        .iter()
        .copied()
        .filter(|y| index(&data::year_csv_path(*y)))
        .collect();
    // Index pages and open data read the same summaries; build them side by side.
    // Index pages, open data and feeds read the same summaries; build them
    // side by side (a year page alone is a large share of a rebuild).
    let ((pages, data_files), feed_files) = rayon::join(
        || {
            rayon::join(
                || index_pages(&specs, theme, &pc, vars_changed, &put),
                || open_data(cfg, &entries, &summaries, &csv_years, index, &put),
            )
        },
        || feeds(cfg, html, &summaries, index),
    );
    errors.extend(pages.into_iter().filter_map(Result::err));
    errors.extend(data_files.err());
    if !errors.is_empty() {
        return Err(errors);
    }
    let statics = theme
        .statics
        .iter()
        .map(|(name, bytes)| (format!("static/{name}"), bytes))
        .filter(|(path, _)| index(path))
        .map(|(path, bytes)| OutFile {
            path,
            bytes: bytes.clone(),
        });
    for f in feed_files.into_iter().chain(statics) {
        put(f).map_err(|d| vec![d])?;
    }
    Ok(count.into_inner())
}

/// Counts what goes into a sink.
#[derive(Default)]
struct Counter {
    files: std::sync::atomic::AtomicUsize,
    pages: std::sync::atomic::AtomicUsize,
}

impl Counter {
    fn put(&self, sink: &dyn Sink, f: OutFile) -> Result<(), Diagnostic> {
        use std::sync::atomic::Ordering::Relaxed;
        self.files.fetch_add(1, Relaxed);
        if f.path.ends_with(".html") {
            self.pages.fetch_add(1, Relaxed);
        }
        sink.put(f)
    }
    fn into_inner(self) -> Rendered {
        Rendered {
            files: self.files.into_inner(),
            pages: self.pages.into_inner(),
        }
    }
}

/// A report with its summary, for the files built from all reports.
type Entry<'a> = (&'a Report, Summary);

fn index_pages(
    specs: &[index::Page],
    theme: &Theme,
    pc: &PageCtx,
    vars_changed: &(dyn Fn(&str, u64) -> bool + Sync),
    put: &(dyn Fn(OutFile) -> Result<(), Diagnostic> + Sync),
) -> Vec<Result<(), Diagnostic>> {
    specs
        .par_iter()
        .map(|p| {
            let vars = (p.vars)();
            if !vars_changed(&p.path, index::vars_hash(&vars)) {
                return Ok(());
            }
            let mut ctx = pc.ctx(&p.path, &p.column, p.template != "404.html");
            for (name, value, _) in vars {
                ctx.insert_value(name, value);
            }
            put(OutFile {
                path: p.path.clone(),
                bytes: theme.page(p.template, &ctx)?.into_bytes(),
            })
        })
        .collect()
}

/// `sitemap.xml` (over the HTML pages `html`), `atom.xml`, `robots.txt`:
/// those `want` asks for.
fn feeds(
    cfg: &SiteConfig,
    mut html: Vec<String>,
    summaries: &[&Summary],
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<OutFile> {
    let mut out = Vec::new();
    if want(feeds::SITEMAP) {
        html.sort_unstable();
        html.dedup();
        let html: Vec<&str> = html.iter().map(String::as_str).collect();
        let lastmod: BTreeMap<String, String> = summaries
            .iter()
            .filter_map(|s| s.published.map(|d| (s.url(), d.to_string())))
            .collect();
        out.push(feeds::sitemap(cfg, &html, &|p| lastmod.get(p).cloned()));
    }
    if want(feeds::ATOM) {
        out.push(feeds::atom(cfg, summaries));
    }
    if want(feeds::ROBOTS) {
        out.push(feeds::robots(cfg));
    }
    out
}

/// The year CSV files, the field dictionary, the report list and the
/// package: those `want` asks for.
fn open_data(
    cfg: &SiteConfig,
    entries: &[Entry],
    summaries: &[&Summary],
    csv_years: &BTreeSet<u16>,
    want: &(dyn Fn(&str) -> bool + Sync),
    put: &(dyn Fn(OutFile) -> Result<(), Diagnostic> + Sync),
) -> Result<(), Diagnostic> {
    let years: BTreeSet<u16> = summaries.iter().map(|s| s.year).collect();
    let package = want(data::DATAPACKAGE);
    // A year's CSV is written only when wanted (watch mode keeps the
    // others' bytes); its description in the data package always is.
    let years: Vec<(u16, bool)> = years
        .into_iter()
        .map(|y| (y, csv_years.contains(&y)))
        .filter(|&(_, csv)| csv || package)
        .collect();
    let resources: Vec<Result<serde_json::Value, Diagnostic>> = years
        .par_iter()
        .map(|&(year, wanted)| {
            let rows: Vec<(&Report, &Summary)> = entries
                .iter()
                .filter(|(_, s)| s.year == year)
                .map(|(r, s)| (*r, s))
                .collect();
            if wanted {
                put(data::year_csv(year, &rows, cfg))?;
            }
            Ok(if package {
                data::year_resource(year, &rows)
            } else {
                serde_json::Value::Null
            })
        })
        .collect();
    let resources = resources.into_iter().collect::<Result<Vec<_>, _>>()?;
    if want(data::FIELDS) {
        let mut formats: Vec<&FormatDef> = Vec::new();
        for (r, _) in entries {
            if !formats.iter().any(|f| f.id == r.format.id) {
                formats.push(&r.format);
            }
        }
        formats.sort_by(|a, b| a.id.cmp(&b.id));
        put(data::fields_csv(&formats))?;
    }
    if want(data::REPORTS) {
        put(data::reports_json(summaries, cfg))?;
    }
    if package {
        put(data::datapackage(resources, cfg))?;
    }
    Ok(())
}
