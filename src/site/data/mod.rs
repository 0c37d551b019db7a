//! Open data: every figure of every report, machine-readable.
//!
//! - `/<year>/<slug>/report.json`: one report; per table its column labels by
//!   id, per row its id, official label and cells by column id. A figure's
//!   id is `table.row.column`; its labels are the row's and the column's.
//!   Blank (in the original) and computed cells are listed per row.
//! - `/data/<year>.csv`: one row per report, one column per cell id; UTF-8
//!   with BOM so spreadsheet programs pick the encoding, RFC 4180 quoting.
//! - `/data/fields.csv`: the dictionary — per format and id, the official
//!   table, row and column labels (what a spreadsheet user reads the ids by).
//! - `/data/reports.json`: the list of reports with their summary figures.
//! - `/datapackage.json`: a Frictionless Data Package describing the CSVs,
//!   naming the format(s) each year file follows.
//!
//! A year whose reports follow different formats gets the union of their
//! columns; a cell a report's format lacks is left empty, never zero-filled,
//! and the row's `format` column says which format applies.

mod catalog;
mod csv;
mod package;
mod report_json;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::Report;
use crate::diag::Diagnostic;
use crate::format::{CellRef, FormatDef, TableDef, ValueKind};
use crate::layout::Output;

use super::backend::{All, Backend, Cx, Job, Put, Size};
use super::summary::Summary;
use super::{OutFile, SiteConfig};

use catalog::Piece;
pub use catalog::{Catalog, CellInfo, TableCells, catalogs};
pub use csv::{
    YearColumns, csv_field, csv_text_field, fields_csv, figure_texts, figures_hash, year_columns,
    year_csv,
};
pub use package::{datapackage, reports_json, year_resource};
use report_json::inert;
pub use report_json::report_json;

/// Leading columns of a year CSV, before the cell ids.
pub const LEAD: &[(&str, &str, &str)] = &[
    ("year", "报告年度", "integer"),
    ("township", "单位简称", "string"),
    ("slug", "网址名", "string"),
    ("organ", "发布机构", "string"),
    ("region", "所属地区", "string"),
    ("published", "发布日期", "date"),
    ("format", "报告格式", "string"),
    ("url", "报告网页", "string"),
];

/// Every cell of a table, in cell-index order.
pub fn cells(def: &TableDef) -> impl Iterator<Item = CellRef> + '_ {
    (0..def.rows.len())
        .filter(move |&r| !def.is_group(r))
        .flat_map(move |row| (0..def.columns_of(row).len()).map(move |col| CellRef { row, col }))
}

/// Every cell id of a format, in table and cell order.
pub fn cell_ids(format: &FormatDef) -> Vec<String> {
    format
        .tables
        .iter()
        .flat_map(|t| cells(t).map(|c| t.cell_id(c)))
        .collect()
}

pub(super) fn kind_name(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Count => "count",
        ValueKind::Signed => "signed",
        ValueKind::Amount => "amount",
        ValueKind::AmountWithUnit => "amount_with_unit",
    }
}

pub(super) fn frictionless_type(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Count | ValueKind::Signed => "integer",
        ValueKind::Amount => "number",
        ValueKind::AmountWithUnit => "string",
    }
}

/// `base_url` + `path`: absolute when `base_url` is (it should be, for feeds
/// and the sitemap), else at least independent of where the file is read.
pub fn abs_url(cfg: &SiteConfig, path: &str) -> String {
    format!("{}{path}", cfg.base_url)
}

pub(super) fn js<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The small listing files stay pretty-printed for people reading them.
pub(super) fn pretty(v: &impl Serialize) -> Vec<u8> {
    inert(serde_json::to_vec_pretty(v).unwrap_or_default())
}

/// The open-data backend: each report's `report.json`, the year CSVs, the
/// field list, the report list and the data package.
pub struct OpenData {
    /// The catalogs of the formats the reports use, by format id.
    catalogs: BTreeMap<String, Catalog>,
}

impl OpenData {
    /// With the catalogs of every format the site knows, made once.
    pub fn new(registry: &crate::format::Registry) -> OpenData {
        OpenData {
            catalogs: registry
                .ids()
                .into_iter()
                .filter_map(|id| registry.get(id))
                .map(|f| (f.id.clone(), Catalog::of(f)))
                .collect(),
        }
    }
}

impl Backend for OpenData {
    fn report(&self, cx: &Cx, r: &Report, s: &Summary, put: &Put) -> Result<(), Diagnostic> {
        let own;
        let cat = match self.catalogs.get(&r.format.id) {
            Some(c) => c,
            None => {
                own = Catalog::of(&r.format);
                &own
            }
        };
        put(report_json(r, s, cx.config, cat));
        Ok(())
    }

    fn jobs<'a>(&'a self, cx: &'a Cx<'a>, all: &'a All<'a>) -> Vec<Job<'a>> {
        let want = cx.select.file;
        let cfg = &cx.config;
        let mut jobs = Vec::new();
        if want(&Output::ReportList) {
            jobs.push(Job::new(Size::Year, move |put| {
                put(reports_json(
                    all.entries,
                    cfg,
                    cx.registry,
                    &cx.columns.labels,
                ));
                Ok(())
            }));
        }
        // A year's CSV is written only when wanted (watch mode reuses the
        // bytes of the others).
        for &year in &cx.pages.years {
            if want(&Output::YearCsv(year)) {
                jobs.push(Job::new(Size::Data, move |put| {
                    put(year_csv(year, &all.year(year), cfg));
                    Ok(())
                }));
            }
        }
        if want(&Output::DataPackage) {
            jobs.push(Job::new(Size::Data, move |put| {
                put(package(cx, all));
                Ok(())
            }));
        }
        if want(&Output::Fields) {
            jobs.push(Job::new(Size::Data, move |put| {
                put(fields_csv(&formats_used(all)));
                Ok(())
            }));
        }
        jobs
    }
}

/// The formats the reports use, by id.
fn formats_used<'a>(all: &All<'a>) -> Vec<&'a FormatDef> {
    let mut formats: Vec<&FormatDef> = Vec::new();
    for e in all.entries {
        if !formats.iter().any(|f| f.id == e.format.id) {
            formats.push(&e.format);
        }
    }
    formats.sort_by(|a, b| a.id.cmp(&b.id));
    formats
}

/// `datapackage.json` over the year files, oldest first.
fn package(cx: &Cx, all: &All) -> OutFile {
    let mut years = cx.pages.years.clone();
    years.sort_unstable();
    let resources = years
        .iter()
        .map(|&y| year_resource(y, &all.year(y)))
        .collect();
    // `created`: the newest publication date, so that the same reports
    // give the same bytes (a build time would change every build).
    // Without publication dates: the end of the newest report year.
    let created = all
        .summaries
        .iter()
        .filter_map(|s| s.published)
        .max()
        .map(|d| d.to_string())
        .or_else(|| years.last().map(|y| format!("{y}-12-31")));
    datapackage(
        resources,
        cx.config,
        created.map(|d| format!("{d}T00:00:00Z")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value as Json, json};

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("平安镇"), "平安镇");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formulas_are_defused_and_markup_escaped_in_json() {
        assert_eq!(csv_text_field("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_text_field("平安镇"), "平安镇");
        let b = pretty(&json!({ "organ": "<script>&" }));
        let text = String::from_utf8(b).unwrap();
        assert!(
            !text.contains('<') && text.contains("\\u003cscript\\u003e\\u0026"),
            "{text}"
        );
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back["organ"], "<script>&");
    }

    #[test]
    fn gov2021_has_every_cell_once() {
        let reg = crate::format::Registry::builtin();
        let f = reg.get("gov-2021").unwrap();
        let ids = cell_ids(f);
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len());
        // 6 + 1 + 2 + 1 active, 25×7 applications, 15 reviews.
        assert_eq!(ids.len(), 10 + 175 + 15);
    }
}
