//! Report pages: one per report, rendered in parallel, together with the
//! report's open-data file and the small records index pages are built from.

use serde_json::json;

use crate::content::Report;
use crate::diag::Diagnostic;
use crate::render::Theme;

use super::data;
use super::summary::Summary;
use super::{OutFile, PageCtx};

/// One report's files: its page (or the template's error) and its
/// open-data file.
pub fn report(
    r: &Report,
    summary: &Summary,
    theme: &Theme,
    pc: &PageCtx,
    cat: &data::Catalog,
) -> [Result<OutFile, Diagnostic>; 2] {
    [
        report_html(r, summary, theme, pc),
        Ok(data::report_json(r, summary, pc.cfg, cat)),
    ]
}

fn report_html(
    r: &Report,
    s: &Summary,
    theme: &Theme,
    pc: &PageCtx,
) -> Result<OutFile, Diagnostic> {
    let path = s.url();
    let mut ctx = pc.ctx(&path, &s.title, false);
    let body = theme.report_body(r);
    ctx.insert(
        "report",
        &json!({
            "title": s.title, "organ": s.organ, "township": s.township, "slug": s.slug,
            "region": s.region, "region_slug": s.region_slug, "year": s.year,
            "published": s.published.map(|d| d.to_string()), "index_no": s.index_no,
            "format": s.format, "format_name": s.format_name, "body": body,
            "json_url": s.json_url(), "csv_url": format!("data/{}.csv", s.year),
        }),
    );
    Ok(OutFile {
        path,
        bytes: theme
            .fill_tables(theme.page("report.html", &ctx)?, r)?
            .into_bytes(),
    })
}
