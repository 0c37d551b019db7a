//! Reading a site township by township.
//!
//! Pass 0 reads every file's front matter only ([`content::front`]): enough
//! to group the files by township and to name every region's URL. Then each
//! township's reports are parsed, checked (`check::site` looks within one
//! township: duplicates per township and year, cross-year rules per
//! township, the rest per report) and handed to the caller, in parallel
//! over townships. A caller that keeps nothing of a report (`check`, and
//! `build`, which renders a township's reports and keeps their summaries)
//! never holds more than the townships in flight.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::check;
use crate::content::{self, Report};
use crate::diag::Diagnostic;
use crate::format::Registry;

use super::regions::{self, RegionSlugs};
use super::{SiteConfig, load_registry, load_report};

/// What reading the site gave besides the townships.
pub struct Read<T> {
    pub config: SiteConfig,
    pub registry: Registry,
    /// Every region's URL name.
    pub regions: RegionSlugs,
    /// Every diagnostic, sorted (severities of `[check]` applied).
    pub diagnostics: Vec<Diagnostic>,
    /// What `each` made of each township, in township order.
    pub townships: Vec<T>,
}

/// What a township's reports are handed to.
pub struct Township<'a> {
    pub root: &'a Path,
    pub config: &'a SiteConfig,
    pub registry: &'a Registry,
    pub regions: &'a RegionSlugs,
}

/// Read, parse and check the site at `root`, township by township; `each`
/// gets every township's reports (in file order) once they are checked.
pub fn townships<T: Send>(
    root: &Path,
    each: &(dyn Fn(&Township, Vec<Report>) -> T + Sync),
) -> Result<Read<T>, Diagnostic> {
    let config = SiteConfig::load(root)?;
    let mut diagnostics = Vec::new();
    let registry = load_registry(root, &mut diagnostics);
    let (files, walk) = content::find_reports(root);
    diagnostics.extend(walk);
    let limit = config.report_limit();
    let pass0 = group(root, &config, &registry, files, limit);
    let (groups, alone, regions, region_diags, duplicates) = pass0;
    diagnostics.extend(duplicates);
    // Files that give no report, and the walk's and formats' problems:
    // `check::site` over no reports applies the site's severities (and
    // stops at an invalid `[check]`, as `site::load` always has).
    for p in alone {
        diagnostics.extend(load_report(&p, root, &registry, limit).1);
    }
    check::site(root, &config, &registry, &[], &mut diagnostics)?;
    let cx = Township {
        root,
        config: &config,
        registry: &registry,
        regions: &regions,
    };
    let done: Vec<(T, Vec<Diagnostic>)> = groups
        .into_par_iter()
        .map(|paths| {
            let mut diags = Vec::new();
            let mut reports = Vec::with_capacity(paths.len());
            for p in paths {
                let (r, d) = load_report(&p, root, &registry, limit);
                diags.extend(d);
                reports.extend(r);
            }
            // An invalid [check] was reported above.
            let _ = check::township(root, &config, &registry, &reports, &mut diags);
            (each(&cx, reports), diags)
        })
        .collect();
    let mut townships = Vec::with_capacity(done.len());
    for (t, d) in done {
        townships.push(t);
        diagnostics.extend(d);
    }
    diagnostics.extend(region_diags);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Ok(Read {
        config,
        registry,
        regions,
        diagnostics,
        townships,
    })
}

type Grouped = (
    Vec<Vec<PathBuf>>,
    Vec<PathBuf>,
    RegionSlugs,
    Vec<Diagnostic>,
    Vec<Diagnostic>,
);

/// Pass 0: the files grouped by township (each group in file order), the
/// files that give no report, the regions' URL names with their problems,
/// and the files that duplicate another (E050).
fn group(
    root: &Path,
    config: &SiteConfig,
    registry: &Registry,
    files: Vec<PathBuf>,
    limit: u64,
) -> Grouped {
    let fronts: Vec<Option<content::Front>> = files
        .par_iter()
        .map(|p| content::front(p, root, registry, limit))
        .collect();
    let named: Vec<&content::Front> = fronts.iter().flatten().collect();
    let (regions, region_diags) = regions::resolve(config, &named);
    // Duplicates look across townships: found here, over every file.
    let duplicates = check::duplicates(&named);
    let mut groups: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    let mut alone = Vec::new();
    for (path, front) in files.iter().zip(&fronts) {
        match front {
            Some(f) => groups
                .entry(f.meta.slug.as_str())
                .or_default()
                .push(path.clone()),
            None => alone.push(path.clone()),
        }
    }
    let groups = groups.into_values().collect();
    (groups, alone, regions, region_diags, duplicates)
}
