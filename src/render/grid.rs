//! The official grid of a table, with every header linked to its data cells.
//!
//! The grid (spans, header levels) follows from the format definition's row
//! and column trees and its layout kind; templates only print it. Each data
//! cell lists the ids of all its row and column headers (WCAG H43), so a screen
//! reader announces `三、本年度办理结果 （三）不予公开 1.属于国家秘密 申请人情况 自然人 0`.

use serde::Serialize;

use crate::content::TableData;
use crate::format::{CellRef, Layout, TableDef};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GridCell {
    pub th: bool,
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
    pub id: String,
    pub headers: String,
    /// `row`, `col`, `colgroup` or empty.
    pub scope: &'static str,
    /// CSS class: `num` for figures, `note` for the A1 note, `group` for caption rows.
    pub class: &'static str,
    /// The figure a data cell shows (not serialised: templates print `text`).
    #[serde(skip)]
    pub at: Option<CellRef>,
}

impl GridCell {
    fn th(text: impl Into<String>, id: String) -> GridCell {
        GridCell {
            th: true,
            text: text.into(),
            colspan: 1,
            rowspan: 1,
            id,
            headers: String::new(),
            scope: "",
            class: "",
            at: None,
        }
    }
    fn span(mut self, colspan: usize, rowspan: usize) -> GridCell {
        self.colspan = colspan.max(1);
        self.rowspan = rowspan.max(1);
        self
    }
    fn headers(mut self, headers: &[String]) -> GridCell {
        self.headers = headers.join(" ");
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// The table's id (`active`, `applications`, `reviews`), used as the HTML id.
    pub id: String,
    pub caption: String,
    pub head: Vec<Vec<GridCell>>,
    /// Row groups (`<tbody>`s), each a list of rows.
    pub bodies: Vec<Vec<Vec<GridCell>>>,
    /// Number of grid columns, for `<colgroup>`.
    pub columns: usize,
}

/// What a data cell shows: the figure as written, blank for `~`.
pub fn cell_text(def: &TableDef, data: &TableData, at: CellRef) -> String {
    let mut s = String::new();
    data.push_written(def, at, &mut s);
    s
}

fn data_cell(
    def: &TableDef,
    data: &TableData,
    at: CellRef,
    headers: &[String],
    colspan: usize,
) -> GridCell {
    GridCell {
        th: false,
        text: cell_text(def, data, at),
        colspan: colspan.max(1),
        rowspan: 1,
        id: String::new(),
        headers: headers.join(" "),
        scope: "",
        class: "num",
        at: Some(at),
    }
}

/// Build the grid of one table. `p` prefixes every cell id (unique per page,
/// e.g. `t1`); ids are short because each data cell lists several of them.
pub fn build(def: &TableDef, data: &TableData, p: &str) -> Grid {
    match def.layout {
        Layout::Blocks => blocks(def, data, p),
        Layout::Matrix => matrix(def, data, p),
        Layout::Transposed => transposed(def, data, p),
    }
}

fn group_index(block: &crate::format::BlockDef, id: &str) -> usize {
    block
        .column_groups
        .iter()
        .position(|g| g.id == id)
        .unwrap_or(0)
}

fn blocks(def: &TableDef, data: &TableData, p: &str) -> Grid {
    let t = &def.id;
    let width = def
        .blocks
        .iter()
        .map(|b| b.columns.len())
        .max()
        .unwrap_or(1);
    let mut bodies = Vec::new();
    for (b, block) in def.blocks.iter().enumerate() {
        let mut rows = Vec::new();
        let cap_id = format!("{p}b{b}");
        let mut top: Vec<String> = Vec::new();
        if let Some(cap) = &block.caption {
            let mut c = GridCell::th(cap.clone(), cap_id.clone()).span(width + 1, 1);
            c.scope = "colgroup";
            c.class = "group";
            rows.push(vec![c]);
            top.push(cap_id.clone());
        }
        let corner_id = format!("{p}b{b}h");
        let mut head = vec![
            GridCell::th(block.corner.clone().unwrap_or_default(), corner_id.clone()).headers(&top),
        ];
        // Narrower blocks stretch their last column to the table's width, as the printed form does.
        let n = block.columns.len();
        let span_of = |c: usize| if c + 1 == n { width + 1 - n } else { 1 };
        for (c, col) in block.columns.iter().enumerate() {
            head.push(
                GridCell::th(col.label.clone(), format!("{p}b{b}c{c}"))
                    .span(span_of(c), 1)
                    .headers(&top),
            );
        }
        rows.push(head);
        for r in (0..def.rows.len()).filter(|&r| def.rows[r].block == b && !def.is_group(r)) {
            let row_id = format!("{p}r{r}");
            let mut row_headers = top.clone();
            row_headers.push(corner_id.clone());
            let mut tr = vec![GridCell::th(def.row_label(r), row_id.clone()).headers(&row_headers)];
            for c in 0..block.columns.len() {
                let mut h = top.clone();
                h.push(row_id.clone());
                h.push(format!("{p}b{b}c{c}"));
                tr.push(data_cell(
                    def,
                    data,
                    CellRef { row: r, col: c },
                    &h,
                    span_of(c),
                ));
            }
            rows.push(tr);
        }
        bodies.push(rows);
    }
    Grid {
        id: t.clone(),
        caption: def.caption.clone(),
        head: Vec::new(),
        bodies,
        columns: width + 1,
    }
}

fn matrix(def: &TableDef, data: &TableData, p: &str) -> Grid {
    let t = &def.id;
    // A matrix table is one block: a row tree against a column tree.
    let b = 0;
    let Some(block) = def.blocks.first() else {
        return Grid {
            id: t.clone(),
            caption: def.caption.clone(),
            head: Vec::new(),
            bodies: Vec::new(),
            columns: 0,
        };
    };
    let label_cols = (0..def.rows.len())
        .filter(|&r| def.rows[r].block == b)
        .map(|r| def.rows[r].depth)
        .max()
        .unwrap_or(1);
    let (head, col_headers) = matrix_head(block, p, label_cols);
    let rows = (0..def.rows.len())
        .filter(|&r| def.rows[r].block == b && !def.is_group(r))
        .map(|r| matrix_row(def, data, p, r, label_cols, &col_headers))
        .collect();
    Grid {
        id: t.clone(),
        caption: def.caption.clone(),
        head,
        bodies: vec![rows],
        columns: label_cols + block.columns.len(),
    }
}

/// The header rows of a matrix table, and for each column the ids of all
/// its headers (for its data cells' `headers`).
fn matrix_head(
    block: &crate::format::BlockDef,
    p: &str,
    label_cols: usize,
) -> (Vec<Vec<GridCell>>, Vec<Vec<String>>) {
    let grouped = block.columns.iter().any(|c| c.group.is_some());
    let levels = usize::from(block.column_header.is_some()) + if grouped { 2 } else { 1 };
    let mut head: Vec<Vec<GridCell>> = vec![Vec::new(); levels];
    let mut col_top: Vec<String> = Vec::new();
    let mut corner = GridCell::th(block.corner.clone().unwrap_or_default(), format!("{p}n"))
        .span(label_cols, levels);
    corner.class = "note";
    head[0].push(corner);
    let mut level = 0;
    if let Some(ch) = &block.column_header {
        let id = format!("{p}h");
        let mut c = GridCell::th(ch.clone(), id.clone()).span(block.columns.len(), 1);
        c.scope = "colgroup";
        head[0].push(c);
        col_top.push(id);
        level = 1;
    }
    // Column headers: ungrouped columns span the remaining levels; a group gets one cell.
    let mut col_headers: Vec<Vec<String>> = Vec::new();
    let mut seen_groups: Vec<&str> = Vec::new();
    for (ci, col) in block.columns.iter().enumerate() {
        let cid = format!("{p}c{ci}");
        match col.group.as_deref() {
            Some(g) => {
                let gid = format!("{p}g{}", group_index(block, g));
                if !seen_groups.contains(&g) {
                    seen_groups.push(g);
                    let label = block
                        .column_groups
                        .iter()
                        .find(|x| x.id == g)
                        .map_or(g, |x| x.label.as_str());
                    let n = block
                        .columns
                        .iter()
                        .filter(|c| c.group.as_deref() == Some(g))
                        .count();
                    let mut c = GridCell::th(label, gid.clone())
                        .span(n, 1)
                        .headers(&col_top);
                    c.scope = "colgroup";
                    head[level].push(c);
                }
                let mut h = col_top.clone();
                h.push(gid);
                head[(level + 1).min(levels - 1)]
                    .push(GridCell::th(col.label.clone(), cid.clone()).headers(&h));
                h.push(cid);
                col_headers.push(h);
            }
            None => {
                head[level].push(
                    GridCell::th(col.label.clone(), cid.clone())
                        .span(1, levels - level)
                        .headers(&col_top),
                );
                let mut h = col_top.clone();
                h.push(cid);
                col_headers.push(h);
            }
        }
    }
    (head, col_headers)
}

/// Row `r` of a matrix table: the headers of the groups it opens, its own
/// header, and its data cells.
fn matrix_row(
    def: &TableDef,
    data: &TableData,
    p: &str,
    r: usize,
    label_cols: usize,
    col_headers: &[Vec<String>],
) -> Vec<GridCell> {
    let rows_with_cells = |g: usize| -> Vec<usize> {
        (0..def.rows.len())
            .filter(|&r| !def.is_group(r) && is_descendant(def, r, g))
            .collect()
    };
    let mut tr = Vec::new();
    let mut ancestors = Vec::new();
    let mut up = def.rows[r].parent;
    while let Some(g) = up {
        ancestors.push(g);
        up = def.rows[g].parent;
    }
    ancestors.reverse();
    let mut row_headers: Vec<String> = Vec::new();
    for &g in &ancestors {
        let gid = format!("{p}r{g}");
        let members = rows_with_cells(g);
        if members.first() == Some(&r) {
            let mut c = GridCell::th(def.row_label(g), gid.clone())
                .span(1, members.len())
                .headers(&row_headers);
            c.scope = "rowgroup";
            tr.push(c);
        }
        row_headers.push(gid);
    }
    let rid = format!("{p}r{r}");
    let depth = def.rows[r].depth;
    tr.push(
        GridCell::th(def.row_label(r), rid.clone())
            .span(label_cols + 1 - depth, 1)
            .headers(&row_headers),
    );
    row_headers.push(rid);
    for (c, ch) in col_headers.iter().enumerate() {
        let mut h = row_headers.clone();
        h.extend(ch.iter().cloned());
        tr.push(data_cell(def, data, CellRef { row: r, col: c }, &h, 1));
    }
    tr
}

fn is_descendant(def: &TableDef, r: usize, g: usize) -> bool {
    let mut p = def.rows[r].parent;
    while let Some(x) = p {
        if x == g {
            return true;
        }
        p = def.rows[x].parent;
    }
    false
}

fn transposed(def: &TableDef, data: &TableData, p: &str) -> Grid {
    let t = &def.id;
    let rows: Vec<usize> = (0..def.rows.len()).filter(|&r| !def.is_group(r)).collect();
    let grouped = rows.iter().any(|&r| def.row_def(r).group.is_some());
    let levels = if grouped { 3 } else { 2 };
    let mut head: Vec<Vec<GridCell>> = vec![Vec::new(); levels];
    let mut body = Vec::new();
    let mut seen_groups: Vec<String> = Vec::new();
    let mut width = 0;
    for &r in &rows {
        let d = def.row_def(r);
        let block = def.block_of(r);
        let n = block.columns.len();
        width += n;
        let rid = format!("{p}r{r}");
        let (mut h, level) = match &d.group {
            Some(g) => {
                let gid = format!("{p}g{}", group_index(block, g));
                if !seen_groups.contains(g) {
                    seen_groups.push(g.clone());
                    let members = rows
                        .iter()
                        .filter(|&&x| def.row_def(x).group.as_ref() == Some(g))
                        .count();
                    let label = block
                        .column_groups
                        .iter()
                        .find(|x| &x.id == g)
                        .map_or(g.as_str(), |x| x.label.as_str());
                    let mut c = GridCell::th(label, gid.clone()).span(members * n, 1);
                    c.scope = "colgroup";
                    head[0].push(c);
                }
                (vec![gid], 1)
            }
            None => (Vec::new(), 0),
        };
        let mut c = GridCell::th(d.label.clone(), rid.clone())
            .span(n, 1)
            .headers(&h);
        c.scope = "colgroup";
        head[level].push(c);
        h.push(rid.clone());
        for (ci, col) in block.columns.iter().enumerate() {
            let cid = format!("{p}r{r}c{ci}");
            head[level + 1].push(
                GridCell::th(col.label.clone(), cid.clone())
                    .span(1, levels - level - 1)
                    .headers(&h),
            );
            let mut hh = h.clone();
            hh.push(cid);
            body.push(data_cell(def, data, CellRef { row: r, col: ci }, &hh, 1));
        }
    }
    Grid {
        id: t.clone(),
        caption: def.caption.clone(),
        head,
        bodies: vec![vec![body]],
        columns: width,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Registry;

    fn spans(row: &[GridCell]) -> usize {
        row.iter().map(|c| c.colspan).sum()
    }

    #[test]
    fn applications_grid_matches_the_official_form() {
        let reg = Registry::builtin();
        let f = reg.get("gov-2021").unwrap();
        let (_, def) = f.table("applications").unwrap();
        let g = build(def, &TableData::empty(def), "t");
        assert_eq!(g.head.len(), 3);
        assert_eq!(g.columns, 10);
        assert_eq!(g.bodies[0].len(), 25);
        // 三、本年度办理结果 spans the 21 leaves and （七）总计.
        let results = g.bodies[0][2]
            .iter()
            .find(|c| c.text == "三、本年度办理结果")
            .unwrap();
        assert_eq!(results.rowspan, 22);
        let new = &g.bodies[0][0];
        assert_eq!(new[0].colspan, 3);
        // 一、本年新收 × 申请人情况 × 自然人
        assert_eq!(new[1].headers, "tr0 th tc0");
        // … × 法人或其他组织 × 商业企业
        assert_eq!(new[2].headers, "tr0 th tg0 tc1");
    }

    #[test]
    fn reviews_print_as_one_row_of_fifteen() {
        let reg = Registry::builtin();
        let f = reg.get("gov-2021").unwrap();
        let (_, def) = f.table("reviews").unwrap();
        let g = build(def, &TableData::empty(def), "t");
        assert_eq!(g.bodies[0][0].len(), 15);
        assert_eq!(spans(&g.head[0]), 15);
        assert_eq!(g.head[0][0].text, "行政复议");
        assert_eq!(g.head[0][1].text, "行政诉讼");
        assert_eq!(g.head[0][1].colspan, 10);
        assert_eq!(g.head[1][0].rowspan, 2);
    }

    #[test]
    fn active_blocks_have_captions() {
        let reg = Registry::builtin();
        let f = reg.get("gov-2021").unwrap();
        let (_, def) = f.table("active").unwrap();
        let g = build(def, &TableData::empty(def), "t");
        assert_eq!(g.bodies.len(), 4);
        assert_eq!(g.bodies[0][0][0].text, "第二十条第（一）项");
        assert_eq!(g.bodies[1][2][1].colspan, 3);
    }

    #[test]
    fn gov2019_blocks_fill_the_width() {
        let reg = Registry::builtin();
        let f = reg.get("gov-2019").unwrap();
        let (_, def) = f.table("active").unwrap();
        let g = build(def, &TableData::empty(def), "t");
        assert_eq!(g.bodies.len(), 5);
        for body in &g.bodies {
            for row in &body[1..] {
                assert_eq!(spans(row), 4, "{row:?}");
            }
        }
        let (_, apps) = f.table("applications").unwrap();
        assert_eq!(apps.leaves().len(), 19);
        let g = build(apps, &TableData::empty(apps), "t");
        let results = g.bodies[0][2]
            .iter()
            .find(|c| c.text == "三、本年度办理结果")
            .unwrap();
        assert_eq!(results.rowspan, 20);
    }
}
