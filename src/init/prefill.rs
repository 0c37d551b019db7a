//! What this year's report takes from last year's: the figures the format's
//! `[[carry]]` and `[[stock]]` entries name.

use std::path::Path;

use crate::check;
use crate::content::{self, Origin, Report, TableData};
use crate::format::{CellRef, FormatDef};
use crate::site;

use super::DEFAULT_LIMIT;

/// The same township's latest report before `year`, checked (totals filled).
pub(super) fn previous(
    root: &Path,
    township: &str,
    slug: Option<&str>,
    year: u16,
) -> Option<Report> {
    let mut diags = Vec::new();
    let registry = site::load_registry(root, &mut diags);
    let (files, _) = content::find_reports(root);
    files
        .iter()
        .filter_map(|p| content::load(p, root, &registry, DEFAULT_LIMIT).0)
        .filter(|r| {
            r.meta.year < year && slug.map_or(r.meta.township == township, |s| r.meta.slug == s)
        })
        .max_by_key(|r| r.meta.year)
        .map(|mut r| {
            check::complete(&mut r);
            r
        })
}

/// Row `from_row` of last year's `table` into row `to_row` of this year's,
/// column by column id; the line that says so, for the author.
fn copy_row(
    from: (&FormatDef, &Report),
    from_row: &str,
    to: (&FormatDef, &mut TableData),
    table: &str,
    to_row: &str,
) -> Option<String> {
    let (fdef_fmt, prev) = from;
    let (_, fdef) = fdef_fmt.table(table)?;
    let (pi, _) = fdef_fmt.table(table)?;
    let pdata = prev.tables.get(pi)?;
    let (_, tdef) = to.0.table(table)?;
    let src_row = fdef.row_by_id(from_row)?;
    let dst_row = tdef.row_by_id(to_row)?;
    let mut figures = Vec::new();
    for (col, c) in tdef.columns_of(dst_row).iter().enumerate() {
        let Some(src_col) = fdef.col_by_id(src_row, &c.id) else {
            continue;
        };
        let v = pdata
            .cell(
                fdef,
                CellRef {
                    row: src_row,
                    col: src_col,
                },
            )?
            .value
            .clone();
        figures.push(v.to_string());
        if let Some(cell) = to.1.cell_mut(tdef, CellRef { row: dst_row, col }) {
            cell.value = v;
            cell.origin = Origin::Computed;
        }
    }
    Some(format!(
        "「{}」= 上年「{}」：[{}]",
        tdef.row_label(dst_row),
        fdef.row_label(src_row),
        figures.join(", ")
    ))
}

/// This year's tables prefilled from last year's report.
pub(super) struct Prefill {
    pub tables: Vec<TableData>,
    /// What was taken, a line each, for the author to review.
    pub lines: Vec<String>,
    /// Comments to write beside rows: (table, row, text).
    pub notes: Vec<(usize, usize, String)>,
}

/// Empty tables in `format`, with what `prev` carries over filled in.
pub(super) fn prefill(format: &FormatDef, prev: Option<&Report>) -> Prefill {
    let mut out = Prefill {
        tables: format.tables.iter().map(TableData::empty).collect(),
        lines: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(p) = prev {
        carry(format, p, &mut out);
        stock(format, p, &mut out);
    }
    out
}

/// `[[carry]]`: what last year carried forward (`from_row`) is this year's
/// `row` (上年结转 = 上年的结转下年度继续办理).
fn carry(format: &FormatDef, p: &Report, out: &mut Prefill) {
    let pf = p.format.clone();
    for carry in &format.carry {
        let Some((t, _)) = format.table(&carry.table) else {
            continue;
        };
        if let Some(line) = copy_row(
            (&pf, p),
            &carry.from_row,
            (format, &mut out.tables[t]),
            &carry.table,
            &carry.row,
        ) {
            out.lines.push(line);
        }
        // Until the author records what was handled, the carried-over applications are
        // still open at year end, so the report balances (A1) as written.
        if let Some(line) = copy_row(
            (&pf, p),
            &carry.from_row,
            (format, &mut out.tables[t]),
            &carry.table,
            &carry.from_row,
        ) {
            out.lines.push(line);
            if let Some((_, def)) = format.table(&carry.table)
                && let Some(r) = def.row_by_id(&carry.from_row)
            {
                out.notes
                    .push((t, r, "预填：等于上年结转，办结后请调整".to_string()));
            }
        }
    }
}

/// `[[stock]]`: last year's stock column (现行有效件数) as this year's, for
/// the author to adjust by what was issued and repealed.
fn stock(format: &FormatDef, p: &Report, out: &mut Prefill) {
    let pf = p.format.clone();
    for stock in &format.stock {
        let Some((t, def)) = format.table(&stock.table) else {
            continue;
        };
        let Some((pt, pdef)) = pf.table(&stock.table) else {
            continue;
        };
        for row_id in &stock.rows {
            let (Some(r), Some(pr)) = (def.row_by_id(row_id), pdef.row_by_id(row_id)) else {
                continue;
            };
            let (Some(c), Some(pc)) = (
                def.col_by_id(r, &stock.stock),
                pdef.col_by_id(pr, &stock.stock),
            ) else {
                continue;
            };
            let Some(v) = p
                .tables
                .get(pt)
                .and_then(|d| d.cell(pdef, CellRef { row: pr, col: pc }))
                .map(|c| c.value.clone())
            else {
                continue;
            };
            out.lines.push(format!(
                "「{}」「{}」= 上年的 {v}（请按本年制发、废止调整）",
                def.row_label(r),
                def.columns_of(r)[c].label
            ));
            if let Some(cell) = out.tables[t].cell_mut(def, CellRef { row: r, col: c }) {
                cell.value = v;
            }
        }
    }
}
