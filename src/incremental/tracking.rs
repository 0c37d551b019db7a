//! Change tracking: which report files changed on disk since they were
//! last read, re-reading them, and remembering which townships, years and
//! regions the changes touched (before and after).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::content::{self, Report};
use crate::diag::Diagnostic;
use crate::site;

use super::{Build, Changes};

/// What identifies a version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    ino: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
        ino,
    })
}

/// One report file as last read.
pub(super) struct FileState {
    stamp: Option<Stamp>,
    /// Diagnostics of this file alone (parse and per-report checks).
    pub diags: Vec<Diagnostic>,
    /// The township of the report it parsed into (`None`: it did not, and
    /// its diagnostics belong to no township).
    pub slug: Option<String>,
}

/// The report files as last read, and what walking `content/` found wrong.
#[derive(Default)]
pub(super) struct Files {
    pub by_path: BTreeMap<PathBuf, FileState>,
    pub walk_diags: Vec<Diagnostic>,
}

/// What the changes since the last publish touched.
#[derive(Default)]
pub(super) struct Dirty {
    /// Report files changed.
    pub paths: BTreeSet<PathBuf>,
    /// Their townships (slugs), years and regions (names), old and new.
    pub townships: BTreeSet<String>,
    pub years: BTreeSet<u16>,
    pub regions: BTreeSet<String>,
}

impl Dirty {
    fn touch(&mut self, r: &Report) {
        self.townships.insert(r.meta.slug.clone());
        self.years.insert(r.meta.year);
        self.regions.extend(r.meta.region.clone());
    }
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

impl Build {
    /// Re-read the report files that changed: those named in `touched` (as
    /// the watcher saw them) and any whose stamp differs, plus new and
    /// deleted files found by walking `content/` again.
    pub fn rescan(&mut self, touched: &[PathBuf]) -> Changes {
        let root = self.opts.root.clone();
        let (found, walk_diags) = content::find_reports(&root);
        // The formats' problems were found at load, not by the walk: keep them.
        self.files.walk_diags.retain(|d| d.code == "S010");
        self.files.walk_diags.extend(walk_diags);
        let found: BTreeSet<PathBuf> = found.into_iter().collect();
        let touched: HashSet<&PathBuf> = touched.iter().collect();
        let mut changes = Changes::default();

        let removed: Vec<PathBuf> = self
            .files
            .by_path
            .keys()
            .filter(|p| !found.contains(*p))
            .cloned()
            .collect();
        for p in removed {
            self.forget(&p);
            self.files.by_path.remove(&p);
            changes.removed.push(rel(&root, &p));
        }
        let mut reload = Vec::new();
        for p in &found {
            let st = stamp(p);
            match self.files.by_path.get(p) {
                None => {
                    changes.added.push(rel(&root, p));
                    reload.push((p.clone(), st));
                }
                Some(f) if f.stamp != st || st.is_none() || touched.contains(p) => {
                    changes.changed.push(rel(&root, p));
                    reload.push((p.clone(), st));
                }
                Some(_) => {}
            }
        }
        self.load_files(reload);
        self.pending.merge(changes.clone());
        changes
    }

    /// Re-read just the report files named (the watcher's fast path: no
    /// walk over `content/`). Falls back to [`rescan`](Build::rescan) for
    /// anything that is not a plain file or a deleted one.
    pub fn touch(&mut self, paths: &[PathBuf]) -> Changes {
        let root = self.opts.root.clone();
        let content = root.join("content");
        let plain = paths.iter().all(|p| {
            p.starts_with(&content)
                && match std::fs::symlink_metadata(p) {
                    Ok(m) => m.file_type().is_file(),
                    Err(e) => e.kind() == std::io::ErrorKind::NotFound,
                }
        });
        if !plain {
            return self.rescan(paths);
        }
        let mut changes = Changes::default();
        let mut reload = Vec::new();
        let mut seen = HashSet::new();
        for p in paths {
            if !seen.insert(p) {
                continue;
            }
            let st = stamp(p);
            match (st, self.files.by_path.contains_key(p)) {
                (None, true) => {
                    self.forget(p);
                    self.files.by_path.remove(p);
                    changes.removed.push(rel(&root, p));
                }
                (None, false) => {}
                (Some(_), known) => {
                    if known {
                        changes.changed.push(rel(&root, p));
                    } else {
                        changes.added.push(rel(&root, p));
                    }
                    reload.push((p.clone(), st));
                }
            }
        }
        self.load_files(reload);
        self.pending.merge(changes.clone());
        changes
    }

    /// Read and check `reload` in parallel, replacing what was read before.
    fn load_files(&mut self, reload: Vec<(PathBuf, Option<Stamp>)>) {
        use rayon::prelude::*;
        let root = &self.opts.root;
        let registry = &self.site.registry;
        let limit = self.site.config.report_limit();
        type Loaded = (PathBuf, Option<Stamp>, Option<Report>, Vec<Diagnostic>);
        let loaded: Vec<Loaded> = reload
            .into_par_iter()
            .map(|(p, st)| {
                let (r, d) = site::load_report(&p, root, registry, limit);
                (p, st, r, d)
            })
            .collect();
        let mut added = Vec::new();
        for (p, st, report, diags) in loaded {
            let slug = report.as_ref().map(|r| r.meta.slug.clone());
            match report {
                Some(r) => {
                    if let Err(r) = self.replace(&p, r) {
                        self.forget(&p);
                        self.dirty.touch(&r);
                        added.push(r);
                    }
                }
                None => self.forget(&p),
            }
            self.files.by_path.insert(
                p,
                FileState {
                    stamp: st,
                    diags,
                    slug,
                },
            );
        }
        self.add_reports(added);
    }

    /// Add reports keeping all sorted by township, then path
    /// ([`report_order`]): `refresh_checks` takes a township's reports as
    /// one slice. A save adds a few, inserted in place by binary search
    /// rather than sorting all 50,000 again; a full read sorts once.
    fn add_reports(&mut self, added: Vec<Report>) {
        let reports = &mut self.site.reports;
        let slots = &mut self.shown.slots;
        // Slots stay at their reports' indexes; a report just read has none.
        slots.resize_with(reports.len(), || None);
        if added.len() > 64 {
            let mut both: Vec<_> = std::mem::take(reports)
                .into_iter()
                .zip(std::mem::take(slots))
                .chain(added.into_iter().map(|r| (r, None)))
                .collect();
            both.sort_by(|a, b| report_order(&a.0).cmp(&report_order(&b.0)));
            (*reports, *slots) = both.into_iter().unzip();
            return;
        }
        for r in added {
            let at = reports.partition_point(|x| report_order(x) < report_order(&r));
            reports.insert(at, r);
            slots.insert(at, None);
        }
    }

    /// The index in `site.reports` of the report read from `path`, of
    /// township `slug`: found by halving (they are sorted by township, then
    /// path), else by looking at each. Paths are compared as bytes: they
    /// come from the same walk, and `Path`'s own equality parses components.
    pub(super) fn report_index(&self, path: &Path, slug: &str) -> Option<usize> {
        let reports = &self.site.reports;
        let at = reports.partition_point(|x| report_order(x) < (slug, path));
        match reports.get(at) {
            Some(r) if r.file.path.as_os_str() == path.as_os_str() => Some(at),
            _ => reports
                .iter()
                .position(|r| r.file.path.as_os_str() == path.as_os_str()),
        }
    }

    /// Put `new`, read again from `path`, where the report read from it
    /// before is, when it belongs there (the same township: a save that
    /// changes figures or prose). Removing one of 50,000 reports and
    /// inserting it again moved the 20 MB behind it twice, a tenth of a
    /// save. Called, like `forget`, before the file's state goes.
    fn replace(&mut self, path: &Path, new: Report) -> Result<(), Report> {
        let slug = self.files.by_path.get(path).and_then(|f| f.slug.as_deref());
        if slug != Some(new.meta.slug.as_str()) {
            return Err(new);
        }
        let Some(i) = self.report_index(path, &new.meta.slug) else {
            return Err(new);
        };
        self.dirty.touch(&new);
        let old = std::mem::replace(&mut self.site.reports[i], new);
        self.dirty.touch(&old);
        if let Some(shown) = self.shown.slots.get_mut(i).and_then(Option::take) {
            // As in `forget`: the first read's entry is what was published.
            self.shown
                .departed
                .entry(path.as_os_str().to_os_string())
                .or_insert(shown);
        }
        self.dirty.paths.insert(path.to_path_buf());
        Ok(())
    }

    /// Drop the report read from `path` (called before its file's state
    /// goes: that names its township), remembering its township as dirty
    /// and what it showed when last published.
    fn forget(&mut self, path: &Path) {
        let path_bytes = path.as_os_str();
        let slug = self.files.by_path.get(path).and_then(|f| f.slug.as_deref());
        if let Some(i) = self.report_index(path, slug.unwrap_or_default()) {
            // `remove`, not `swap_remove`: the reports stay sorted.
            let r = self.site.reports.remove(i);
            self.dirty.touch(&r);
            if i < self.shown.slots.len()
                && let Some(shown) = self.shown.slots.remove(i)
            {
                // Read twice before a publish: the first read's entry is
                // what was published.
                self.shown
                    .departed
                    .entry(path_bytes.to_os_string())
                    .or_insert(shown);
            }
        }
        self.dirty.paths.insert(path.to_path_buf());
    }
}

/// The order the reports are kept in: by township, then path.
fn report_order(r: &Report) -> (&str, &std::path::Path) {
    (&r.meta.slug, &r.file.path)
}
