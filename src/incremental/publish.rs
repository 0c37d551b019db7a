//! The publisher: render what the plan asks for, take every other file's
//! bytes from the last publish, and write — in place when the output folder
//! is still the one this process published, else as a whole new folder
//! swapped in (unchanged files hard-linked), so a broken save never
//! touches what readers see.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use crate::content::Report;
use crate::diag::Diagnostic;
use crate::layout::Output;
use crate::output;
use crate::site::regions::RegionSlugs;
use crate::site::summary::Columns;
use crate::site::{self, OutFile};

use super::plan::{Changed, Plan, Shown};
use super::{Build, Rebuilt, ShownByFile};

/// What the reports show now, as a render made it.
enum NowShown {
    /// Every report's, at its index in `site.reports` (a full render).
    All(Vec<Option<Shown>>),
    /// The changed reports', by path.
    Changed(ShownByFile),
}

impl NowShown {
    fn get(&self, path: &std::ffi::OsStr) -> Option<&Shown> {
        match self {
            NowShown::All(_) => None,
            NowShown::Changed(by_path) => by_path.get(path),
        }
    }
}

/// The files of the last successful render, as published.
#[derive(Default)]
pub(super) struct Published {
    /// The years in the navigation: when they change every page changes.
    years: Vec<u16>,
    /// Final (minified) bytes by output path: every file of the site.
    pages: Pages,
    /// Whether `pages` were minified (site.toml can change that).
    minify: bool,
    /// Hash of each index page's template variables.
    vars: HashMap<String, u64>,
}

/// What one render produced, before it is merged with the last publish.
struct Fresh {
    plan: Plan,
    /// The files rendered, sorted by path.
    files: Vec<OutFile>,
    /// Files the plan kept: their last bytes stand.
    kept: Vec<String>,
    /// The report files not rendered (their township did not change).
    unselected: Vec<String>,
    /// Index pages' variable hashes seen this time.
    vars: Vec<(String, u64)>,
    years: Vec<u16>,
    slugs: RegionSlugs,
    /// What the changed reports (or all) show now.
    now_shown: NowShown,
}

/// A file the plan meant to reuse is not in the last publish (should not
/// happen): render everything instead of guessing.
struct RenderAll;

/// Every file of the site after this render, and the paths that are gone.
struct Merged {
    /// The files not rendered this time, with their last bytes.
    pages: Pages,
    removed: Vec<String>,
    /// Fresh files whose bytes are what was published already.
    same: HashSet<String>,
}

/// The published files by output path. A save looks up every report's
/// files in it (some 100,000 at 50,000 reports): FxHash, not SipHash.
type Pages = rustc_hash::FxHashMap<String, Vec<u8>>;

fn report_files(r: &Report) -> [String; 2] {
    let (year, slug) = (r.meta.year, r.meta.slug.as_str());
    [
        Output::Report { year, slug }.path(),
        Output::ReportJson { year, slug }.path(),
    ]
}

/// The output folder's identity (device, inode).
pub(super) fn dir_id(dir: &Path) -> Option<(u64, u64)> {
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
    /// Render what changed and publish the site. On any error nothing is
    /// written and every diagnostic is returned; the changes stay pending.
    pub fn publish(&mut self) -> Result<Rebuilt, Vec<Diagnostic>> {
        self.refresh_checks();
        let diagnostics = self.diagnostics();
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        let mut fresh = self.render(self.full)?;
        let merged = match self.merge(&mut fresh) {
            Ok(m) => m,
            Err(RenderAll) => {
                fresh = self.render(true)?;
                self.merge(&mut fresh).unwrap_or_else(|RenderAll| Merged {
                    // A full render reuses nothing, so it cannot miss a file.
                    pages: Pages::default(),
                    removed: Vec::new(),
                    same: HashSet::new(),
                })
            }
        };
        self.write(fresh, merged, diagnostics)
    }

    /// Render the files the plan (or `full`) asks for.
    fn render(&self, full: bool) -> Result<Fresh, Vec<Diagnostic>> {
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
        let columns = Columns::of(&self.site.registry);
        let (slugs, _) = site::regions::resolve(&self.site.config, &self.site.reports);
        // Region URL names: one report's `region_slug` names its region for
        // every report in it, so when a name changes, pages of townships
        // that were not saved change too; render everything (rare: once per
        // region and name).
        let full = full
            || self.last.as_ref().is_none_or(|l| l.years != years)
            || self.shown.regions.as_ref() != Some(&slugs);
        // A report not rendered again keeps its files from the last publish,
        // so they must be there: every render puts each report's files in
        // it, and a report only changes through tracking, which marks its
        // township dirty. Looking that up for every report was a third of a
        // save at 50,000 reports, so the tests (debug builds) assert it.
        debug_assert!(full || self.reused_files_published(&included));
        let now_shown = self.shown_now(full, &slugs, &columns);
        let plan = if full {
            Plan::everything()
        } else {
            Plan::of(&Changed {
                townships: &self.dirty.townships,
                years: &self.dirty.years,
                region_slugs: self
                    .dirty
                    .regions
                    .iter()
                    .filter_map(|name| slugs.get(name).map(str::to_string))
                    .collect(),
                shown: self
                    .dirty
                    .paths
                    .iter()
                    .map(|p| {
                        let p = p.as_os_str();
                        (now_shown.get(p), self.shown.departed.get(p))
                    })
                    .collect(),
                newest: years.first().copied(),
            })
        };
        let known = Known::lent(&self.site.reports, &now_shown, &self.shown.slots);
        let (files, kept, vars) = self.render_planned(&plan, &known, &slugs)?;
        // Only a publish with other files than last time lists the rest.
        let unselected = if plan.same_files() {
            Vec::new()
        } else {
            included
                .iter()
                .filter(|r| !plan.wants(&report_output(r)))
                .flat_map(|r| report_files(r))
                .collect()
        };
        Ok(Fresh {
            plan,
            files,
            kept,
            unselected,
            vars,
            years,
            slugs,
            now_shown,
        })
    }

    /// What the changed reports show now; for a full render, every
    /// report (remembered as published, and lent to the render).
    fn shown_now(&self, full: bool, slugs: &RegionSlugs, columns: &Columns) -> NowShown {
        let drafts = self.opts.drafts;
        if full {
            return NowShown::All(shown_of_all(&self.site.reports, drafts, slugs, columns));
        }
        let changed = self
            .dirty
            .paths
            .iter()
            .filter_map(|p| {
                // Found by its township, not by reading every report's path.
                let slug = self.files.by_path.get(p)?.slug.as_deref()?;
                let r = self.site.reports.get(self.report_index(p, slug)?)?;
                (drafts || !r.meta.draft)
                    .then(|| (p.clone().into_os_string(), Shown::of(r, slugs, columns)))
            })
            .collect();
        NowShown::Changed(changed)
    }

    /// Whether the files of every report whose township is not dirty are
    /// in the last publish (see `render`).
    fn reused_files_published(&self, included: &[&Report]) -> bool {
        self.last.as_ref().is_some_and(|last| {
            included.iter().all(|r| {
                self.dirty.townships.contains(&r.meta.slug)
                    || report_files(r).iter().all(|p| last.pages.contains_key(p))
            })
        })
    }

    /// Render through `site::render_some` what `plan` wants; an index page
    /// whose template variables hash as they did last time keeps its bytes
    /// (a figure's change shows on its year's page, but not on the home
    /// page when that shows another year).
    #[allow(clippy::type_complexity)]
    fn render_planned(
        &self,
        plan: &Plan,
        kept_summaries: &dyn site::backend::Keeps,
        slugs: &RegionSlugs,
    ) -> Result<(Vec<OutFile>, Vec<String>, Vec<(String, u64)>), Vec<Diagnostic>> {
        let kept: Mutex<Vec<String>> = Mutex::default();
        let vars_seen: Mutex<Vec<(String, u64)>> = Mutex::default();
        let keep = |path: String| kept.lock().unwrap_or_else(|e| e.into_inner()).push(path);
        let report = |r: &Report| plan.wants(&report_output(r));
        let file = |out: &Output| {
            let wanted = plan.wants(out);
            if !wanted {
                keep(out.path());
            }
            wanted
        };
        let page = |out: &Output, hash: u64| {
            let path = out.path();
            let same = !plan.full
                && self.last.as_ref().is_some_and(|l| {
                    l.vars.get(&path) == Some(&hash) && l.pages.contains_key(&path)
                });
            vars_seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((path.clone(), hash));
            if same {
                keep(path);
            }
            !same
        };
        let listed = plan.listed();
        let select = site::Select {
            report: &report,
            file: &file,
            page: &page,
            site_wide: !plan.reports_only(),
            kept: kept_summaries,
            listed: listed.as_ref(),
            regions: Some(slugs),
            // Kept so by `tracking` (`checks` asserts it).
            in_township_order: true,
        };
        let files = site::render_some(&self.site, &self.theme, self.opts.drafts, select)?;
        let kept = kept.into_inner().unwrap_or_else(|e| e.into_inner());
        let vars = vars_seen.into_inner().unwrap_or_else(|e| e.into_inner());
        Ok((files, kept, vars))
    }

    /// Every file the site has now: the fresh ones, and those kept or not
    /// selected with their last bytes.
    fn merge(&mut self, fresh: &mut Fresh) -> Result<Merged, RenderAll> {
        let mut last = self.last.take().unwrap_or_default();
        if last.minify != self.site.config.minify {
            // Every page's bytes change; none is "the same as before".
            last.pages.clear();
        }
        let result = merge_with(&mut last, fresh);
        self.last = Some(last);
        result
    }
}

impl Build {
    /// Write the merged site and remember it as published.
    fn write(
        &mut self,
        fresh: Fresh,
        merged: Merged,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<Rebuilt, Vec<Diagnostic>> {
        let Merged {
            mut pages,
            removed,
            same,
        } = merged;
        let rendered = fresh.files.len();
        let full = fresh.plan.full;
        let in_place =
            !full && self.published_dir.is_some() && self.published_dir == dir_id(&self.out);
        let result = if in_place {
            let changed: Vec<&OutFile> = fresh
                .files
                .iter()
                .filter(|f| !same.contains(&f.path))
                .collect();
            let r = output::update_in_place(&self.out, &changed, &removed);
            pages.extend(fresh.files.into_iter().map(|f| (f.path, f.bytes)));
            r.map(|s| output::Stats {
                written: s.written,
                unchanged: pages.len() - s.written,
                debris_removed: 0,
            })
        } else {
            // A whole new folder: every file, those known to be unchanged
            // hard-linked without being read again.
            let changed: HashSet<String> = fresh
                .files
                .iter()
                .filter(|f| !same.contains(&f.path))
                .map(|f| f.path.clone())
                .collect();
            let mut all: Vec<OutFile> = pages
                .drain()
                .map(|(path, bytes)| OutFile { path, bytes })
                .chain(fresh.files)
                .collect();
            all.sort_by(|a, b| a.path.cmp(&b.path));
            let unchanged = |f: &OutFile| !changed.contains(&f.path);
            let r = output::publish_since(&self.out, &all, &unchanged, true);
            pages.extend(all.into_iter().map(|f| (f.path, f.bytes)));
            r
        };
        // A failed write leaves the folder unlike the pages kept here: the
        // next publish swaps in a whole new folder.
        self.published_dir = if result.is_ok() {
            dir_id(&self.out)
        } else {
            None
        };
        let page_count = pages.keys().filter(|p| p.ends_with(".html")).count();
        // Whatever happened on disk, these are valid renders of the current state.
        let mut vars = self.last.take().map(|l| l.vars).unwrap_or_default();
        vars.extend(fresh.vars);
        self.last = Some(Published {
            years: fresh.years,
            pages,
            minify: self.site.config.minify,
            vars,
        });
        let stats = result.map_err(|d| vec![d])?;
        self.remember_shown(fresh.now_shown, fresh.slugs);
        let changes = std::mem::take(&mut self.pending);
        let drafts = self.opts.drafts;
        Ok(Rebuilt {
            reports: self
                .site
                .reports
                .iter()
                .filter(|r| drafts || !r.meta.draft)
                .count(),
            pages: page_count,
            rendered,
            stats,
            diagnostics,
            changes,
        })
    }

    /// What the reports show as now published; the changes are taken in.
    fn remember_shown(&mut self, now_shown: NowShown, slugs: RegionSlugs) {
        match now_shown {
            // Every report's, made by `render` for the reports as they are.
            NowShown::All(slots) => self.shown.slots = slots,
            NowShown::Changed(by_path) => {
                for (path, shown) in by_path {
                    let path = std::path::Path::new(&path);
                    let at = self
                        .files
                        .by_path
                        .get(path)
                        .and_then(|f| self.report_index(path, f.slug.as_deref()?));
                    if let Some(slot) = at.and_then(|i| self.shown.slots.get_mut(i)) {
                        *slot = Some(shown);
                    }
                }
            }
        }
        self.shown.departed.clear();
        self.shown.regions = Some(slugs);
        self.dirty = Default::default();
        self.full = false;
    }
}

/// The summaries a render reads rather than makes: what each report showed
/// when last published (still true of it: a report changes only through
/// tracking, which takes its entry away, and a change of region URL names
/// renders all), and what the changed reports show now. In a full render
/// every report's, just made.
struct Known<'a> {
    /// The site's reports, which `slots` follow.
    reports: &'a [Report],
    slots: &'a [Option<Shown>],
    /// The changed reports', by path.
    now: Option<&'a ShownByFile>,
}

impl<'a> Known<'a> {
    fn lent(reports: &'a [Report], now: &'a NowShown, published: &'a [Option<Shown>]) -> Known<'a> {
        match now {
            NowShown::All(slots) => Known {
                reports,
                slots,
                now: None,
            },
            NowShown::Changed(by_path) => Known {
                reports,
                slots: published,
                now: Some(by_path),
            },
        }
    }
}

impl site::backend::Keeps for Known<'_> {
    /// Asked for every report on a save (50,000 at province scale): the
    /// report's own slot, found from where it lies in `reports`, without
    /// reading the report; the small map only for a report without one.
    fn kept(&self, r: &Report) -> Option<&crate::site::summary::Summary> {
        let slot = index_in(self.reports, r)
            .and_then(|i| self.slots.get(i))
            .and_then(Option::as_ref);
        match slot {
            Some(shown) => Some(&shown.summary),
            None => self.now?.get(r.file.path.as_os_str()).map(|s| &s.summary),
        }
    }
}

/// The index of `item` in `slice` when it is one of the slice's elements
/// (by address: the renderer is handed references into the site's reports).
fn index_in<T>(slice: &[T], item: &T) -> Option<usize> {
    let size = std::mem::size_of::<T>().max(1);
    let offset = (item as *const T as usize).checked_sub(slice.as_ptr() as usize)?;
    let i = offset / size;
    (offset % size == 0 && i < slice.len()).then_some(i)
}

/// What every report shows (`None` for a draft left out), at its index,
/// made in parallel.
fn shown_of_all(
    reports: &[Report],
    drafts: bool,
    slugs: &RegionSlugs,
    columns: &Columns,
) -> Vec<Option<Shown>> {
    use rayon::prelude::*;
    reports
        .par_iter()
        .map(|r| (drafts || !r.meta.draft).then(|| Shown::of(r, slugs, columns)))
        .collect()
}

fn report_output(r: &Report) -> Output<'_> {
    Output::Report {
        year: r.meta.year,
        slug: &r.meta.slug,
    }
}

/// [`Build::merge`] over the last publish `last` (whose pages it takes).
fn merge_with(last: &mut Published, fresh: &Fresh) -> Result<Merged, RenderAll> {
    let same: HashSet<String> = fresh
        .files
        .iter()
        .filter(|f| last.pages.get(&f.path).is_some_and(|b| *b == f.bytes))
        .map(|f| f.path.clone())
        .collect();
    let kept_known = fresh
        .files
        .iter()
        .map(|f| &f.path)
        .chain(&fresh.kept)
        .all(|p| last.pages.contains_key(p));
    if fresh.plan.same_files() {
        // No report came, went or moved: the same files as last time.
        if !kept_known {
            return Err(RenderAll);
        }
        return Ok(Merged {
            pages: std::mem::take(&mut last.pages),
            removed: Vec::new(),
            same,
        });
    }
    let mut pages = Pages::with_capacity_and_hasher(last.pages.len(), Default::default());
    for path in fresh.kept.iter().chain(&fresh.unselected) {
        match last.pages.remove(path) {
            Some(bytes) => {
                pages.insert(path.clone(), bytes);
            }
            None if fresh.kept.contains(path) => return Err(RenderAll),
            None => {}
        }
    }
    // What is left of the last build and not rendered again is gone.
    let fresh_paths: HashSet<&str> = fresh.files.iter().map(|f| f.path.as_str()).collect();
    let removed = std::mem::take(&mut last.pages)
        .into_keys()
        .filter(|p| !fresh_paths.contains(p.as_str()))
        .collect();
    Ok(Merged {
        pages,
        removed,
        same,
    })
}
