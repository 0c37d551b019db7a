//! Incremental builds, for `build --watch` and `serve`.
//!
//! A [`Build`] keeps what the last build learnt in memory: every report
//! parsed and checked, keyed by its file, the theme, and the pages last
//! published with their bytes. After a save only the files whose stamp
//! (length, modification time, inode) changed are re-read and re-checked;
//! the checks that look across reports run again over all of them (they are
//! cheap); only the changed reports' pages — and those of the other reports
//! of the same township, which may show them — are re-rendered, together
//! with the index pages; every other page reuses its bytes. A change to
//! `site.toml`, a format, a template or a static file reloads everything.
//!
//! Publishing still goes through [`output::publish_since`]: the output folder
//! is swapped in whole, so a broken save never touches it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::content::{self, Report};
use crate::diag::Diagnostic;
use crate::layout::{Key, Output};
use crate::render::Theme;
use crate::site::regions::RegionSlugs;
use crate::site::summary::Summary;
use crate::site::{self, OutFile, Site, SiteConfig};
use crate::{BuildOptions, output};

/// What identifies a version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
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
struct FileState {
    stamp: Option<Stamp>,
    /// Diagnostics of this file alone (parse and per-report checks).
    diags: Vec<Diagnostic>,
    /// Whether it parsed into a report (else its diagnostics belong to no township).
    has_report: bool,
}

/// The files of the last successful render, as published.
#[derive(Default)]
struct Published {
    /// The years in the navigation: when they change every page changes.
    years: Vec<u16>,
    /// Final (minified) bytes by output path: every file of the site.
    pages: HashMap<String, Vec<u8>>,
    /// Whether `pages` were minified (site.toml can change that).
    minify: bool,
    /// Hash of each index page's template variables.
    vars: HashMap<String, u64>,
}

/// What a rebuild changed, for the one-line report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Report files re-read (relative to the root).
    pub changed: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Everything was reloaded (site.toml, formats, templates, static files).
    pub full: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.full && self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
    fn merge(&mut self, other: Changes) {
        self.changed.extend(other.changed);
        self.added.extend(other.added);
        self.removed.extend(other.removed);
        self.full |= other.full;
    }
}

/// What a successful publish did.
#[derive(Debug)]
pub struct Rebuilt {
    pub reports: usize,
    pub pages: usize,
    /// Pages rendered this time (the rest reused their bytes).
    pub rendered: usize,
    pub stats: output::Stats,
    /// Warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// The changes this publish took in.
    pub changes: Changes,
}

/// In-memory state of a site being watched.
pub struct Build {
    opts: BuildOptions,
    out: PathBuf,
    site: Site,
    theme: Theme,
    files: BTreeMap<PathBuf, FileState>,
    walk_diags: Vec<Diagnostic>,
    last: Option<Published>,
    /// Report files changed since the last publish, and the townships
    /// (slugs, old and new) they belong to.
    dirty: BTreeSet<PathBuf>,
    dirty_townships: BTreeSet<String>,
    dirty_years: BTreeSet<u16>,
    /// Regions (by name) of the reports changed, before and after the change.
    dirty_regions: BTreeSet<String>,
    /// `check::site` results per township (severities applied).
    checked: BTreeMap<String, Vec<Diagnostic>>,
    /// Render every page next time.
    full: bool,
    /// The output folder as this process last published it (device, inode):
    /// while it is still there, a rebuild is applied file by file.
    published_dir: Option<(u64, u64)>,
    /// Changes not yet published (a failed build keeps them for the next).
    pending: Changes,
    /// What the index pages and site-wide files show of each report, as
    /// last published, and the region URL names then. A save that changes
    /// none of it (most saves while drafting: prose, or a figure outside
    /// the summary columns) re-renders the report's own files only.
    shown: HashMap<PathBuf, Shown>,
    shown_regions: Option<RegionSlugs>,
}

/// What the pages built from all reports show of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    summary: Summary,
    /// A hash of its row of the year CSV.
    csv_row: u64,
}

impl Shown {
    fn of(r: &Report, regions: &RegionSlugs, labels: &[String]) -> Shown {
        let summary = Summary::of(r, regions, labels);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        site::data::figures_hash(r).hash(&mut h);
        let s = &summary;
        (
            s.year,
            &s.township,
            &s.slug,
            &s.organ,
            &s.region,
            s.published,
            &s.format,
        )
            .hash(&mut h);
        Shown {
            csv_row: h.finish(),
            summary,
        }
    }

    /// Where the report sits in the site: what the sitemap (its pages and
    /// their dates), the data package and the field list (formats by year)
    /// depend on.
    fn place(&self) -> impl PartialEq + '_ {
        let s = &self.summary;
        (
            s.year,
            &s.slug,
            &s.region,
            &s.region_slug,
            s.published,
            &s.format,
        )
    }
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The output path of a report's page.
pub fn report_page(r: &Report) -> String {
    Output::Report {
        year: r.meta.year,
        slug: &r.meta.slug,
    }
    .path()
}

/// The files `site::render_some` leaves out for a report it did not select.
fn report_files(r: &Report) -> [String; 2] {
    let (year, slug) = (r.meta.year, r.meta.slug.as_str());
    [
        Output::Report { year, slug }.path(),
        Output::ReportJson { year, slug }.path(),
    ]
}

fn dir_id(dir: &Path) -> Option<(u64, u64)> {
    let m = std::fs::metadata(dir).ok()?;
    #[cfg(unix)]
    return Some((
        std::os::unix::fs::MetadataExt::dev(&m),
        std::os::unix::fs::MetadataExt::ino(&m),
    ));
    #[cfg(not(unix))]
    return m.is_dir().then_some((0, 0));
}

impl Build {
    /// Read and check the whole site; publish nothing yet.
    pub fn new(opts: BuildOptions) -> Result<Build, Diagnostic> {
        let out = opts.out_dir();
        let out = output::check_out_dir(&opts.root, &out)?;
        let root = opts.root.clone();
        let config = SiteConfig::load(&root)?;
        let mut diagnostics = Vec::new();
        let registry = site::load_registry(&root, &mut diagnostics);
        let mut theme = Theme::load(&root, &config.theme)?;
        // The theme minifies as it renders, as in `crate::build`.
        theme.minify &= config.minify;
        let site = Site {
            root: root.clone(),
            config,
            registry,
            reports: Vec::new(),
            diagnostics: Vec::new(),
        };
        let mut build = Build {
            opts,
            out,
            site,
            theme,
            files: BTreeMap::new(),
            walk_diags: diagnostics,
            last: None,
            dirty: BTreeSet::new(),
            dirty_townships: BTreeSet::new(),
            dirty_years: BTreeSet::new(),
            dirty_regions: BTreeSet::new(),
            checked: BTreeMap::new(),
            full: true,
            published_dir: None,
            pending: Changes {
                full: true,
                ..Changes::default()
            },
            shown: HashMap::new(),
            shown_regions: None,
        };
        build.rescan(&[]);
        build.pending = Changes {
            full: true,
            ..Changes::default()
        };
        Ok(build)
    }

    /// Reload everything (site.toml, formats, theme, every report), keeping
    /// the pages last published so that unchanged ones are not minified again.
    pub fn reload(self) -> Result<Build, (Diagnostic, Option<Build>)> {
        match Build::new(self.opts.clone()) {
            Ok(mut b) => {
                b.last = self.last;
                Ok(b)
            }
            Err(d) => Err((d, Some(self))),
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }
    pub fn out_dir(&self) -> &Path {
        &self.out
    }
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Re-read the report files that changed: those named in `touched` (as
    /// the watcher saw them) and any whose stamp differs, plus new and
    /// deleted files found by walking `content/` again.
    pub fn rescan(&mut self, touched: &[PathBuf]) -> Changes {
        let root = self.opts.root.clone();
        let (found, walk_diags) = content::find_reports(&root);
        let registry_diags: Vec<Diagnostic> = self
            .walk_diags
            .iter()
            .filter(|d| d.code == "S010")
            .cloned()
            .collect();
        self.walk_diags = registry_diags;
        self.walk_diags.extend(walk_diags);
        let found: BTreeSet<PathBuf> = found.into_iter().collect();
        let touched: HashSet<&PathBuf> = touched.iter().collect();
        let mut changes = Changes::default();

        let removed: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| !found.contains(*p))
            .cloned()
            .collect();
        for p in removed {
            self.files.remove(&p);
            self.forget(&p);
            changes.removed.push(rel(&root, &p));
        }
        let mut reload = Vec::new();
        for p in &found {
            let st = stamp(p);
            match self.files.get(p) {
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
            match (st, self.files.contains_key(p)) {
                (None, true) => {
                    self.files.remove(p);
                    self.forget(p);
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
        for (p, st, report, diags) in loaded {
            self.forget(&p);
            let has_report = report.is_some();
            if let Some(r) = report {
                self.dirty_townships.insert(r.meta.slug.clone());
                self.dirty_years.insert(r.meta.year);
                self.dirty_regions.extend(r.meta.region.clone());
                self.site.reports.push(r);
            }
            self.files.insert(
                p,
                FileState {
                    stamp: st,
                    diags,
                    has_report,
                },
            );
        }
        // By township, then path: `refresh_checks` takes a township's reports as one slice.
        self.site
            .reports
            .sort_by(|a, b| (&a.meta.slug, &a.file.path).cmp(&(&b.meta.slug, &b.file.path)));
    }

    /// Drop the report read from `path`, remembering its township as dirty.
    fn forget(&mut self, path: &Path) {
        // Byte comparison: the paths come from the same walk, and `Path`'s
        // own equality parses components.
        let path_bytes = path.as_os_str();
        if let Some(i) = self
            .site
            .reports
            .iter()
            .position(|r| r.file.path.as_os_str() == path_bytes)
        {
            let r = self.site.reports.swap_remove(i);
            self.dirty_townships.insert(r.meta.slug.clone());
            self.dirty_years.insert(r.meta.year);
            self.dirty_regions.extend(r.meta.region.clone());
        }
        self.dirty.insert(path.to_path_buf());
    }

    /// Every diagnostic of the site as it stands, sorted.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let site = &self.site;
        // Diagnostics of no township: the walk's, and those of files that
        // did not parse into a report. Passing no reports applies only the
        // site's severity settings.
        let mut all: Vec<Diagnostic> = self.walk_diags.clone();
        for f in self.files.values().filter(|f| !f.has_report) {
            all.extend(f.diags.iter().cloned());
        }
        if let Err(d) = crate::check::site(&site.root, &site.config, &site.registry, &[], &mut all)
        {
            all.push(d);
        }
        all.extend(site::region_diagnostics(&site.config, &site.reports));
        for diags in self.checked.values() {
            all.extend(diags.iter().cloned());
        }
        all.sort_by_key(Diagnostic::sort_key);
        all
    }

    /// Run `check::site` again for the townships a change touched, the way
    /// `site::load` runs it for the whole site: every check it makes looks
    /// within one township (duplicates are per township and year,
    /// cross-year rules per township, the rest per report), so the others
    /// keep their results. Reports are kept sorted by township, then path,
    /// so a township's reports are one slice.
    fn refresh_checks(&mut self) {
        let mut old = std::mem::take(&mut self.checked);
        let site = &self.site;
        for group in site.reports.chunk_by(|a, b| a.meta.slug == b.meta.slug) {
            let Some(slug) = group.first().map(|r| r.meta.slug.clone()) else {
                continue;
            };
            let cached = if self.dirty_townships.contains(&slug) {
                None
            } else {
                old.remove(&slug)
            };
            let diags = cached.unwrap_or_else(|| {
                let mut diags: Vec<Diagnostic> = group
                    .iter()
                    .filter_map(|r| self.files.get(&r.file.path))
                    .flat_map(|f| f.diags.iter().cloned())
                    .collect();
                // An invalid [check] setting is reported once, by `diagnostics`.
                let _ =
                    crate::check::site(&site.root, &site.config, &site.registry, group, &mut diags);
                diags
            });
            self.checked.insert(slug, diags);
        }
    }

    /// The changes not yet published.
    pub fn pending(&self) -> &Changes {
        &self.pending
    }

    /// Render what changed and publish the site. On any error nothing is
    /// written and every diagnostic is returned; the changes stay pending.
    pub fn publish(&mut self) -> Result<Rebuilt, Vec<Diagnostic>> {
        let t0 = std::time::Instant::now();
        let debug = std::env::var_os("NIANBAO_WATCH_DEBUG").is_some();
        self.refresh_checks();
        let diagnostics = self.diagnostics();
        if debug {
            eprintln!("[publish] diagnostics {:?}", t0.elapsed());
        }
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        let drafts = self.opts.drafts;
        let included: Vec<&Report> = self
            .site
            .reports
            .iter()
            .filter(|r| drafts || !r.meta.draft)
            .collect();
        let years: Vec<u16> = included
            .iter()
            .map(|r| r.meta.year)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .rev()
            .collect();
        // Region URL names: one report's `region_slug` names its region for
        // every report in it, so when a name changes, pages of townships
        // that were not saved change too; render everything (rare: once per
        // region and name).
        let (slugs, _) = site::regions::resolve(&self.site.config, &self.site.reports);
        let labels = self.site.registry.summary_labels();
        let mut full = self.full
            || self.last.as_ref().is_none_or(|l| l.years != years)
            || self.shown_regions.as_ref() != Some(&slugs);
        // A reused page must exist in the last build; if one does not
        // (should not happen), render everything rather than guess.
        if !full && let Some(last) = &self.last {
            full = included.iter().any(|r| {
                !self.is_dirty(r) && report_files(r).iter().any(|p| !last.pages.contains_key(p))
            });
        }
        let selected = |r: &Report| full || self.is_dirty(r);
        // Index pages: a township's page shows only its reports and a year's
        // page only that year's, so those of untouched townships and years
        // keep their bytes; every other page (home, 404, pages this module
        // does not know) is rendered each time.
        let skipped: std::sync::Mutex<Vec<String>> = std::sync::Mutex::default();
        // Region slugs of the changed reports' regions, old and new. A region no
        // report names any more has no page to keep; its old page goes.
        let dirty_region_slugs: BTreeSet<String> = self
            .dirty_regions
            .iter()
            .filter_map(|name| slugs.get(name).map(str::to_string))
            .collect();
        // What the changed reports now show on the pages built from all
        // reports, against what they showed when last published.
        let now_shown: HashMap<&Path, Shown> = self
            .dirty
            .iter()
            .filter_map(|p| {
                let r = included
                    .iter()
                    .find(|r| r.file.path.as_os_str() == p.as_os_str())?;
                Some((p.as_path(), Shown::of(r, &slugs, &labels)))
            })
            .collect();
        let pairs: Vec<(Option<&Shown>, Option<&Shown>)> = self
            .dirty
            .iter()
            .map(|p| (now_shown.get(p.as_path()), self.shown.get(p)))
            .collect();
        // No summary changed: no index page changes.
        let quiet = !full
            && pairs.iter().all(|pair| match pair {
                (Some(now), Some(before)) => now.summary == before.summary,
                (None, None) => true,
                _ => false,
            });
        // No report came, went or moved (year, township, region, date,
        // format): the sitemap, the data package and the field list stay.
        let placed = !full
            && pairs.iter().all(|pair| match pair {
                (Some(now), Some(before)) => now.place() == before.place(),
                (None, None) => true,
                _ => false,
            });
        // The years whose CSV has a changed, new or removed row.
        let csv_changed: BTreeSet<u16> = pairs
            .iter()
            .filter(|(now, before)| now.map(|s| s.csv_row) != before.map(|s| s.csv_row))
            .flat_map(|(now, before)| [now, before].into_iter().flatten().map(|s| s.summary.year))
            .collect();
        let mut changed: HashSet<Key> = HashSet::new();
        changed.extend(csv_changed.iter().map(|&y| Key::YearFigures(y)));
        if !quiet {
            changed.insert(Key::Summaries);
            changed.extend(
                self.dirty_townships
                    .iter()
                    .map(|s| Key::TownshipSummary(s.clone())),
            );
            changed.extend(self.dirty_years.iter().map(|&y| Key::YearSummary(y)));
            // A region page sums its townships: rendered when a changed
            // report was, or now is, in it.
            changed.extend(
                dirty_region_slugs
                    .iter()
                    .map(|s| Key::RegionSummary(s.clone())),
            );
        }
        if !placed {
            changed.insert(Key::Placement);
        }
        let index = |out: &Output| {
            let keep = !full && !out.depends_on().iter().any(|k| changed.contains(k));
            if keep && let Ok(mut s) = skipped.lock() {
                s.push(out.path());
            }
            !keep
        };
        if debug {
            eprintln!("[publish] before render {:?}", t0.elapsed());
        }
        // An index page whose template variables hash as they did last time
        // keeps its bytes (a figure's change shows on its year's page, but
        // not on the home page when that shows another year).
        let vars_seen: std::sync::Mutex<Vec<(String, u64)>> = std::sync::Mutex::default();
        let page = |out: &Output, hash: u64| {
            let path = out.path();
            let path = path.as_str();
            if let Ok(mut v) = vars_seen.lock() {
                v.push((path.to_string(), hash));
            }
            let same = !full
                && self
                    .last
                    .as_ref()
                    .is_some_and(|l| l.vars.get(path) == Some(&hash) && l.pages.contains_key(path));
            if same && let Ok(mut s) = skipped.lock() {
                s.push(path.to_string());
            }
            !same
        };
        let select = site::Select {
            report: &selected,
            file: &index,
            page: &page,
        };
        let fresh = site::render_some(&self.site, &self.theme, drafts, select)?;
        if debug {
            eprintln!("[publish] rendered {:?}", t0.elapsed());
        }
        let skipped = skipped.into_inner().unwrap_or_default();
        let mut last = self.last.take().unwrap_or_default();
        let mut vars = std::mem::take(&mut last.vars);
        vars.extend(vars_seen.into_inner().unwrap_or_default());
        let minify = self.site.config.minify;
        if last.minify != minify {
            // Every page's bytes change; none is "the same as before".
            last.pages.clear();
        }
        // Fresh files whose bytes are what was published already.
        let same: HashSet<String> = fresh
            .iter()
            .filter(|f| last.pages.get(&f.path).is_some_and(|b| *b == f.bytes))
            .map(|f| f.path.clone())
            .collect();
        let fresh_paths: HashSet<&str> = fresh.iter().map(|f| f.path.as_str()).collect();
        // Every file the site has now but the fresh ones, with its last bytes.
        let mut pages: HashMap<String, Vec<u8>>;
        let removed: Vec<String>;
        let all_known = |last: &Published| {
            fresh
                .iter()
                .map(|f| &f.path)
                .chain(&skipped)
                .all(|p| last.pages.contains_key(p))
        };
        if !full && placed {
            // No report came, went or moved: the same files as last time.
            if !all_known(&last) {
                // Not as expected (should not happen): render everything.
                self.full = true;
                return self.publish();
            }
            pages = std::mem::take(&mut last.pages);
            removed = Vec::new();
        } else {
            pages = HashMap::with_capacity(last.pages.len());
            let unselected = included
                .iter()
                .filter(|r| !full && !self.is_dirty(r))
                .flat_map(|r| report_files(r));
            for path in skipped.iter().cloned().chain(unselected) {
                match last.pages.remove(&path) {
                    Some(bytes) => {
                        pages.insert(path, bytes);
                    }
                    None if skipped.contains(&path) => {
                        // Not in the last build (should not happen): render everything.
                        self.full = true;
                        return self.publish();
                    }
                    None => {}
                }
            }
            // What is left of the last build and not rendered again is gone.
            removed = last
                .pages
                .into_keys()
                .filter(|p| !fresh_paths.contains(p.as_str()))
                .collect();
        }
        let rendered_count = fresh.len();
        let in_place =
            !full && self.published_dir.is_some() && self.published_dir == dir_id(&self.out);
        if debug {
            eprintln!("[publish] before write {:?}", t0.elapsed());
        }
        let result = if in_place {
            let changed: Vec<&OutFile> = fresh.iter().filter(|f| !same.contains(&f.path)).collect();
            let r = output::update_in_place(&self.out, &changed, &removed);
            for f in fresh {
                pages.insert(f.path, f.bytes);
            }
            r.map(|s| output::Stats {
                written: s.written,
                unchanged: pages.len() - s.written,
                debris_removed: 0,
            })
        } else {
            // A whole new folder: every file, those known to be unchanged
            // hard-linked without being read again.
            let changed: HashSet<String> = fresh
                .iter()
                .filter(|f| !same.contains(&f.path))
                .map(|f| f.path.clone())
                .collect();
            let mut all: Vec<OutFile> = pages
                .drain()
                .map(|(path, bytes)| OutFile { path, bytes })
                .chain(fresh)
                .collect();
            all.sort_by(|a, b| a.path.cmp(&b.path));
            let unchanged = |f: &OutFile| !changed.contains(&f.path);
            let r = output::publish_since(&self.out, &all, &unchanged, true);
            pages.extend(all.into_iter().map(|f| (f.path, f.bytes)));
            r
        };
        // A failed write leaves the folder unlike the pages kept here: the
        // next publish swaps in a whole new folder.
        if debug {
            eprintln!("[publish] written {:?}", t0.elapsed());
        }
        self.published_dir = if result.is_ok() {
            dir_id(&self.out)
        } else {
            None
        };
        let page_count = pages.keys().filter(|p| p.ends_with(".html")).count();
        // Whatever happened on disk, these are valid renders of the current state.
        self.last = Some(Published {
            years,
            pages,
            minify,
            vars,
        });
        let stats = result.map_err(|d| vec![d])?;
        if full {
            self.shown = included
                .iter()
                .map(|r| (r.file.path.clone(), Shown::of(r, &slugs, &labels)))
                .collect();
        } else {
            for p in &self.dirty {
                self.shown.remove(p);
            }
            self.shown
                .extend(now_shown.into_iter().map(|(p, s)| (p.to_path_buf(), s)));
        }
        self.shown_regions = Some(slugs);
        self.dirty.clear();
        self.dirty_townships.clear();
        self.dirty_years.clear();
        self.dirty_regions.clear();
        self.full = false;
        let changes = std::mem::take(&mut self.pending);
        let reports = self
            .site
            .reports
            .iter()
            .filter(|r| drafts || !r.meta.draft)
            .count();
        Ok(Rebuilt {
            reports,
            pages: page_count,
            rendered: rendered_count,
            stats,
            diagnostics,
            changes,
        })
    }

    /// Whether `r`'s pages are rendered again: it, or another report of its
    /// township, changed. (A changed file's township, old and new, is always
    /// among `dirty_townships`, so the slug decides; comparing paths for
    /// every report of a large site cost milliseconds per save.)
    fn is_dirty(&self, r: &Report) -> bool {
        self.dirty_townships.contains(&r.meta.slug)
    }
}
