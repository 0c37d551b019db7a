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
    let pc = PageCtx {
        cfg,
        years: years.into_iter().rev().collect(),
    };
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
    let (specs, skipped) = index::pages(&summaries, index);
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
    // Index pages, open data and feeds read the same summaries; build them
    // side by side (a year page alone is a large share of a rebuild).
    let ((pages, ()), feed_files) = rayon::join(
        || {
            rayon::join(
                || index_pages(&specs, theme, &pc, vars_changed, &put),
                || open_data(cfg, &entries, &summaries, &csv_years, index, &put),
            )
        },
        || feeds(cfg, html, &summaries, index),
    );
    errors.extend(pages.into_iter().filter_map(Result::err));
    if !errors.is_empty() || count.failed() {
        return Err(stop(errors));
    }
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

fn index_pages(
    specs: &[index::Page],
    theme: &Theme,
    pc: &PageCtx,
    vars_changed: &(dyn Fn(&str, u64) -> bool + Sync),
    put: &(dyn Fn(OutFile) + Sync),
) -> Vec<Result<(), Diagnostic>> {
    // One task per page, so that an idle thread can take the next page: a
    // year page or the home page takes tens of milliseconds, a township's
    // one, and rayon's default chunks can leave two large ones on one thread.
    specs
        .par_iter()
        .with_max_len(1)
        .map(|p| {
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
        })
        .collect()
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

/// The year CSV files, the field dictionary, the report list and the
/// package: those `want` asks for.
fn open_data(
    cfg: &SiteConfig,
    entries: &[Entry],
    summaries: &[&Summary],
    csv_years: &BTreeSet<u16>,
    want: &(dyn Fn(&str) -> bool + Sync),
    put: &(dyn Fn(OutFile) + Sync),
) {
    let years: BTreeSet<u16> = summaries.iter().map(|s| s.year).collect();
    let package = want(data::DATAPACKAGE);
    // A year's CSV is written only when wanted (watch mode keeps the
    // others' bytes); its description in the data package always is.
    let years: Vec<(u16, bool)> = years
        .into_iter()
        .map(|y| (y, csv_years.contains(&y)))
        .filter(|&(_, csv)| csv || package)
        .collect();
    // The report list is as large as a year file: make it beside them.
    let (resources, ()) = rayon::join(
        || year_files(cfg, entries, &years, package, put),
        || {
            if want(data::REPORTS) {
                put(data::reports_json(summaries, cfg));
            }
        },
    );
    if want(data::FIELDS) {
        let mut formats: Vec<&FormatDef> = Vec::new();
        for (r, _) in entries {
            if !formats.iter().any(|f| f.id == r.format.id) {
                formats.push(&r.format);
            }
        }
        formats.sort_by(|a, b| a.id.cmp(&b.id));
        put(data::fields_csv(&formats));
    }
    if package {
        put(data::datapackage(resources, cfg));
    }
}

/// The year CSVs wanted (`(year, wanted)`), and each year's description for
/// the data package when `package`.
fn year_files(
    cfg: &SiteConfig,
    entries: &[Entry],
    years: &[(u16, bool)],
    package: bool,
    put: &(dyn Fn(OutFile) + Sync),
) -> Vec<serde_json::Value> {
    years
        .par_iter()
        .map(|&(year, wanted)| {
            let rows: Vec<(&Report, &Summary)> = entries
                .iter()
                .filter(|(_, s)| s.year == year)
                .map(|(r, s)| (*r, s))
                .collect();
            if wanted {
                put(data::year_csv(year, &rows, cfg));
            }
            if package {
                data::year_resource(year, &rows)
            } else {
                serde_json::Value::Null
            }
        })
        .collect()
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
