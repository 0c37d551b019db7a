//! nianbao (年报): a static site generator for 政府信息公开工作年度报告 that
//! checks every figure against the national format's identities.
//!
//! Data flows one way, one module per stage:
//! files → [`content`] (typed reports, every value with its position) →
//! [`check`] (diagnostics) → [`render`] (Tera contexts and pages) →
//! [`site`] (index pages, assembly) → [`output`] (one atomic write).

// Input must never panic the tool: no unwrap/expect outside tests (enforced by
// `cargo clippy` in CI). Diagnostics are deliberately rich values, so large
// `Err` variants are expected.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![allow(clippy::result_large_err)]

pub mod check;
pub mod content;
pub mod diag;
pub mod format;
pub mod init;
pub mod output;
pub mod render;
pub mod site;
pub mod yaml;

use std::path::{Path, PathBuf};

use diag::Diagnostic;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `<root>/public` when `None`.
    pub out: Option<PathBuf>,
    pub drafts: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            out: None,
            drafts: false,
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
    output::check_out_dir(&opts.root, &out).map_err(|d| vec![d])?;
    let site = site::load(&opts.root).map_err(|d| vec![d])?;
    if site.has_errors() {
        return Err(site.diagnostics);
    }
    let theme = render::Theme::load(&opts.root, &site.config.theme).map_err(|d| vec![d])?;
    let mut files = site::render(&site, &theme, opts.drafts)?;
    if site.config.minify {
        output::minify(&mut files);
    }
    let stats = output::publish(&out, &files).map_err(|d| vec![d])?;
    let reports = site
        .reports
        .iter()
        .filter(|r| opts.drafts || !r.meta.draft)
        .count();
    Ok(BuildReport {
        reports,
        pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
        stats,
        diagnostics: site.diagnostics,
    })
}

/// Run every check; write nothing.
pub fn check(root: &Path) -> Result<Vec<Diagnostic>, Diagnostic> {
    site::load(root).map(|s| s.diagnostics)
}
