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
    let vars = (p.vars)();
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
