//! W14: a report whose tables do not fit its format but fit another one (a
//! 2022 report written on the 2019 tables was seen in the wild; issue 10).
//!
//! Only reports whose tables already have key or value errors are re-read,
//! so a clean site costs nothing here.

use crate::content::{Report, body};
use crate::diag::{Diagnostic, Msg};
use crate::format::Registry;

/// Errors the table blocks of `report` give when read with format `id`.
fn table_errors(report: &Report, registry: &Registry, id: &str) -> Option<usize> {
    let format = registry.get(id)?;
    let mut diags = Vec::new();
    body::parse_body(&report.file, report.body_start_line, format, &mut diags);
    Some(diags.iter().filter(|d| d.is_error()).count())
}

/// W14 for one report: its tables have errors under its own format and none
/// under another known format.
pub fn fit(report: &Report, registry: &Registry) -> Vec<Diagnostic> {
    let troubled = report
        .tables
        .iter()
        .any(|t| t.incomplete || !t.unreadable.is_empty());
    if !troubled {
        return Vec::new();
    }
    let own = report.format.id.as_str();
    if table_errors(report, registry, own).unwrap_or(0) == 0 {
        return Vec::new();
    }
    let Some(other) = registry
        .ids()
        .into_iter()
        .filter(|id| *id != own)
        .find(|id| table_errors(report, registry, id) == Some(0))
    else {
        return Vec::new();
    };
    let other_name = registry
        .get(other)
        .map_or(String::new(), |f| f.name.clone());
    let year = report.meta.year;
    let (zh, en) = if report.meta.format_written {
        (
            format!(
                "写的是 format: {own}，但表格不符合 {own}，而符合 {other}（{other_name}）的表格"
            ),
            format!(
                "the front matter says format: {own}, but the tables fit {other} ({other_name}), not {own}"
            ),
        )
    } else {
        (
            format!(
                "{year} 年度默认按 {own} 核对，但这份报告的表格不符合 {own}，而符合 {other}（{other_name}）的表格"
            ),
            format!(
                "{year} reports default to {own}, but these tables fit {other} ({other_name}), not {own}"
            ),
        )
    };
    let at = report.meta.loc("format").or(report.meta.loc("year"));
    vec![
        Diagnostic::warning("W14", Msg::new(zh, en))
            .at(&report.file, at)
            .expected_found(other, own)
            .hint(Msg::new(
                format!("若报告确按旧（或另一种）格式发布，在 front matter 写 format: {other}；否则按 {own} 的表格改写"),
                format!("if the report was published in that format, write `format: {other}` in the front matter; otherwise rewrite the tables in {own}"),
            )),
    ]
}
