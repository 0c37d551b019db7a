//! nianbao (年报): a static site generator for 政府信息公开工作年度报告 that
//! checks every figure against the national format's identities.
//!
//! Data flows one way, one module per stage:
//! files → [`content`] (typed reports, every value with its position) →
//! [`check`] (diagnostics) → [`render`] (Tera contexts and pages) →
//! [`site`] (index pages, assembly) → [`output`] (one atomic write).
//! Below them all: [`diag`], [`format`], [`config`] (`site.toml`), [`html`]
//! (escaping) and [`yaml`]; above them: [`watch`]/[`incremental`], [`serve`]
//! and the table editor's model [`edit`]. No module depends on one that
//! depends on it (tests/suite/architecture.rs).

// Input must never panic the tool: no unwrap/expect outside tests (enforced by
// `cargo clippy` in CI). Diagnostics are deliberately rich values, so large
// `Err` variants are expected.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![allow(clippy::result_large_err)]

pub mod check;
pub mod config;
pub mod content;
pub mod corpus;
pub mod diag;
pub mod edit;
pub mod files;
pub mod format;
pub mod html;
pub mod import;
pub mod incremental;
pub mod init;
pub mod layout;
pub mod lines;
pub mod output;
pub mod render;
#[cfg(feature = "search")]
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod watch;
pub mod yaml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use diag::Diagnostic;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `<root>/public` when `None`.
    pub out: Option<PathBuf>,
    pub drafts: bool,
    /// Overrides `base_url` of site.toml (`build --base-url`): the same
    /// folder built for staging and for production.
    pub base_url: Option<String>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            out: None,
            drafts: false,
            base_url: None,
        }
    }
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub reports: usize,
    pub pages: usize,
    pub stats: output::Stats,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Vec<Diagnostic>,
}

/// Check and build the site. On any error nothing is written and the
/// diagnostics (all of them, not only the first) are returned.
///
/// The site is read township by township ([`site::stream`]): each
/// township's reports are parsed, checked and rendered into the staging
/// folder, and only what the site-wide files need of them is kept, so
/// memory does not grow with the archive's prose and tables. A site with
/// errors is rendered too, and the staging folder then dropped.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    let out = opts.out_dir();
    let out = output::check_out_dir(&opts.root, &out).map_err(|d| vec![d])?;
    let mut clock = Timings::start();
    let mut config = site::SiteConfig::load(&opts.root).map_err(|d| vec![d])?;
    if let Some(url) = &opts.base_url {
        config.base_url = with_slash(url);
    }
    let mut scan = site::stream::scan(&opts.root, config).map_err(|d| vec![d])?;
    clock.lap("front matter");
    let mut theme = match render::Theme::load(&opts.root, &scan.config.theme) {
        Ok(t) => t,
        // The site's own errors first, as `check` would give them.
        Err(d) => return Err(checked(&mut scan, opts.drafts).err().unwrap_or(vec![d])),
    };
    theme.minify &= scan.config.minify;
    // Files go into the staged folder as they are rendered; any error drops it.
    let stager = output::Stager::begin(&out, &|_| false).map_err(|d| vec![d])?;
    let renderer = site::Renderer::new(
        site::backend::Cx {
            config: &scan.config,
            registry: &scan.registry,
            regions: &scan.regions,
            theme: &theme,
            pages: site::PageCtx::new(&scan.config, scan.years(opts.drafts)),
            select: site::Select::ALL,
            columns: site::summary::Columns::of(&scan.registry),
        },
        &stager,
    );
    let search = cfg!(feature = "search") && scan.config.search.enabled;
    let (townships, diags) = scan.townships(&|reports| {
        let included: Vec<&content::Report> = reports
            .iter()
            .filter(|r| opts.drafts || !r.meta.draft)
            .collect();
        Township {
            // The reports are dropped after this township: pack their figures.
            entries: renderer.reports(&included, false, &|r| {
                site::backend::FigureSource::Packed(site::backend::Figures::of_report(r))
            }),
            records: search_records(&included, search),
            drafts: reports
                .iter()
                .filter(|r| r.meta.draft)
                .map(|r| r.file.rel.clone())
                .collect(),
        }
    });
    clock.lap("read+check+render reports");
    let mut diagnostics = std::mem::take(&mut scan.diagnostics);
    diagnostics.extend(diags);
    diagnostics.extend(scan.config.base_url_warning());
    let draft_files: HashSet<String> = townships.iter().flat_map(|t| t.drafts.clone()).collect();
    grade_for_publishing(&mut diagnostics, &draft_files, opts.drafts);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let mut entries = Vec::new();
    let mut records = Vec::new();
    for t in townships {
        entries.extend(t.entries?);
        records.extend(t.records);
    }
    let reports = entries.len();
    let rendered = std::thread::scope(|scope| {
        // The search index is built on a thread of its own while the
        // site-wide files render.
        let search = search_thread(scope, records);
        let rendered = renderer.finish(entries);
        clock.lap("render site-wide files");
        let files = search.join();
        clock.lap("search index");
        for f in files? {
            stager.put(&f).map_err(|d| vec![d])?;
        }
        rendered
    })?;
    let stats = stager.finish(false).map_err(|d| vec![d])?;
    clock.lap("swap");
    clock.report();
    diagnostics.append(&mut theme.warnings);
    Ok(BuildReport {
        reports,
        pages: rendered.pages,
        stats,
        diagnostics,
    })
}

/// What `build` keeps of one township once its reports are rendered.
struct Township<'e> {
    entries: Result<Vec<site::backend::Entry<'e>>, Vec<Diagnostic>>,
    records: Vec<SearchRecord>,
    /// Its draft files (`rel` paths).
    drafts: Vec<String>,
}

/// The diagnostics of `scan`'s site, read whole (keeping no report), with
/// its draft files; not yet graded for drafts.
fn scan_diagnostics(scan: &mut site::stream::Scan) -> (Vec<Diagnostic>, HashSet<String>) {
    let (draft_lists, diags) = scan.townships(&|reports| {
        reports
            .iter()
            .filter(|r| r.meta.draft)
            .map(|r| r.file.rel.clone())
            .collect::<Vec<_>>()
    });
    let mut diagnostics = std::mem::take(&mut scan.diagnostics);
    diagnostics.extend(diags);
    diagnostics.extend(scan.config.base_url_warning());
    (diagnostics, draft_lists.into_iter().flatten().collect())
}

/// The diagnostics of `scan`'s site as `build` grades them; `Err` when
/// there are errors.
fn checked(
    scan: &mut site::stream::Scan,
    drafts: bool,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let (mut diagnostics, draft_files) = scan_diagnostics(scan);
    grade_for_publishing(&mut diagnostics, &draft_files, drafts);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(diagnostics)
    } else {
        Ok(diagnostics)
    }
}

#[cfg(feature = "search")]
type SearchRecord = search::Record;
#[cfg(not(feature = "search"))]
type SearchRecord = ();

#[cfg(feature = "search")]
fn search_records(reports: &[&content::Report], on: bool) -> Vec<SearchRecord> {
    if on {
        reports.iter().map(|r| search::Record::of(r)).collect()
    } else {
        Vec::new()
    }
}

#[cfg(not(feature = "search"))]
fn search_records(_: &[&content::Report], _: bool) -> Vec<SearchRecord> {
    Vec::new()
}

/// Build the search index on a thread while the pages render; `join`
/// gives its files (none when search is off or not compiled in).
struct SearchJob<'scope>(
    Option<std::thread::ScopedJoinHandle<'scope, Result<Vec<output::OutFile>, Diagnostic>>>,
);

impl SearchJob<'_> {
    fn join(self) -> Result<Vec<output::OutFile>, Vec<Diagnostic>> {
        match self.0 {
            None => Ok(Vec::new()),
            Some(h) => match h.join() {
                Ok(r) => r.map_err(|d| vec![d]),
                Err(_) => Err(vec![Diagnostic::error(
                    "O004",
                    diag::Msg::new("生成搜索索引时出错", "building the search index failed"),
                )]),
            },
        }
    }
}

/// `records` empty: search is off. They are indexed in URL order, so the
/// index is the same whichever township was read first.
#[cfg(feature = "search")]
fn search_thread<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    mut records: Vec<SearchRecord>,
) -> SearchJob<'scope> {
    if records.is_empty() {
        return SearchJob(None);
    }
    records.sort_by(|a, b| a.url.cmp(&b.url));
    SearchJob(Some(scope.spawn(move || search::index(records))))
}

#[cfg(not(feature = "search"))]
fn search_thread<'scope>(
    _: &'scope std::thread::Scope<'scope, '_>,
    _: Vec<SearchRecord>,
) -> SearchJob<'scope> {
    SearchJob(None)
}

/// Stage timings, printed to stderr when `NIANBAO_TIMINGS` is set (for the benchmark).
struct Timings {
    enabled: bool,
    last: std::time::Instant,
    laps: Vec<(&'static str, f64)>,
    /// Peak resident memory after each stage (Linux; 0 elsewhere).
    peaks: Vec<(&'static str, u64)>,
}

/// The process's peak resident memory so far, in MiB (`VmHWM`).
fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

impl Timings {
    fn start() -> Timings {
        Timings {
            enabled: std::env::var_os("NIANBAO_TIMINGS").is_some(),
            last: std::time::Instant::now(),
            laps: Vec::new(),
            peaks: Vec::new(),
        }
    }
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, (now - self.last).as_secs_f64()));
        self.last = now;
        if self.enabled {
            self.peaks.push((name, peak_mib()));
        }
    }
    fn report(&self) {
        if self.enabled {
            let parts: Vec<String> = self
                .laps
                .iter()
                .map(|(n, s)| format!("{n} {s:.3}s"))
                .collect();
            eprintln!("timings: {}", parts.join(", "));
            let peaks: Vec<String> = self
                .peaks
                .iter()
                .map(|(n, m)| format!("{n} {m} MiB"))
                .collect();
            eprintln!("peak memory after: {}", peaks.join(", "));
        }
    }
}

/// Run every check; write nothing. A draft's errors are warnings here as in
/// `build` (a draft is not published). Reads each file once, keeping no
/// report ([`site::sweep`]).
pub fn check(root: &Path) -> Result<Vec<Diagnostic>, Diagnostic> {
    let config = site::SiteConfig::load(root)?;
    let swept = site::sweep::sweep(root, &config)?;
    let mut diagnostics = swept.diagnostics;
    diagnostics.extend(config.base_url_warning());
    demote_drafts(&mut diagnostics, &swept.drafts);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Ok(diagnostics)
}

/// A base URL ends with `/` (pages are joined onto it).
fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// What publishing changes about the diagnostics: prompts left in a report
/// that will be published are errors (W16), and a draft that is not
/// published cannot stop the build (its errors become warnings; its prompts
/// are expected and not repeated).
fn grade_for_publishing(diags: &mut Vec<Diagnostic>, draft_files: &HashSet<String>, drafts: bool) {
    if !drafts {
        demote_drafts(diags, draft_files);
    }
    let in_draft = |d: &Diagnostic| {
        d.file
            .as_ref()
            .is_some_and(|f| draft_files.contains(&f.rel))
    };
    for d in diags.iter_mut() {
        if d.code == "W16" && !in_draft(d) {
            d.severity = diag::Severity::Error;
        }
    }
    if !drafts {
        diags.retain(|d| !(d.code == "W16" && in_draft(d)));
    }
}

/// Errors found in drafts become warnings.
fn demote_drafts(diags: &mut [Diagnostic], draft_files: &HashSet<String>) {
    for d in diags {
        if d.file
            .as_ref()
            .is_some_and(|f| draft_files.contains(&f.rel))
        {
            d.severity = diag::Severity::Warning;
        }
    }
}
