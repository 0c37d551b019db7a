//! The backend seam, in the spirit of mdBook's `Renderer`: each kind of
//! output (HTML pages, open data, feeds, static files) is a [`Backend`] that
//! receives the checked site and puts its files into the one write sink.
//!
//! A backend works in two places: while each report is in hand
//! ([`Backend::report`], in parallel over reports), and afterwards over the
//! summaries of all reports ([`Backend::jobs`], small pieces of work that
//! every thread takes from one queue). What a backend makes is named by
//! [`Output`]s of the layout module, and a watch-mode render asks
//! [`Select`] before making each.

use crate::content::Report;
use crate::diag::Diagnostic;
use crate::layout::Output;
use crate::render::Theme;

use std::sync::{Arc, OnceLock};

use crate::format::{FormatDef, Registry};

use super::regions::RegionSlugs;
use super::summary::{Columns, Summary};
use super::{OutFile, PageCtx, SiteConfig};

/// Where a backend's files go, from any thread.
pub type Put<'a> = dyn Fn(OutFile) + Sync + 'a;

/// Which files a render produces. A build renders everything; the watcher
/// renders only what a save can have changed and reuses the bytes of the rest.
#[derive(Clone, Copy)]
pub struct Select<'a> {
    /// Render this report's files (its page and `report.json`)?
    pub report: &'a (dyn Fn(&Report) -> bool + Sync),
    /// Render this file made from all reports (index page, open data,
    /// feeds, static file)?
    pub file: &'a (dyn Fn(&Output) -> bool + Sync),
    /// An index page `file` asked for, whose template variables hash to
    /// this: render it? (No: the watcher has its bytes for these variables.)
    pub page: &'a (dyn Fn(&Output, u64) -> bool + Sync),
    /// Whether any file made from all reports may be wanted. `false`: the
    /// caller knows none is (a watcher's save that changed only prose), so
    /// the summaries of reports not rendered are not even made.
    pub site_wide: bool,
    /// A summary the caller keeps for this report, still true of it (the
    /// watcher's, of reports not changed since it was made): used rather
    /// than made again, with the pieces kept with it.
    pub kept: &'a dyn Keeps,
    /// Every year, township and region page `file` may want, when the
    /// caller can name them (a watcher's save names a few of thousands):
    /// only those are grouped, and `file` is not asked of the others, so
    /// their files must be kept whole by the caller. `None`: `file` is asked
    /// of every page.
    pub listed: Option<&'a Listed>,
    /// The region URL names, when the caller has resolved them for these
    /// reports already (the watcher does before each save's render).
    pub regions: Option<&'a RegionSlugs>,
    /// The reports come sorted by township (the watcher keeps them so):
    /// each year's summaries are then in order as they come, and the 50,000
    /// slugs need not be compared again to find that out.
    pub in_township_order: bool,
}

/// The index pages a render may make, named (see [`Select::listed`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Listed {
    pub years: Vec<u16>,
    /// Township slugs.
    pub townships: Vec<String>,
    /// Region URL names.
    pub regions: Vec<String>,
}

/// Where a render finds the summaries its caller keeps (a trait, not a
/// closure, so that what it lends lives as long as the `Select`).
pub trait Keeps: Sync {
    fn kept(&self, r: &Report) -> Option<&Summary>;
}

/// Nothing kept: a one-shot build.
pub struct NoneKept;

impl Keeps for NoneKept {
    fn kept(&self, _: &Report) -> Option<&Summary> {
        None
    }
}

fn every_report(_: &Report) -> bool {
    true
}
fn every_file(_: &Output) -> bool {
    true
}
fn every_page(_: &Output, _: u64) -> bool {
    true
}

impl Select<'static> {
    /// Everything: a one-shot build.
    pub const ALL: Select<'static> = Select {
        report: &every_report,
        file: &every_file,
        page: &every_page,
        site_wide: true,
        kept: &NoneKept,
        listed: None,
        regions: None,
        in_township_order: false,
    };
}

/// What every backend sees of the build.
pub struct Cx<'a> {
    pub config: &'a SiteConfig,
    pub registry: &'a Registry,
    /// Every region's URL name.
    pub regions: &'a RegionSlugs,
    pub theme: &'a Theme,
    pub pages: PageCtx<'a>,
    pub select: Select<'a>,
    /// The site's summary columns, resolved per format.
    pub columns: Columns,
}

/// The reports of the build as the site-wide files need them (their
/// summaries and figures, not the reports: those are gone by then), sorted
/// by year and slug, and every HTML page the site has (rendered this time
/// or not), listed when first asked for.
pub struct All<'a> {
    pub entries: &'a [Entry<'a>],
    pub summaries: &'a [&'a Summary],
    html: OnceLock<Vec<Output<'a>>>,
    list_html: &'a (dyn Fn() -> Vec<Output<'a>> + Sync),
}

impl<'a> All<'a> {
    pub fn new(
        entries: &'a [Entry<'a>],
        summaries: &'a [&'a Summary],
        list_html: &'a (dyn Fn() -> Vec<Output<'a>> + Sync),
    ) -> All<'a> {
        All {
            entries,
            summaries,
            html: OnceLock::new(),
            list_html,
        }
    }

    /// Every HTML page of the site. Listed only when asked for (by the
    /// sitemap): grouping every report by township and region again costs
    /// a watcher's save that does not change the sitemap.
    pub fn html(&self) -> &[Output<'a>] {
        self.html.get_or_init(self.list_html)
    }

    /// The reports of one year: found by halving the entries (sorted by
    /// year), by the year kept beside each summary, rather than by reading
    /// every summary (a cache miss each, for each year CSV a save makes).
    pub fn year(&self, year: u16) -> Vec<&'a Entry<'a>> {
        let entries = self.entries;
        debug_assert!(entries.is_sorted_by_key(|e| e.year));
        let from = entries.partition_point(|e| e.year < year);
        let len = entries[from..].partition_point(|e| e.year == year);
        entries[from..from + len].iter().collect()
    }
}

/// What the site-wide files keep of one report: its summary, its format
/// and its figures as the year CSV prints them (a few hundred bytes where
/// the parsed report is tens of kilobytes).
#[derive(Debug)]
pub struct Entry<'r> {
    pub summary: Held<'r>,
    /// The summary's year, beside it: entries are grouped by year after
    /// every save, and reading it from each summary was a cache miss per
    /// report (the kept summaries are scattered in memory).
    pub year: u16,
    pub format: Arc<FormatDef>,
    pub figures: FigureSource<'r>,
}

/// A report's summary as the site-wide files read it: made for this
/// render, or one the caller keeps across renders ([`Summary::kept`]).
#[derive(Debug)]
pub enum Held<'k> {
    /// Boxed: entries are sorted, and a summary is some 300 bytes to move.
    Made(Box<Summary>),
    Kept(&'k Summary),
}

impl std::ops::Deref for Held<'_> {
    type Target = Summary;
    fn deref(&self) -> &Summary {
        match self {
            Held::Made(s) => s,
            Held::Kept(s) => s,
        }
    }
}

/// Where a report's figures are read from when its year CSV is written:
/// packed when the report is dropped after rendering (`build`), or the
/// report itself while it stays in memory (the watcher, which writes a
/// year's CSV only when one of its figures changed: packing every report's
/// figures after every save would cost more than the save).
#[derive(Debug)]
pub enum FigureSource<'r> {
    Packed(Figures),
    Report(&'r Report),
}

impl Entry<'_> {
    /// Call `f` with a lookup of the report's figures by position.
    pub fn with_figures<T>(&self, f: impl for<'s> FnOnce(&dyn Fn(usize) -> &'s str) -> T) -> T {
        match &self.figures {
            FigureSource::Packed(p) => f(&|i| p.get(i)),
            FigureSource::Report(r) => {
                let p = Figures::kept_by(r);
                f(&|i| p.get(i))
            }
        }
    }
}

/// A report's cells as CSV texts, in its format's cell order
/// (`data::cells` over each table), packed into one string.
pub use crate::content::PackedTexts as Figures;

impl Figures {
    pub fn of_report(r: &Report) -> Figures {
        super::data::figure_texts(r)
    }

    /// The report's own, made on first use ([`Report::csv_texts`]).
    pub fn kept_by(r: &Report) -> &Figures {
        r.csv_texts.get_or_init(|| Figures::of_report(r))
    }
}

/// One piece of a backend's site-wide work.
pub struct Job<'a> {
    /// Larger first: jobs of very different sizes (a year page or the home
    /// page tens of milliseconds, a township page half of one) are taken
    /// largest first, so that the large ones run side by side.
    pub size: Size,
    pub run: Box<JobFn<'a>>,
}

/// What a job does: put its files, or say why it could not.
pub type JobFn<'a> = dyn Fn(&Put) -> Result<(), Diagnostic> + Send + Sync + 'a;

/// How large a job is, largest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Size {
    /// The home page (the latest year's table and every list).
    Largest,
    /// A year page, the report list (`reports.json`, every report's
    /// summary: as long to make as a year page).
    Year,
    /// A region page (at 50,000 reports, a few times a year's CSV: last in
    /// the queue, it was the save's tail while the other thread waited).
    Region,
    /// A year's CSV, the data package, the feeds.
    Data,
    /// A township page, a static file: small.
    Small,
}

impl<'a> Job<'a> {
    pub fn new(
        size: Size,
        run: impl Fn(&Put) -> Result<(), Diagnostic> + Send + Sync + 'a,
    ) -> Job<'a> {
        Job {
            size,
            run: Box::new(run),
        }
    }
}

/// A kind of output.
pub trait Backend: Sync {
    /// The files of one report, made while it is in hand (called only for
    /// the reports [`Select::report`] picks).
    fn report(&self, _cx: &Cx, _r: &Report, _s: &Summary, _put: &Put) -> Result<(), Diagnostic> {
        Ok(())
    }

    /// The HTML pages this backend makes from all reports, rendered this
    /// time or not (the sitemap lists them).
    fn pages<'a>(&self, _cx: &Cx, _summaries: &[&'a Summary]) -> Vec<Output<'a>> {
        Vec::new()
    }

    /// The work over all reports, as jobs (each asks [`Select`] itself).
    fn jobs<'a>(&'a self, cx: &'a Cx<'a>, all: &'a All<'a>) -> Vec<Job<'a>>;
}

/// The theme's static files, copied to `static/`.
pub struct Statics;

impl Backend for Statics {
    fn jobs<'a>(&'a self, cx: &'a Cx<'a>, _all: &'a All<'a>) -> Vec<Job<'a>> {
        vec![Job::new(Size::Small, move |put| {
            for (name, bytes) in &cx.theme.statics {
                let out = Output::Static(name);
                if (cx.select.file)(&out) {
                    put(OutFile {
                        path: out.path(),
                        bytes: bytes.clone(),
                    });
                }
            }
            Ok(())
        })]
    }
}
