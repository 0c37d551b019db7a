//! Running the backends: every report's files, then the index pages, open
//! data, feeds and static files, rendered in parallel into a [`Sink`] (the
//! staged output folder, or memory for the watcher), the parts [`Select`]
//! picks.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicUsize};

use rayon::prelude::*;

use crate::content::Report;
use crate::diag::Diagnostic;
use crate::render::Theme;

use super::backend::{All, Backend, Cx, Entry, FigureSource, Held, Job, Put, Select, Statics};
use super::data::OpenData;
use super::feeds::Feeds;
use super::pages::HtmlPages;
use super::summary::{Columns, Summary};
use super::{OutFile, PageCtx, Site, regions};
use crate::layout::Output;

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
        // A panic elsewhere while holding the lock leaves the files pushed
        // so far intact: keep collecting rather than drop this one.
        self.lock().unwrap_or_else(|e| e.into_inner()).push(file);
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

/// Render every page of the site into memory, sorted by path. `drafts`:
/// include reports marked draft.
pub fn render(site: &Site, theme: &Theme, drafts: bool) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    render_some(site, theme, drafts, Select::ALL)
}

/// [`render_into`], into memory, sorted by path.
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

/// Render the files of the site that `select` picks into `sink`, from the
/// reports in memory (the watcher's). On any error every diagnostic is
/// returned; what the sink got by then is incomplete.
pub fn render_into(
    site: &Site,
    theme: &Theme,
    drafts: bool,
    select: Select,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    let reports: Vec<&Report> = site
        .reports
        .iter()
        .filter(|r| drafts || !r.meta.draft)
        .collect();
    let years: BTreeSet<u16> = reports.iter().map(|r| r.meta.year).collect();
    // Region slugs were checked (and their problems reported) by `load`.
    let resolved;
    let regions = match select.regions {
        Some(slugs) => slugs,
        None => {
            resolved = regions::resolve(&site.config, &site.reports).0;
            &resolved
        }
    };
    let renderer = Renderer::new(
        Cx {
            config: &site.config,
            registry: &site.registry,
            regions,
            theme,
            pages: PageCtx::new(&site.config, years.into_iter().rev().collect()),
            select,
            columns: Columns::of(&site.registry),
        },
        sink,
    );
    if !select.site_wide {
        // Only these reports' own files: no summaries of the others.
        let picked: Vec<&Report> = reports.into_iter().filter(|r| (select.report)(r)).collect();
        renderer.reports(&picked, true, &FigureSource::Report)?;
        return renderer.done();
    }
    // The reports stay in memory: the year CSVs read them.
    let entries = renderer.reports(&reports, true, &FigureSource::Report)?;
    renderer.finish(entries)
}

/// Renders a site through the backends: each report's files as the reports
/// come ([`Renderer::reports`], township by township when the site is read
/// that way), then the files made from all of them ([`Renderer::finish`]).
pub struct Renderer<'a> {
    cx: Cx<'a>,
    open_data: OpenData,
    count: Counter,
    sink: &'a dyn Sink,
}

impl<'a> Renderer<'a> {
    pub fn new(cx: Cx<'a>, sink: &'a dyn Sink) -> Renderer<'a> {
        Renderer {
            open_data: OpenData::new(cx.registry),
            cx,
            count: Counter::default(),
            sink,
        }
    }

    fn backends(&self) -> [&dyn Backend; 4] {
        [&HtmlPages, &self.open_data, &Feeds, &Statics]
    }

    /// Every backend's files of the `reports` [`Select::report`] picks
    /// (written as they are made), and what the site-wide files keep of
    /// every report. `parallel`: over the reports (else one by one, when
    /// townships are already rendered side by side). `figures`: where the
    /// site-wide files will read a report's figures from.
    pub fn reports<'r, 'e>(
        &self,
        reports: &[&'r Report],
        parallel: bool,
        figures: &(dyn Fn(&'r Report) -> FigureSource<'e> + Sync),
    ) -> Result<Vec<Entry<'e>>, Vec<Diagnostic>>
    where
        'a: 'e,
    {
        let one = |r: &&'r Report| self.report(r, figures);
        let passes: Vec<(Entry<'e>, Vec<Diagnostic>)> = if parallel {
            reports.par_iter().map(one).collect()
        } else {
            reports.iter().map(one).collect()
        };
        let mut errors = Vec::new();
        let mut entries = Vec::with_capacity(passes.len());
        for (entry, e) in passes {
            errors.extend(e);
            entries.push(entry);
        }
        if !errors.is_empty() || self.count.failed() {
            return Err(self.stop(errors));
        }
        Ok(entries)
    }

    fn report<'r, 'e>(
        &self,
        r: &'r Report,
        figures: &(dyn Fn(&'r Report) -> FigureSource<'e> + Sync),
    ) -> (Entry<'e>, Vec<Diagnostic>)
    where
        'a: 'e,
    {
        let cx = &self.cx;
        let summary = match cx.select.kept.kept(r) {
            Some(k) => Held::Kept(k),
            None => Held::Made(Box::new(Summary::of(r, cx.regions, &cx.columns))),
        };
        let mut errors = Vec::new();
        if (cx.select.report)(r) {
            let put = |f: OutFile| self.count.put(self.sink, f);
            for b in self.backends() {
                if self.count.failed() {
                    break;
                }
                if let Err(d) = b.report(cx, r, &summary, &put) {
                    errors.push(d);
                }
            }
        }
        let entry = Entry {
            year: r.meta.year,
            summary,
            format: r.format.clone(),
            figures: figures(r),
        };
        (entry, errors)
    }

    /// The files made from all reports' `entries`: index pages, open data,
    /// feeds, static files.
    pub fn finish(self, entries: Vec<Entry>) -> Result<Rendered, Vec<Diagnostic>> {
        let cx = &self.cx;
        let entries = by_year_and_slug(entries, cx.select.in_township_order);
        let summaries: Vec<&Summary> = entries.iter().map(|e| &*e.summary).collect();
        let list_html = || {
            let mut html: Vec<Output> = summaries.iter().map(|s| s.output()).collect();
            for b in self.backends() {
                html.extend(b.pages(cx, &summaries));
            }
            html
        };
        let all = All::new(&entries, &summaries, &list_html);
        let backends = self.backends();
        let mut jobs: Vec<Job> = backends.iter().flat_map(|b| b.jobs(cx, &all)).collect();
        // Stable: jobs of one size keep their order.
        jobs.sort_by_key(|j| j.size);
        let put = |f: OutFile| self.count.put(self.sink, f);
        let errors = run_jobs(&jobs, &self.count, &put);
        if !errors.is_empty() || self.count.failed() {
            return Err(self.stop(errors));
        }
        drop(jobs);
        match self.count.write_error() {
            Some(d) => Err(vec![d]),
            None => Ok(self.count.into_inner()),
        }
    }

    /// What was rendered, without the site-wide files.
    pub fn done(self) -> Result<Rendered, Vec<Diagnostic>> {
        match self.count.write_error() {
            Some(d) => Err(vec![d]),
            None => Ok(self.count.into_inner()),
        }
    }

    /// A failed write (a full disk, say) stops the rest: one message, not
    /// one per file.
    fn stop(&self, errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.count.write_error().into_iter().chain(errors).collect()
    }
}

/// `entries` by year, then slug. They come township by township, in slug
/// order (the watcher's reports, a build's townships), so each year's
/// entries, taken in the order they come, are usually in slug order
/// already, which the sort finds in one pass (a full sort by year and
/// slug of 50,000 compared some 800,000 pairs of slugs). With
/// `in_township_order` (the watcher's promise), not even that pass.
fn by_year_and_slug(entries: Vec<Entry>, in_township_order: bool) -> Vec<Entry> {
    let n = entries.len();
    let mut sizes: BTreeMap<u16, usize> = BTreeMap::new();
    for e in &entries {
        *sizes.entry(e.year).or_default() += 1;
    }
    let mut years: BTreeMap<u16, Vec<Entry>> = sizes
        .into_iter()
        .map(|(year, size)| (year, Vec::with_capacity(size)))
        .collect();
    for e in entries {
        years.entry(e.year).or_default().push(e);
    }
    let mut out = Vec::with_capacity(n);
    for (_, mut year) in years {
        if in_township_order {
            debug_assert!(year.is_sorted_by(|a, b| a.summary.slug <= b.summary.slug));
        } else {
            // Stable, as a sort by year and slug would be.
            year.sort_by(|a, b| a.summary.slug.cmp(&b.summary.slug));
        }
        out.append(&mut year);
    }
    out
}

/// Run `jobs` on every thread, each taking the next from one queue (rayon's
/// halving of a list can leave two large jobs to one thread while the
/// other waits). Stops early after a write error.
fn run_jobs(jobs: &[Job], count: &Counter, put: &Put) -> Vec<Diagnostic> {
    let next = AtomicUsize::new(0);
    let errors: Mutex<Vec<Diagnostic>> = Mutex::default();
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads() {
            scope.spawn(|_| {
                while let Some(job) = jobs.get(next.fetch_add(1, Relaxed)) {
                    if count.failed() {
                        break;
                    }
                    if let Err(d) = (job.run)(put) {
                        errors.lock().unwrap_or_else(|e| e.into_inner()).push(d);
                    }
                }
            });
        }
    });
    errors.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Counts what goes into a sink, and keeps the first write error (after
/// which nothing more is written).
#[derive(Default)]
struct Counter {
    files: AtomicUsize,
    pages: AtomicUsize,
    failed: AtomicBool,
    first_error: Mutex<Option<Diagnostic>>,
}

impl Counter {
    fn put(&self, sink: &dyn Sink, f: OutFile) {
        if self.failed() {
            return;
        }
        self.files.fetch_add(1, Relaxed);
        if f.path.ends_with(".html") {
            self.pages.fetch_add(1, Relaxed);
        }
        if let Err(d) = sink.put(f) {
            self.failed.store(true, Relaxed);
            self.first_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(d);
        }
    }
    fn failed(&self) -> bool {
        self.failed.load(Relaxed)
    }
    fn write_error(&self) -> Option<Diagnostic> {
        self.first_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
    fn into_inner(self) -> Rendered {
        Rendered {
            files: self.files.into_inner(),
            pages: self.pages.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Msg;
    use std::path::Path;

    /// A sink on a full disk: every write fails.
    struct Full(AtomicUsize);
    impl Sink for Full {
        fn put(&self, file: OutFile) -> Result<(), Diagnostic> {
            self.0.fetch_add(1, Relaxed);
            Err(Diagnostic::error(
                "O001",
                Msg::new(format!("写入 {} 失败", file.path), "no space left"),
            ))
        }
    }

    #[test]
    fn a_failed_write_stops_the_render_with_one_message() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = super::super::load(root).unwrap();
        let theme = Theme::load(root, &site.config.theme).unwrap();
        let all = super::super::render(&site, &theme, false).unwrap();
        assert!(all.len() > 10);

        let sink = Full(AtomicUsize::new(0));
        let errors = render_into(&site, &theme, false, Select::ALL, &sink).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, "O001");
        // Nothing more was attempted after the first failure (a report's
        // page and its report.json may already be on their way).
        assert!(sink.0.load(Relaxed) <= 2, "{}", sink.0.load(Relaxed));
    }
}
