//! `nianbao check`: every file read once.
//!
//! A build reads every file's front matter first ([`super::stream::scan`]),
//! since every page links to every year and region before any is rendered.
//! A check renders nothing, so it reads each file once, whole: files are
//! taken in groups by the township their path suggests ([`likely_township`]),
//! each group is parsed and checked, the cross-year rules run over the
//! reports of each township slug found in it, and only the front matter of
//! each report is kept (for duplicates and regions, which look across the
//! site). A township whose reports turn out to lie in more than one group —
//! a file named for another township — is read again, all its reports
//! together, and its cross-year results from the groups are dropped. The
//! diagnostics are the scan's, in another order (`check` sorts them).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::check::{self, severity::Severities};
use crate::content::{self, Front, Report};
use crate::diag::Diagnostic;
use crate::format::Registry;

use super::{SiteConfig, load_registry, load_report, regions};

/// What a check found, and which files are drafts (their errors are not
/// the site's: `check` demotes them).
pub struct Swept {
    pub diagnostics: Vec<Diagnostic>,
    pub drafts: HashSet<String>,
}

/// The site being swept: what every group needs to read its files.
struct Site<'a> {
    root: &'a Path,
    config: &'a SiteConfig,
    registry: &'a Registry,
    limit: u64,
}

/// One group's reading: each report's front matter with its file's place
/// in the walk, the per-report diagnostics (of files giving no report
/// too), and the cross-year results of each township slug in the group.
#[derive(Default)]
struct Read {
    fronts: Vec<(usize, Front)>,
    diagnostics: Vec<Diagnostic>,
    townships: Vec<Township>,
}

/// The township-wide diagnostics (graded) of the `reports` reports of
/// `slug` that one group held: right when the group held them all.
struct Township {
    slug: String,
    reports: usize,
    diagnostics: Vec<Diagnostic>,
}

/// Check every report of the site at `root`. `Err`: the site cannot be
/// checked at all (an invalid `[check]`).
pub fn sweep(root: &Path, config: &SiteConfig) -> Result<Swept, Diagnostic> {
    let mut diagnostics = Vec::new();
    let registry = load_registry(root, &mut diagnostics);
    let severities = Severities::from_config(&config.check, root)?;
    let (files, walk) = content::find_reports(root);
    diagnostics.extend(walk);
    let site = Site {
        root,
        config,
        registry: &registry,
        limit: config.report_limit(),
    };
    let reads: Vec<Read> = groups(&files)
        .par_iter()
        .map(|group| read_group(&site, &files, group))
        .collect();
    let mut fronts = Vec::new();
    let mut townships = Vec::new();
    for read in reads {
        fronts.extend(read.fronts);
        diagnostics.extend(read.diagnostics);
        townships.extend(read.townships);
    }
    fronts.sort_unstable_by_key(|(i, _)| *i);
    let fronts: Vec<Front> = fronts.into_iter().map(|(_, f)| f).collect();
    diagnostics.extend(check::duplicates(&fronts));
    let mut diagnostics = severities.apply(diagnostics);
    diagnostics.extend(cross_year(&site, &fronts, townships));
    // Not graded: `site::load` has always added them after the severities.
    diagnostics.extend(regions::resolve(config, &fronts).1);
    let drafts = fronts
        .iter()
        .filter(|f| f.meta.draft)
        .map(|f| f.file.rel.clone())
        .collect();
    Ok(Swept {
        diagnostics,
        drafts,
    })
}

/// The township a report file is probably for: its name (`pingan.md`), or
/// its folder's when it is named for its year (`pingan/2021.md`). Only the
/// speed of a check depends on the guess.
fn likely_township(path: &Path) -> &OsStr {
    let stem = path.file_stem().unwrap_or_default();
    let bytes = stem.as_encoded_bytes();
    if bytes.len() == 4 && bytes.iter().all(u8::is_ascii_digit) {
        path.parent().and_then(Path::file_name).unwrap_or(stem)
    } else {
        stem
    }
}

/// `files` grouped by [`likely_township`], each group in walk order.
fn groups(files: &[PathBuf]) -> Vec<Vec<usize>> {
    let mut by: HashMap<&OsStr, usize> = HashMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let next = out.len();
        let g = *by.entry(likely_township(path)).or_insert(next);
        if g == next {
            out.push(Vec::new());
        }
        out[g].push(i);
    }
    out
}

/// Read, parse and check one group's files; keep their front matter.
fn read_group(site: &Site, files: &[PathBuf], group: &[usize]) -> Read {
    let mut read = Read::default();
    let mut by_slug: BTreeMap<String, Vec<(usize, Report)>> = BTreeMap::new();
    for &i in group {
        let (report, diags) = load_report(&files[i], site.root, site.registry, site.limit);
        read.diagnostics.extend(diags);
        if let Some(r) = report {
            by_slug.entry(r.meta.slug.clone()).or_default().push((i, r));
        }
    }
    for (slug, reports) in by_slug {
        let (places, reports): (Vec<usize>, Vec<Report>) = reports.into_iter().unzip();
        read.townships.push(Township {
            slug,
            reports: reports.len(),
            diagnostics: township_checks(site, &reports),
        });
        read.fronts
            .extend(places.into_iter().zip(reports.into_iter().map(Front::of)));
    }
    read
}

/// The checks over one township's reports (in walk order), graded.
fn township_checks(site: &Site, reports: &[Report]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // An invalid [check] stopped `sweep` before any file was read.
    let _ = check::township(site.root, site.config, site.registry, reports, &mut diags);
    diags
}

/// The township-wide diagnostics: each group's where it held every report
/// of its township, the rest read again township by township.
fn cross_year(site: &Site, fronts: &[Front], townships: Vec<Township>) -> Vec<Diagnostic> {
    let mut reports_of: HashMap<&str, usize> = HashMap::new();
    for f in fronts {
        *reports_of.entry(f.meta.slug.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut split: HashSet<String> = HashSet::new();
    for t in townships {
        if reports_of.get(t.slug.as_str()) == Some(&t.reports) {
            out.extend(t.diagnostics);
        } else {
            split.insert(t.slug);
        }
    }
    let mut again: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    for f in fronts.iter().filter(|f| split.contains(&f.meta.slug)) {
        again.entry(&f.meta.slug).or_default().push(&f.path);
    }
    let again: Vec<Vec<&Path>> = again.into_values().collect();
    let redone: Vec<Vec<Diagnostic>> = again
        .par_iter()
        .map(|paths| {
            // Their own diagnostics were kept from the first reading.
            let reports: Vec<Report> = paths
                .iter()
                .filter_map(|p| load_report(p, site.root, site.registry, site.limit).0)
                .collect();
            township_checks(site, &reports)
        })
        .collect();
    out.extend(redone.into_iter().flatten());
    out
}
