//! Reading a site township by township.
//!
//! [`scan`] reads every file's front matter only ([`content::front`]):
//! enough to group the files by township, to name every region's URL, to
//! find reports that duplicate one another (E050, which looks across
//! townships) and to know the years the navigation lists. Then
//! [`Scan::townships`] parses and checks each township's reports
//! (`check::township`: cross-year rules per township, the rest per report)
//! and hands them to the caller, in parallel over townships. A caller that
//! keeps nothing of a report (`build`, which renders a township's reports
//! and keeps their summaries) never holds more than the townships in
//! flight. `check`, which renders nothing, reads each file once instead
//! ([`super::sweep`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::check;
use crate::content::{self, Report};
use crate::diag::Diagnostic;
use crate::format::Registry;

use super::regions::{self, RegionSlugs};
use super::{SiteConfig, load_registry, load_report};

/// A site whose front matter has been read.
pub struct Scan {
    root: PathBuf,
    pub config: SiteConfig,
    pub registry: Registry,
    /// Every region's URL name.
    pub regions: RegionSlugs,
    /// Problems found so far, severities applied: the walk's, the formats',
    /// files that give no report, duplicates; then the regions' (as
    /// `site::load` has always added them, after the severities).
    pub diagnostics: Vec<Diagnostic>,
    /// The report files grouped by township, each group in file order.
    groups: Vec<Vec<PathBuf>>,
    /// Year and draft flag of every report.
    years: Vec<(u16, bool)>,
}

/// Read the front matter of every report of the site at `root`. `Err`: the
/// site cannot be checked at all (an invalid `[check]`).
pub fn scan(root: &Path, config: SiteConfig) -> Result<Scan, Diagnostic> {
    let mut diagnostics = Vec::new();
    let registry = load_registry(root, &mut diagnostics);
    let (files, walk) = content::find_reports(root);
    diagnostics.extend(walk);
    let limit = config.report_limit();
    let fronts: Vec<Option<content::Front>> = files
        .par_iter()
        .map(|p| content::front(p, root, &registry, limit))
        .collect();
    let named: Vec<&content::Front> = fronts.iter().flatten().collect();
    let (regions, region_diags) = regions::resolve(&config, &named);
    diagnostics.extend(check::duplicates(&named));
    let years = named.iter().map(|f| (f.meta.year, f.meta.draft)).collect();
    let mut groups: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    for (path, front) in files.iter().zip(&fronts) {
        match front {
            Some(f) => groups
                .entry(f.meta.slug.as_str())
                .or_default()
                .push(path.clone()),
            // Gives no report: its problems, read whole.
            None => diagnostics.extend(load_report(path, root, &registry, limit).1),
        }
    }
    let groups = groups.into_values().collect();
    // Over no reports, `check::site` applies the site's severities (and
    // stops at an invalid `[check]`).
    check::site(root, &config, &registry, &[], &mut diagnostics)?;
    diagnostics.extend(region_diags);
    Ok(Scan {
        root: root.to_path_buf(),
        config,
        registry,
        regions,
        diagnostics,
        groups,
        years,
    })
}

impl Scan {
    /// The years with a report (drafts counted when `drafts`), newest first:
    /// what every page's navigation lists.
    pub fn years(&self, drafts: bool) -> Vec<u16> {
        let years: BTreeSet<u16> = self
            .years
            .iter()
            .filter(|(_, draft)| drafts || !draft)
            .map(|(y, _)| *y)
            .collect();
        years.into_iter().rev().collect()
    }

    /// Parse and check each township's reports and hand them (in file
    /// order) to `each`, in parallel over townships. Returns what `each`
    /// made of every township, in township order, and their diagnostics.
    pub fn townships<T: Send>(
        &self,
        each: &(dyn Fn(Vec<Report>) -> T + Sync),
    ) -> (Vec<T>, Vec<Diagnostic>) {
        let limit = self.config.report_limit();
        let (root, registry) = (self.root.as_path(), &self.registry);
        let done: Vec<(T, Vec<Diagnostic>)> = self
            .groups
            .par_iter()
            .map(|paths| {
                let mut diags = Vec::new();
                let mut reports = Vec::with_capacity(paths.len());
                for p in paths {
                    let (r, d) = load_report(p, root, registry, limit);
                    diags.extend(d);
                    reports.extend(r);
                }
                // An invalid [check] stopped `scan`.
                let _ = check::township(root, &self.config, registry, &reports, &mut diags);
                (each(reports), diags)
            })
            .collect();
        let mut out = Vec::with_capacity(done.len());
        let mut diagnostics = Vec::new();
        for (t, d) in done {
            out.push(t);
            diagnostics.extend(d);
        }
        (out, diagnostics)
    }
}
