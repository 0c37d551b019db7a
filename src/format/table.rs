//! A table of a format: its blocks, rows and columns as authored, the row
//! and cell numbering derived at load time, and the lookups the rest of
//! nianbao uses to find a row, a column or a label.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::labels::{normalize, normalized, strip_numbering};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// 1-based index into `sections`: the section the table belongs under.
    pub section: usize,
    pub caption: String,
    pub layout: Layout,
    pub blocks: Vec<BlockDef>,
    /// Derived at load time: rows of all blocks in order.
    #[serde(skip)]
    pub rows: Vec<RowInfo>,
    #[serde(skip)]
    pub ncells: usize,
    #[serde(skip)]
    keys: FxHashMap<String, Vec<usize>>,
    /// The key of each official text that [`normalize`] changes (a label
    /// with “quotes” or full-width brackets), so that a row written as
    /// printed on the form is found without normalizing it.
    #[serde(skip)]
    official: FxHashMap<String, String>,
    /// Each row's index by its id (ids are unique within a table).
    #[serde(skip)]
    ids: FxHashMap<String, usize>,
    /// The table's id and aliases, normalized.
    #[serde(skip)]
    table_keys: Vec<String>,
}

/// How the grid of a table is drawn. The spans follow from the row and column
/// trees; the kinds are the shapes the national forms use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Several small tables stacked, each with a caption row and a header row (section 二).
    Blocks,
    /// A row tree against a column tree, row labels spanning label columns (section 三).
    Matrix,
    /// Authored as rows, printed as one data row whose column groups are those rows (section 四).
    Transposed,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDef {
    #[serde(default)]
    pub caption: Option<String>,
    /// Text of the top-left header cell.
    #[serde(default)]
    pub corner: Option<String>,
    /// A header cell spanning all data columns (e.g. 申请人情况).
    #[serde(default)]
    pub column_header: Option<String>,
    pub columns: Vec<ColumnDef>,
    #[serde(default)]
    pub column_groups: Vec<GroupDef>,
    pub rows: Vec<RowDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub short: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub group: Option<String>,
    /// A total: may be left out, and is then computed.
    #[serde(default)]
    pub computed: bool,
    #[serde(default)]
    pub value: ValueKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub short: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub parent: Option<String>,
    /// Column group this row belongs to when printed transposed.
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub kind: RowKind,
    #[serde(default)]
    pub computed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    #[default]
    Cells,
    /// A heading row of sub-rows; carries no numbers (D3).
    Group,
}

/// What a cell may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// A whole number ≥ 0 (D1).
    #[default]
    Count,
    /// A decimal ≥ 0, kept as written (D2).
    Amount,
    /// A whole number that may be negative (gov-2019 本年增/减).
    Signed,
    /// An amount followed by its unit as written (gov-2019 采购总金额).
    AmountWithUnit,
}

/// One row of a table with its place in the layout.
#[derive(Debug, Clone)]
pub struct RowInfo {
    pub block: usize,
    /// Index within the block's `rows`.
    pub index: usize,
    /// Index of the parent row in `TableDef::rows`.
    pub parent: Option<usize>,
    pub depth: usize,
    /// First cell index of this row; cells follow in the block's column order.
    pub first_cell: usize,
}

/// A cell address inside one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellRef {
    pub row: usize,
    pub col: usize,
}

impl TableDef {
    pub fn block_of(&self, row: usize) -> &BlockDef {
        &self.blocks[self.rows[row].block]
    }
    pub fn row_def(&self, row: usize) -> &RowDef {
        let info = &self.rows[row];
        &self.blocks[info.block].rows[info.index]
    }
    pub fn columns_of(&self, row: usize) -> &[ColumnDef] {
        &self.block_of(row).columns
    }
    pub fn is_group(&self, row: usize) -> bool {
        self.row_def(row).kind == RowKind::Group
    }
    pub fn cell_index(&self, cell: CellRef) -> usize {
        self.rows[cell.row].first_cell + cell.col
    }
    pub fn row_by_id(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }
    /// Column index of `id` among the columns of `row`'s block.
    pub fn col_by_id(&self, row: usize, id: &str) -> Option<usize> {
        self.columns_of(row).iter().position(|c| c.id == id)
    }
    pub fn children(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.rows.len()).filter(move |&r| self.rows[r].parent == Some(row))
    }
    /// Rows that carry numbers and are neither inputs nor totals of a group:
    /// the leaves under the group rows (`@leaves` in identities).
    pub fn leaves(&self) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&r| {
                !self.is_group(r) && !self.row_def(r).computed && self.rows[r].parent.is_some()
            })
            .collect()
    }
    /// Rows matching an authored key. `within`: the group whose mapping the key
    /// was written in (only its children match), or `None` at the top level.
    pub fn match_row(&self, key: &str, within: Option<usize>) -> Vec<usize> {
        // A key as the form prints it needs no normalizing: a key of the
        // index (normalized already), or an official text that is not.
        let n = if self.keys.contains_key(key) {
            std::borrow::Cow::Borrowed(key)
        } else if let Some(n) = self.official.get(key) {
            std::borrow::Cow::Borrowed(n.as_str())
        } else {
            normalized(key)
        };
        let mut hits = self.rows_keyed(&n, within);
        if hits.is_empty() {
            hits = self.rows_keyed(strip_numbering(&n), within);
        }
        if hits.len() > 1 && within.is_none() {
            // Prefer rows written at the top level of the table over nested ones.
            let top: Vec<usize> = hits
                .iter()
                .copied()
                .filter(|&r| self.rows[r].parent.is_none())
                .collect();
            if top.len() == 1 {
                return top;
            }
        }
        hits
    }
    /// The rows whose normalized key is `k` (under the group `within`).
    fn rows_keyed(&self, k: &str, within: Option<usize>) -> Vec<usize> {
        let mut hits = Vec::new();
        for &r in self.keys.get(k).map_or(&[][..], Vec::as_slice) {
            if within.is_none_or(|g| self.rows[r].parent == Some(g)) && !hits.contains(&r) {
                hits.push(r);
            }
        }
        hits
    }
    /// Column of `row` matching an authored key.
    pub fn match_col(&self, row: usize, key: &str) -> Option<usize> {
        let n = normalized(key);
        self.columns_of(row)
            .iter()
            .position(|c| column_keys(c).any(|k| k == n))
    }
    /// Every label a row may be written as, for "did you mean".
    pub fn row_labels(&self, within: Option<usize>) -> Vec<&str> {
        (0..self.rows.len())
            .filter(|&r| within.is_none_or(|g| self.rows[r].parent == Some(g)))
            .map(|r| self.row_def(r).label.as_str())
            .collect()
    }
    /// The row's full official label with its numbering, as printed.
    pub fn row_label(&self, row: usize) -> String {
        let d = self.row_def(row);
        format!("{}{}", d.number.as_deref().unwrap_or(""), d.label)
    }
    /// The row's label path for messages: `三、本年度办理结果（七）总计`.
    pub fn row_path(&self, row: usize) -> String {
        let mut parts = vec![self.row_label(row)];
        let mut p = self.rows[row].parent;
        while let Some(r) = p {
            parts.push(self.row_label(r));
            p = self.rows[r].parent;
        }
        parts.reverse();
        parts.concat()
    }
    /// The column's label path for messages: `法人或其他组织·商业企业`.
    pub fn col_path(&self, row: usize, col: usize) -> String {
        let block = self.block_of(row);
        let c = &block.columns[col];
        match c
            .group
            .as_ref()
            .and_then(|g| block.column_groups.iter().find(|x| &x.id == g))
        {
            Some(g) => format!("{}·{}", g.label, c.label),
            None => c.label.clone(),
        }
    }
    /// Official labels of a cell: row path and column path.
    pub fn cell_labels(&self, cell: CellRef) -> [String; 2] {
        if self.layout == Layout::Transposed {
            // Printed with the row as a column group: 行政诉讼·复议后起诉 × 总计.
            let d = self.row_def(cell.row);
            let block = self.block_of(cell.row);
            let row = match d
                .group
                .as_ref()
                .and_then(|g| block.column_groups.iter().find(|x| &x.id == g))
            {
                Some(g) => format!("{}·{}", g.label, d.label),
                None => d.label.clone(),
            };
            return [row, block.columns[cell.col].label.clone()];
        }
        let row = match (&self.block_of(cell.row).caption, self.layout) {
            (Some(cap), Layout::Blocks) => format!("{}{}", cap, self.row_path(cell.row)),
            _ => self.row_path(cell.row),
        };
        [row, self.col_path(cell.row, cell.col)]
    }
    /// Fully qualified id of a cell, e.g. `applications.denied.state_secret.natural_person`.
    pub fn cell_id(&self, cell: CellRef) -> String {
        format!(
            "{}.{}.{}",
            self.id,
            self.row_def(cell.row).id,
            self.columns_of(cell.row)[cell.col].id
        )
    }
    /// Every key a table block may name this table by, normalized.
    pub fn keys_of_table(&self) -> &[String] {
        &self.table_keys
    }
}

fn column_keys(c: &ColumnDef) -> impl Iterator<Item = String> + '_ {
    [
        Some(c.id.as_str()),
        Some(c.label.as_str()),
        c.short.as_deref(),
    ]
    .into_iter()
    .flatten()
    .chain(c.aliases.iter().map(String::as_str))
    .map(normalize)
}

/// Every text a row may be written as, before [`normalize`].
fn row_keys(d: &RowDef) -> Vec<String> {
    let mut keys = vec![d.id.clone(), d.label.clone()];
    // `denied.state_secret` may be written as `state_secret` inside its group.
    if let Some((_, tail)) = d.id.split_once('.') {
        keys.push(tail.to_string());
    }
    if let Some(number) = &d.number {
        keys.push(format!("{number}{}", d.label));
    }
    keys.extend(d.short.iter().chain(d.aliases.iter()).cloned());
    keys
}

impl TableDef {
    /// Number the rows and cells of all blocks and index every key a row
    /// may be written as; errors name an unknown parent or a duplicate row.
    pub(super) fn index(&mut self) -> Result<(), String> {
        let mut rows = Vec::new();
        let mut cell = 0;
        let mut ids: HashMap<String, usize> = HashMap::new();
        for (b, block) in self.blocks.iter().enumerate() {
            for (i, r) in block.rows.iter().enumerate() {
                let parent = match &r.parent {
                    Some(p) => Some(
                        *ids.get(p)
                            .ok_or(format!("{}: row {} has unknown parent {p}", self.id, r.id))?,
                    ),
                    None => None,
                };
                let depth = parent.map_or(1, |p: usize| {
                    rows.get(p).map_or(1, |x: &RowInfo| x.depth + 1)
                });
                if ids.insert(r.id.clone(), rows.len()).is_some() {
                    return Err(format!("{}: row {} defined twice", self.id, r.id));
                }
                rows.push(RowInfo {
                    block: b,
                    index: i,
                    parent,
                    depth,
                    first_cell: cell,
                });
                if r.kind == RowKind::Cells {
                    cell += block.columns.len();
                }
            }
        }
        self.rows = rows;
        self.ncells = cell;
        let mut keys: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut official = FxHashMap::default();
        for r in 0..self.rows.len() {
            for k in row_keys(self.row_def(r)) {
                let n = normalize(&k);
                if n != k {
                    official.insert(k, n.clone());
                }
                let v = keys.entry(n).or_default();
                if !v.contains(&r) {
                    v.push(r);
                }
            }
        }
        self.keys = keys;
        self.ids = ids.into_iter().collect();
        self.table_keys = std::iter::once(&self.id)
            .chain(&self.aliases)
            .map(|k| normalize(k))
            .collect();
        self.official = official;
        Ok(())
    }
}
