//! The HTML backend: a page per report, rendered in parallel, and the index
//! pages (years, townships, regions, home, search, 404) built from the
//! reports' summaries.

use serde_json::json;

use crate::content::Report;
use crate::diag::Diagnostic;
use crate::layout::Output;
use crate::render::Theme;

use super::backend::{All, Backend, Cx, Job, Put, Size};
use super::index;
use super::summary::Summary;
use super::{OutFile, PageCtx};

/// Report pages and index pages, through the theme's templates.
pub struct HtmlPages;

impl Backend for HtmlPages {
    fn report(&self, cx: &Cx, r: &Report, s: &Summary, put: &Put) -> Result<(), Diagnostic> {
        put(report_html(r, s, cx.theme, &cx.pages)?);
        Ok(())
    }

    fn pages<'a>(&self, cx: &Cx, summaries: &[&'a Summary]) -> Vec<Output<'a>> {
        index::pages(summaries, search_page(cx), &[], &|_| true, None)
            .into_iter()
            .map(|p| p.output)
            .collect()
    }

    fn jobs<'a>(&'a self, cx: &'a Cx<'a>, all: &'a All<'a>) -> Vec<Job<'a>> {
        index::pages(
            all.summaries,
            search_page(cx),
            &cx.columns.labels,
            cx.select.file,
            cx.select.listed,
        )
        .into_iter()
        .map(|p| {
            let size = match p.output {
                Output::Home => Size::Largest,
                Output::Year(_) => Size::Year,
                Output::Region(_) => Size::Region,
                _ => Size::Small,
            };
            Job::new(size, move |put| index_page(&p, cx, put))
        })
        .collect()
    }
}

/// Whether the site has a search page (`[search] enabled`, in a build with search).
fn search_page(cx: &Cx) -> bool {
    cfg!(feature = "search") && cx.config.search.enabled
}

/// Render one index page, unless its variables say it is as last time.
fn index_page(p: &index::Page, cx: &Cx, put: &Put) -> Result<(), Diagnostic> {
    let rows = ThemeRows::new(cx.theme, p.template, cx.pages.root(&p.output), &p.output);
    let vars = (p.vars)(&rows);
    if let Some(e) = rows.error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    if !(cx.select.page)(&p.output, index::vars_hash(&vars)) {
        return Ok(());
    }
    let mut ctx = cx.pages.ctx(&p.output, &p.column);
    for (name, value, _) in vars {
        ctx.insert_value(name, value);
    }
    put(OutFile {
        path: p.output.path(),
        bytes: cx.theme.page(p.template, &ctx)?.into_bytes(),
    });
    Ok(())
}

/// One report's page.
pub fn report_html(
    r: &Report,
    s: &Summary,
    theme: &Theme,
    pc: &PageCtx,
) -> Result<OutFile, Diagnostic> {
    let out = s.output();
    let path = out.path();
    let mut ctx = pc.ctx(&out, &s.title);
    let body = theme.report_body(r);
    ctx.insert(
        "report",
        &json!({
            "title": s.title, "organ": s.organ, "township": s.township, "slug": s.slug,
            "region": s.region, "region_slug": s.region_slug, "year": s.year,
            "published": s.published.map(|d| d.to_string()), "index_no": s.index_no,
            "format": s.format, "format_name": s.format_name, "body": body,
            "json_url": s.json_url(), "csv_url": Output::YearCsv(s.year).path(),
        }),
    );
    Ok(OutFile {
        path,
        bytes: theme
            .fill_tables(theme.page("report.html", &ctx)?, r)?
            .into_bytes(),
    })
}

/// A page's rows of a summary table, made by the theme's `summary_row.html`
/// (with `r`, the row; `root`, the page's; `mixed`, whether the year
/// mixes formats) and kept with kept summaries. The first error is kept
/// for the page to report.
struct ThemeRows<'a> {
    theme: &'a Theme,
    /// The page's template, for whether the row is minified with it.
    page: &'static str,
    root: String,
    /// Which of a summary's two kept rows: the home page's or a year page's.
    slot: usize,
    /// What a kept row was made for: this root, and not mixed / mixed.
    keys: [u64; 2],
    error: std::sync::Mutex<Option<Diagnostic>>,
}

impl<'a> ThemeRows<'a> {
    fn new(theme: &'a Theme, page: &'static str, root: String, out: &Output) -> ThemeRows<'a> {
        let key = |mixed: bool| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (root.as_str(), mixed).hash(&mut h);
            h.finish()
        };
        ThemeRows {
            theme,
            page,
            keys: [key(false), key(true)],
            root,
            slot: usize::from(!matches!(out, Output::Home)),
            error: std::sync::Mutex::new(None),
        }
    }
}

impl index::RowHtml for ThemeRows<'_> {
    fn append(&self, s: &Summary, row: &tera::Value, mixed: bool, out: &mut String) {
        let key = self.keys[usize::from(mixed)];
        let make = |_: &Summary| {
            let mut ctx = tera::Context::new();
            ctx.insert_value("r", row.clone());
            ctx.insert("root", &self.root);
            ctx.insert("mixed", &mixed);
            self.theme
                .fragment(self.page, "summary_row.html", &ctx)
                .map(String::into_boxed_str)
        };
        let slot = self.slot;
        s.keyed_piece(
            key,
            |p| &p.row_html[slot],
            make,
            |piece| match piece {
                Ok(html) => out.push_str(html),
                Err(e) => {
                    let mut first = self.error.lock().unwrap_or_else(|e| e.into_inner());
                    first.get_or_insert_with(|| e.clone());
                }
            },
        );
    }
}
