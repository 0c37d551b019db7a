//! Laying out the site: every report's files, the index pages, open data,
//! feeds and static files, rendered in parallel into a [`Sink`] (the staged
//! output folder, or memory for the watcher), the parts [`Select`] picks.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicUsize};

use rayon::prelude::*;

use crate::content::Report;
use crate::diag::Diagnostic;
use crate::format::FormatDef;
use crate::render::Theme;

use super::summary::Summary;
use super::{OutFile, PageCtx, Site, SiteConfig, data, feeds, index, pages, regions};

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
        if let Ok(mut v) = self.lock() {
            v.push(file);
        }
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

/// Which files a render produces. A build renders everything; the watcher
/// renders only what a save can have changed and reuses the bytes of the rest.
#[derive(Clone, Copy)]
pub struct Select<'a> {
    /// Render this report's page and `report.json`?
    pub report: &'a (dyn Fn(&Report) -> bool + Sync),
    /// Render the index page or site-wide file (open data, feeds, static
    /// files) at this output path?
    pub file: &'a (dyn Fn(&str) -> bool + Sync),
    /// An index page `file` asked for, whose template variables hash to
    /// this: render it? (No: the watcher has its bytes for these variables.)
    pub page: &'a (dyn Fn(&str, u64) -> bool + Sync),
}

fn yes<T: ?Sized>(_: &T) -> bool {
    true
}
fn yes2(_: &str, _: u64) -> bool {
    true
}

impl Select<'static> {
    /// Everything: a one-shot build.
    pub const ALL: Select<'static> = Select {
        report: &yes::<Report>,
        file: &yes::<str>,
        page: &yes2,
    };
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

/// Render the files of the site that `select` picks into `sink`. On any
/// error every diagnostic is returned; what the sink got by then is
/// incomplete.
pub fn render_into(
    site: &Site,
    theme: &Theme,
    drafts: bool,
    select: Select,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    let Select {
        report: selected,
        file: index,
        page: vars_changed,
    } = select;
    let reports: Vec<&Report> = site
        .reports
        .iter()
        .filter(|r| drafts || !r.meta.draft)
        .collect();
    let years: BTreeSet<u16> = reports.iter().map(|r| r.meta.year).collect();
    let cfg = &site.config;
    let pc = PageCtx::new(cfg, years.into_iter().rev().collect());
    // Region slugs were checked (and their problems reported) by `load`.
    let (regions, _) = regions::resolve(cfg, &site.reports);
    let count = Counter::default();
    let put = |f: OutFile| count.put(sink, f);
    // A failed write (a full disk, say) stops the rest: one message, not
    // one per file.
    let stop = |errors: Vec<Diagnostic>| count.write_error().into_iter().chain(errors).collect();

    // The one pass over whole reports: page and report.json (written as
    // they are made), and the summary the index pages are built from.
    let catalogs = data::catalogs(reports.iter().copied());
    let passes: Vec<(Summary, Vec<Diagnostic>)> = reports
        .par_iter()
        .map(|r| {
            let summary = Summary::of(r, &regions);
            let mut errors = Vec::new();
            if selected(r) && !count.failed() {
                let own;
                let cat = match catalogs.get(&r.format.id) {
                    Some(c) => c,
                    None => {
                        own = data::Catalog::of(&r.format);
                        &own
                    }
                };
                for f in pages::report(r, &summary, theme, &pc, cat) {
                    match f {
                        Ok(f) => put(f),
                        Err(d) => errors.push(d),
                    }
                }
            }
            (summary, errors)
        })
        .collect();
    let mut errors = Vec::new();
    let mut entries: Vec<Entry> = Vec::with_capacity(passes.len());
    for (r, (summary, e)) in reports.iter().zip(passes) {
        errors.extend(e);
        entries.push((r, summary));
    }
    if !errors.is_empty() || count.failed() {
        return Err(stop(errors));
    }
    entries.sort_by(|a, b| (a.1.year, &a.1.slug).cmp(&(b.1.year, &b.1.slug)));
    let summaries: Vec<&Summary> = entries.iter().map(|(_, s)| s).collect();

    // The sitemap lists every page, rendered this time or not.
    let mut html: Vec<String> = entries.iter().map(|(_, s)| s.url()).collect();
    let (specs, skipped) = index::pages(
        &summaries,
        index,
        cfg!(feature = "search") && site.config.search.enabled,
    );
    html.extend(skipped);
    html.extend(specs.iter().map(|p| p.path.clone()));
    // A year's CSV is written only when its path is wanted (watch mode
    // reuses the bytes of the others); asked once per file.
    let csv_years: BTreeSet<u16> = pc
        .years
        .iter()
        .copied()
        .filter(|y| index(&data::year_csv_path(*y)))
        .collect();
    // Index pages, open data and feeds: jobs of very different sizes (a
    // year page or the home page tens of milliseconds, a township page
    // half of one), taken largest first from one queue by every thread, so
    // that the large ones run side by side (rayon's halving of a list can
    // leave two of them to one thread while the other waits).
    let package = index(data::DATAPACKAGE);
    let size = |job: &Job| match job {
        Job::Page(p) if p.template == "home.html" => 0,
        Job::Page(p) if p.template == "year.html" => 1,
        Job::ReportList | Job::Year(_) | Job::Feeds => 2,
        Job::Page(p) if p.template == "region.html" => 3,
        Job::Page(_) => 4,
    };
    let mut jobs: Vec<Job> = specs.iter().map(Job::Page).collect();
    jobs.push(Job::ReportList);
    jobs.extend(
        pc.years
            .iter()
            .filter(|y| package || csv_years.contains(y))
            .map(|&y| Job::Year(y)),
    );
    jobs.push(Job::Feeds);
    // Stable: jobs of one size keep their order.
    jobs.sort_by_key(size);
    let next = AtomicUsize::new(0);
    let page_errors: Mutex<Vec<Diagnostic>> = Mutex::default();
    let resources: Mutex<BTreeMap<u16, serde_json::Value>> = Mutex::default();
    let feed_files: Mutex<Vec<OutFile>> = Mutex::default();
    let html = Mutex::new(Some(html));
    let run = |job: &Job| match *job {
        Job::Page(p) => {
            if let Err(d) = index_page(p, theme, &pc, vars_changed, &put)
                && let Ok(mut e) = page_errors.lock()
            {
                e.push(d);
            }
        }
        Job::Year(year) => {
            let rows: Vec<(&Report, &Summary)> = entries
                .iter()
                .filter(|(_, s)| s.year == year)
                .map(|(r, s)| (*r, s))
                .collect();
            if csv_years.contains(&year) {
                put(data::year_csv(year, &rows, cfg));
            }
            if package && let Ok(mut r) = resources.lock() {
                r.insert(year, data::year_resource(year, &rows));
            }
        }
        Job::ReportList => {
            if index(data::REPORTS) {
                put(data::reports_json(&summaries, cfg, &site.registry));
            }
        }
        Job::Feeds => {
            let html = html
                .lock()
                .ok()
                .and_then(|mut h| h.take())
                .unwrap_or_default();
            let files = feeds(cfg, html, &summaries, index);
            if let Ok(mut f) = feed_files.lock() {
                f.extend(files);
            }
        }
    };
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads() {
            scope.spawn(|_| {
                while let Some(job) = jobs.get(next.fetch_add(1, Relaxed)) {
                    if count.failed() {
                        break;
                    }
                    run(job);
                }
            });
        }
    });
    errors.extend(page_errors.into_inner().unwrap_or_default());
    if !errors.is_empty() || count.failed() {
        return Err(stop(errors));
    }
    if index(data::FIELDS) {
        let mut formats: Vec<&FormatDef> = Vec::new();
        for (r, _) in &entries {
            if !formats.iter().any(|f| f.id == r.format.id) {
                formats.push(&r.format);
            }
        }
        formats.sort_by(|a, b| a.id.cmp(&b.id));
        put(data::fields_csv(&formats));
    }
    if package {
        let resources = resources.into_inner().unwrap_or_default();
        // `created`: the newest publication date, so that the same reports
        // give the same bytes (a build time would change every build).
        // Without publication dates: the end of the newest report year.
        let created = summaries
            .iter()
            .filter_map(|s| s.published)
            .max()
            .map(|d| d.to_string())
            .or_else(|| {
                summaries
                    .iter()
                    .map(|s| s.year)
                    .max()
                    .map(|y| format!("{y}-12-31"))
            });
        put(data::datapackage(
            resources.into_values().collect(),
            cfg,
            created.map(|d| format!("{d}T00:00:00Z")),
        ));
    }
    let feed_files = feed_files.into_inner().unwrap_or_default();
    let statics = theme
        .statics
        .iter()
        .map(|(name, bytes)| (format!("static/{name}"), bytes))
        .filter(|(path, _)| index(path))
        .map(|(path, bytes)| OutFile {
            path,
            bytes: bytes.clone(),
        });
    for f in feed_files.into_iter().chain(statics) {
        put(f);
    }
    match count.write_error() {
        Some(d) => Err(vec![d]),
        None => Ok(count.into_inner()),
    }
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
            if let Ok(mut first) = self.first_error.lock() {
                first.get_or_insert(d);
            }
        }
    }
    fn failed(&self) -> bool {
        self.failed.load(Relaxed)
    }
    fn write_error(&self) -> Option<Diagnostic> {
        self.first_error.lock().ok().and_then(|e| e.clone())
    }
    fn into_inner(self) -> Rendered {
        Rendered {
            files: self.files.into_inner(),
            pages: self.pages.into_inner(),
        }
    }
}

/// A report with its summary, for the files built from all reports.
type Entry<'a> = (&'a Report, Summary);

/// One piece of the work after the reports' own files (see `render_into`).
enum Job<'a> {
    /// An index page.
    Page(&'a index::Page<'a>),
    /// A year's CSV (when wanted) and its data-package description.
    Year(u16),
    /// `data/reports.json`.
    ReportList,
    /// Sitemap, feed, robots.txt.
    Feeds,
}

/// Render one index page, unless its variables say it is as last time.
fn index_page(
    p: &index::Page,
    theme: &Theme,
    pc: &PageCtx,
    vars_changed: &(dyn Fn(&str, u64) -> bool + Sync),
    put: &(dyn Fn(OutFile) + Sync),
) -> Result<(), Diagnostic> {
    let vars = (p.vars)();
    if !vars_changed(&p.path, index::vars_hash(&vars)) {
        return Ok(());
    }
    let mut ctx = pc.ctx(&p.path, &p.column, p.template != "404.html");
    for (name, value, _) in vars {
        ctx.insert_value(name, value);
    }
    put(OutFile {
        path: p.path.clone(),
        bytes: theme.page(p.template, &ctx)?.into_bytes(),
    });
    Ok(())
}

/// `sitemap.xml` (over the HTML pages `html`), `atom.xml`, `robots.txt`:
/// those `want` asks for.
fn feeds(
    cfg: &SiteConfig,
    mut html: Vec<String>,
    summaries: &[&Summary],
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<OutFile> {
    let mut out = Vec::new();
    if want(feeds::SITEMAP) {
        html.sort_unstable();
        html.dedup();
        let html: Vec<&str> = html.iter().map(String::as_str).collect();
        let lastmod: BTreeMap<String, String> = summaries
            .iter()
            .filter_map(|s| s.published.map(|d| (s.url(), d.to_string())))
            .collect();
        out.push(feeds::sitemap(cfg, &html, &|p| lastmod.get(p).cloned()));
    }
    if want(feeds::ATOM) {
        out.push(feeds::atom(cfg, summaries));
    }
    if want(feeds::ROBOTS) {
        out.push(feeds::robots(cfg));
    }
    out
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
