//! What report.json splices around each report's figures: per format, the
//! ids, labels and kinds of every cell, written once.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::Report;
use crate::format::{CellRef, FormatDef, ValueKind};

use super::*;

/// Ids, labels and kinds of every cell of a format, computed once per build
/// (not once per report: labels are the bulk of the work).
pub struct Catalog {
    pub tables: Vec<TableCells>,
}

pub struct TableCells {
    pub id: String,
    pub caption: String,
    pub cells: Vec<CellInfo>,
    /// The table's JSON in order: fixed text (ids, labels, headers, written
    /// once per format) and, between, the rows whose figures are spliced in.
    pub(super) pieces: Vec<Piece>,
}

pub(super) enum Piece {
    Text(String),
    /// The figures of one row, as indices into `cells`, in column order.
    Row(Vec<usize>),
}

pub struct CellInfo {
    pub at: CellRef,
    pub id: String,
    pub labels: [String; 2],
    pub kind: ValueKind,
    /// The column's id as JSON (`"natural_person"`).
    pub(super) json_col: String,
}

/// How a table is printed, for a reader rebuilding it.
pub(super) fn layout_name(l: crate::format::Layout) -> &'static str {
    match l {
        crate::format::Layout::Blocks => "blocks",
        crate::format::Layout::Matrix => "matrix",
        crate::format::Layout::Transposed => "transposed",
    }
}

/// A block's fixed head: caption, corner note, column header, column groups
/// and columns, all in the form's order; then `"rows":[`.
pub(super) fn block_head(t: &crate::format::TableDef, b: &crate::format::BlockDef) -> String {
    #[derive(Serialize)]
    struct Col<'a> {
        id: &'a str,
        label: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        group: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        kind: Option<&'static str>,
    }
    #[derive(Serialize)]
    struct Group<'a> {
        id: &'a str,
        label: &'a str,
        columns: Vec<&'a str>,
    }
    let columns: Vec<Col> = b
        .columns
        .iter()
        .map(|c| Col {
            id: &c.id,
            label: &c.label,
            group: c.group.as_deref(),
            kind: (c.value != ValueKind::Count).then(|| kind_name(c.value)),
        })
        .collect();
    let groups: Vec<Group> = b
        .column_groups
        .iter()
        .map(|g| Group {
            id: &g.id,
            label: &g.label,
            columns: b
                .columns
                .iter()
                .filter(|c| c.group.as_deref() == Some(g.id.as_str()))
                .map(|c| c.id.as_str())
                .collect(),
        })
        .collect();
    let _ = t;
    format!(
        "{{\"caption\":{},\"corner\":{},\"column_header\":{},\"column_groups\":{},\"columns\":{},\"rows\":[",
        js(&b.caption),
        js(&b.corner),
        js(&b.column_header),
        js(&groups),
        js(&columns)
    )
}

impl Catalog {
    pub fn of(format: &FormatDef) -> Catalog {
        let tables = format.tables.iter().map(table_cells).collect();
        Catalog { tables }
    }
}

/// One table's catalog: its cells, and its JSON as fixed pieces around rows.
pub(super) fn table_cells(t: &crate::format::TableDef) -> TableCells {
    let cells: Vec<CellInfo> = cells(t)
        .map(|at| {
            let col = t.columns_of(at.row).get(at.col);
            CellInfo {
                at,
                id: t.cell_id(at),
                labels: t.cell_labels(at),
                kind: col.map_or(ValueKind::Count, |c| c.value),
                json_col: js(col.map_or("", |c| c.id.as_str())),
            }
        })
        .collect();
    let mut by_row: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, c) in cells.iter().enumerate() {
        by_row.entry(c.at.row).or_default().push(i);
    }
    let mut pieces = vec![Piece::Text(format!(
        "{{\"id\":{},\"caption\":{},\"layout\":{},\"blocks\":[",
        js(&t.id),
        js(&t.caption),
        js(layout_name(t.layout))
    ))];
    let mut text = String::new();
    for (bi, b) in t.blocks.iter().enumerate() {
        if bi > 0 {
            text.push(',');
        }
        text.push_str(&block_head(t, b));
        let rows = (0..t.rows.len()).filter(|&r| t.rows[r].block == bi);
        for (k, r) in rows.enumerate() {
            let d = t.row_def(r);
            let parent = t.rows[r].parent.map(|p| t.row_def(p).id.as_str());
            if k > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                "{{\"id\":{},\"label\":{},\"path\":{}",
                js(&d.id),
                js(&t.row_label(r)),
                js(&t.row_path(r))
            ));
            if let Some(p) = parent {
                text.push_str(&format!(",\"parent\":{}", js(p)));
            }
            if let Some(g) = &d.group {
                text.push_str(&format!(",\"group\":{}", js(g)));
            }
            text.push_str(",\"cells\":[");
            match by_row.get(&r) {
                Some(idx) => {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                    pieces.push(Piece::Row(idx.clone()));
                }
                None => text.push_str("]}"),
            }
        }
        text.push_str("]}");
    }
    text.push_str("]}");
    pieces.push(Piece::Text(text));
    TableCells {
        id: t.id.clone(),
        caption: t.caption.clone(),
        cells,
        pieces,
    }
}

/// The catalogs of the formats `reports` use, by format id.
pub fn catalogs<'a>(reports: impl Iterator<Item = &'a Report>) -> BTreeMap<String, Catalog> {
    let mut out = BTreeMap::new();
    for r in reports {
        if !out.contains_key(&r.format.id) {
            out.insert(r.format.id.clone(), Catalog::of(&r.format));
        }
    }
    out
}
