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
pub mod output;
pub mod render;
#[cfg(feature = "search")]
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod watch;
pub mod yaml;

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
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    let out = opts.out_dir();
    let out = output::check_out_dir(&opts.root, &out).map_err(|d| vec![d])?;
    let mut clock = Timings::start();
    let mut site = site::load(&opts.root).map_err(|d| vec![d])?;
    if let Some(url) = &opts.base_url {
        site.config.base_url = with_slash(url);
    }
    site.diagnostics.extend(site.config.base_url_warning());
    grade_for_publishing(&mut site, opts.drafts);
    clock.lap("read+check");
    if site.has_errors() {
        return Err(site.diagnostics);
    }
    let mut theme = render::Theme::load(&opts.root, &site.config.theme).map_err(|d| vec![d])?;
    theme.minify &= site.config.minify;
    // Files go into the staged folder as they are rendered, so a large site
    // is never held in memory whole; any error drops the staging folder.
    let stager = output::Stager::begin(&out, &|_| false).map_err(|d| vec![d])?;
    // The search index is built on a thread of its own while the pages
    // render (it needs the reports, not the pages).
    let rendered = std::thread::scope(|scope| {
        let search = search_thread(scope, &site, opts.drafts);
        let rendered = site::render_into(&site, &theme, opts.drafts, site::Select::ALL, &stager);
        clock.lap("render+minify+stage");
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
    let reports = site
        .reports
        .iter()
        .filter(|r| opts.drafts || !r.meta.draft)
        .count();
    let mut diagnostics = site.diagnostics;
    diagnostics.append(&mut theme.warnings);
    Ok(BuildReport {
        reports,
        pages: rendered.pages,
        stats,
        diagnostics,
    })
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

#[cfg(feature = "search")]
fn search_thread<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    site: &'scope site::Site,
    drafts: bool,
) -> SearchJob<'scope> {
    if !site.config.search.enabled {
        return SearchJob(None);
    }
    let records: Vec<search::Record> = site
        .reports
        .iter()
        .filter(|r| drafts || !r.meta.draft)
        .map(search::Record::of)
        .collect();
    SearchJob(Some(scope.spawn(move || search::index(records))))
}

#[cfg(not(feature = "search"))]
fn search_thread<'scope>(
    _: &'scope std::thread::Scope<'scope, '_>,
    _: &'scope site::Site,
    _: bool,
) -> SearchJob<'scope> {
    SearchJob(None)
}

/// Stage timings, printed to stderr when `NIANBAO_TIMINGS` is set (for the benchmark).
struct Timings {
    enabled: bool,
    last: std::time::Instant,
    laps: Vec<(&'static str, f64)>,
}

impl Timings {
    fn start() -> Timings {
        Timings {
            enabled: std::env::var_os("NIANBAO_TIMINGS").is_some(),
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, (now - self.last).as_secs_f64()));
        self.last = now;
    }
    fn report(&self) {
        if self.enabled {
            let parts: Vec<String> = self
                .laps
                .iter()
                .map(|(n, s)| format!("{n} {s:.3}s"))
                .collect();
            eprintln!("timings: {}", parts.join(", "));
        }
    }
}

/// Run every check; write nothing. A draft's errors are warnings here as in
/// `build` (a draft is not published).
pub fn check(root: &Path) -> Result<Vec<Diagnostic>, Diagnostic> {
    site::load(root).map(|mut s| {
        s.diagnostics.extend(s.config.base_url_warning());
        demote_drafts(&mut s);
        s.diagnostics
    })
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
fn grade_for_publishing(site: &mut site::Site, drafts: bool) {
    if !drafts {
        demote_drafts(site);
    }
    let draft_files = draft_files(site);
    for d in &mut site.diagnostics {
        let in_draft = d
            .file
            .as_ref()
            .is_some_and(|f| draft_files.contains(&f.rel));
        if d.code == "W16" && !in_draft {
            d.severity = diag::Severity::Error;
        }
    }
    if !drafts {
        site.diagnostics.retain(|d| {
            !(d.code == "W16"
                && d.file
                    .as_ref()
                    .is_some_and(|f| draft_files.contains(&f.rel)))
        });
    }
}

fn draft_files(site: &site::Site) -> std::collections::HashSet<String> {
    site.reports
        .iter()
        .filter(|r| r.meta.draft)
        .map(|r| r.file.rel.clone())
        .collect()
}

/// Errors found in drafts become warnings.
fn demote_drafts(site: &mut site::Site) {
    let drafts = draft_files(site);
    for d in &mut site.diagnostics {
        if d.file.as_ref().is_some_and(|f| drafts.contains(&f.rel)) {
            d.severity = diag::Severity::Warning;
        }
    }
}
