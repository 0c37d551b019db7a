//! Format definitions: the official tables as data.
//!
//! A format (gov-2021, gov-2019, a provincial variant) is a TOML file that
//! lists every table, row, column, label, accepted key, the grid layout kind and
//! the identities. The built-in ones are compiled into the binary; a site may
//! add its own under `<root>/formats/`. Nothing else in nianbao spells a label.

pub mod labels;

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use labels::{normalize, strip_numbering};

/// The definitions compiled into the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("gov-2019", include_str!("../../formats/gov-2019.toml")),
    ("gov-2021", include_str!("../../formats/gov-2021.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatDef {
    pub id: String,
    pub name: String,
    /// First and last reporting year this format is the default for.
    pub years: [u16; 2],
    /// The six official section headings, in order.
    pub sections: Vec<String>,
    pub tables: Vec<TableDef>,
    #[serde(default)]
    pub identities: Vec<Identity>,
    #[serde(default)]
    pub carry: Vec<Carry>,
    #[serde(default)]
    pub stock: Vec<Stock>,
    #[serde(default)]
    pub no_rules: Vec<NoRules>,
    /// Within one report, one cell of a row at most another (W12).
    #[serde(default)]
    pub bound: Vec<Bound>,
    /// Across years, a column carried forward from last year's columns (W13).
    #[serde(default)]
    pub rollover: Vec<Rollover>,
    /// The columns of the index pages and the report list. A site's own
    /// format without them takes those of the newest built-in format.
    #[serde(default)]
    pub summary: Vec<SummaryColumn>,
    /// The township page chart's two series.
    #[serde(default)]
    pub series: Option<Series>,
}

/// A column of the index pages and `data/reports.json`: its label, and the
/// cells it sums (`table.row.column`; a group row stands for its sub-rows).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryColumn {
    pub label: String,
    pub cells: Vec<String>,
}

/// Applications received and handled: the township chart's two series.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    pub received: Vec<String>,
    pub handled: Vec<String>,
}

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
    keys: HashMap<String, Vec<usize>>,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    pub id: String,
    pub table: String,
    pub along: Axis,
    pub each: Vec<String>,
    #[serde(default)]
    pub derived: Vec<String>,
    pub lhs: Vec<String>,
    pub rhs: Vec<String>,
    pub blame: String,
    /// The relation in words, for messages that refer to it (authors do
    /// not know identities by their ids).
    #[serde(default)]
    pub title: Option<String>,
    /// [`Identity::expand`], made once: every report of the format is
    /// checked against the same cells.
    #[serde(skip)]
    expanded: std::sync::OnceLock<Vec<(String, Option<Instance>)>>,
}

/// The cells an identity compares for one item of its `each` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub lhs: Vec<CellRef>,
    pub rhs: Vec<CellRef>,
    pub blame: Option<CellRef>,
}

impl Identity {
    /// Each item of `each` (`@leaves` resolved) with the cells it compares
    /// in `def`, the identity's table; `None` where the layout lacks them.
    pub fn expand(&self, def: &TableDef) -> &[(String, Option<Instance>)] {
        self.expanded.get_or_init(|| {
            resolve_ids(def, &self.each, self.along == Axis::Row)
                .into_iter()
                .map(|item| {
                    let inst = self.instance(def, &item);
                    (item, inst)
                })
                .collect()
        })
    }

    fn instance(&self, def: &TableDef, item: &str) -> Option<Instance> {
        match self.along {
            Axis::Row => {
                let row = def.row_by_id(item)?;
                let cell = |c: &String| def.col_by_id(row, c).map(|col| CellRef { row, col });
                let lhs: Option<Vec<_>> = self.lhs.iter().map(cell).collect();
                let rhs: Option<Vec<_>> = self.rhs.iter().map(cell).collect();
                let blame = def
                    .col_by_id(row, &self.blame)
                    .map(|col| CellRef { row, col });
                Some(Instance {
                    lhs: lhs?,
                    rhs: rhs?,
                    blame,
                })
            }
            Axis::Column => {
                let cell = |r: &String| {
                    let row = def.row_by_id(r)?;
                    def.col_by_id(row, item).map(|col| CellRef { row, col })
                };
                let lhs: Option<Vec<_>> =
                    resolve_ids(def, &self.lhs, true).iter().map(cell).collect();
                let rhs: Option<Vec<_>> =
                    resolve_ids(def, &self.rhs, true).iter().map(cell).collect();
                let blame = def
                    .row_by_id(&self.blame)
                    .and_then(|row| def.col_by_id(row, item).map(|col| CellRef { row, col }));
                Some(Instance {
                    lhs: lhs?,
                    rhs: rhs?,
                    blame,
                })
            }
        }
    }
}

/// Row or column ids with `@leaves` (rows only) replaced by the table's leaf rows.
fn resolve_ids(def: &TableDef, ids: &[String], axis_rows: bool) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        if id == "@leaves" && axis_rows {
            out.extend(def.leaves().into_iter().map(|r| def.row_def(r).id.clone()));
        } else {
            out.push(id.clone());
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    Row,
    Column,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carry {
    pub id: String,
    pub table: String,
    pub row: String,
    pub from_row: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stock {
    pub table: String,
    pub rows: Vec<String>,
    pub stock: String,
    pub inflow: String,
    pub outflow: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoRules {
    pub table: String,
    pub row: String,
}

/// W12 (gov-2019 §6.4): in each of `rows`, the cell in column `lhs` is at
/// most the cell in column `rhs` (本年新公开数量 ≤ 对外公开总数量).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bound {
    pub table: String,
    pub rows: Vec<String>,
    pub lhs: String,
    pub rhs: String,
}

/// W13 (gov-2019 §6.4): in each of `rows`, this year's `column` equals the
/// sum of last year's `from` columns (上一年项目数量(Y) = 上一年项目数量(Y−1) + 本年增/减(Y−1)).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rollover {
    pub table: String,
    pub rows: Vec<String>,
    pub column: String,
    pub from: Vec<String>,
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
        (0..self.rows.len()).find(|&r| self.row_def(r).id == id)
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
        let n = normalize(key);
        let mut hits: Vec<usize> = Vec::new();
        for k in [n.as_str(), strip_numbering(&n)] {
            if let Some(rows) = self.keys.get(k) {
                for &r in rows {
                    let ok = match within {
                        Some(g) => self.rows[r].parent == Some(g),
                        None => true,
                    };
                    if ok && !hits.contains(&r) {
                        hits.push(r);
                    }
                }
            }
            if !hits.is_empty() {
                break;
            }
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
    /// Column of `row` matching an authored key.
    pub fn match_col(&self, row: usize, key: &str) -> Option<usize> {
        let n = normalize(key);
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
    pub fn keys_of_table(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(normalize(&self.id)).chain(self.aliases.iter().map(|a| normalize(a)))
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

fn row_keys(d: &RowDef) -> Vec<String> {
    let mut keys = vec![normalize(&d.id), normalize(&d.label)];
    // `denied.state_secret` may be written as `state_secret` inside its group.
    if let Some((_, tail)) = d.id.split_once('.') {
        keys.push(normalize(tail));
    }
    if let Some(number) = &d.number {
        keys.push(normalize(&format!("{number}{}", d.label)));
    }
    keys.extend(d.short.iter().chain(d.aliases.iter()).map(|s| normalize(s)));
    keys
}

impl FormatDef {
    /// Parse and validate a definition; errors name what is inconsistent.
    pub fn from_toml(text: &str) -> Result<FormatDef, String> {
        let mut def: FormatDef = toml::from_str(text).map_err(|e| e.to_string())?;
        for t in &mut def.tables {
            t.index()?;
        }
        def.validate()?;
        Ok(def)
    }

    pub fn table(&self, id: &str) -> Option<(usize, &TableDef)> {
        self.tables.iter().enumerate().find(|(_, t)| t.id == id)
    }

    /// The cells a summary cell id (`table.row.column`) stands for: the
    /// table's index and the cell itself, or for a group row the cells of
    /// its sub-rows. `None` when the format lacks it.
    pub fn summary_cells(&self, id: &str) -> Option<(usize, Vec<CellRef>)> {
        let (table, rest) = id.split_once('.')?;
        let (t, def) = self.table(table)?;
        let (row_id, col_id) = rest.rsplit_once('.')?;
        let row = def.row_by_id(row_id)?;
        let rows: Vec<usize> = if def.is_group(row) {
            def.children(row).collect()
        } else {
            vec![row]
        };
        let cells = rows
            .into_iter()
            .map(|r| def.col_by_id(r, col_id).map(|col| CellRef { row: r, col }))
            .collect::<Option<Vec<CellRef>>>()?;
        Some((t, cells))
    }

    /// The cells of summary column `label`, when the format has it.
    pub fn summary_column(&self, label: &str) -> Option<&[String]> {
        self.summary
            .iter()
            .find(|c| c.label == label)
            .map(|c| c.cells.as_slice())
    }

    /// The table an authored `table=<key>` names.
    pub fn match_table(&self, key: &str) -> Option<usize> {
        let n = normalize(key);
        self.tables
            .iter()
            .position(|t| t.keys_of_table().any(|k| k == n))
    }

    fn validate(&self) -> Result<(), String> {
        for i in &self.identities {
            let (_, t) = self
                .table(&i.table)
                .ok_or(format!("{}: unknown table {}", i.id, i.table))?;
            let (each_axis_rows, other_rows) = match i.along {
                Axis::Row => (true, false),
                Axis::Column => (false, true),
            };
            let check = |ids: &[String], rows: bool| -> Result<(), String> {
                for id in ids {
                    if id == "@leaves" {
                        continue;
                    }
                    let found = if rows {
                        t.row_by_id(id).is_some()
                    } else {
                        t.blocks
                            .iter()
                            .any(|b| b.columns.iter().any(|c| &c.id == id))
                    };
                    if !found {
                        return Err(format!(
                            "{}: unknown {} {id}",
                            i.id,
                            if rows { "row" } else { "column" }
                        ));
                    }
                }
                Ok(())
            };
            check(&i.each, each_axis_rows)?;
            check(&i.lhs, other_rows)?;
            check(&i.rhs, other_rows)?;
        }
        self.validate_summary()?;
        self.validate_rules()
    }

    /// Summary columns and chart series name cells; a typo would show “—”
    /// on every index page, so it is an error here.
    fn validate_summary(&self) -> Result<(), String> {
        let series = self.series.iter().flat_map(|s| {
            [
                ("series.received", &s.received),
                ("series.handled", &s.handled),
            ]
        });
        let columns = self.summary.iter().map(|c| (c.label.as_str(), &c.cells));
        for (name, cells) in columns.chain(series) {
            if let Some(bad) = cells.iter().find(|id| self.summary_cells(id).is_none()) {
                return Err(format!("summary {name}: unknown cell {bad}"));
            }
        }
        Ok(())
    }

    /// The cross-year and plausibility rules name rows and columns too; a typo
    /// there would silently disable a check, so it is an error here.
    fn validate_rules(&self) -> Result<(), String> {
        let cells = |rule: &str, table: &str, rows: &[&str], cols: &[&str]| -> Result<(), String> {
            let (_, t) = self
                .table(table)
                .ok_or(format!("{rule}: unknown table {table}"))?;
            for r in rows {
                let row = t
                    .row_by_id(r)
                    .ok_or(format!("{rule}: unknown row {table}.{r}"))?;
                for c in cols {
                    t.col_by_id(row, c)
                        .ok_or(format!("{rule}: row {table}.{r} has no column {c}"))?;
                }
            }
            Ok(())
        };
        for c in &self.carry {
            cells("carry", &c.table, &[&c.row, &c.from_row], &[])?;
        }
        for s in &self.stock {
            cells(
                "stock",
                &s.table,
                &s.rows.iter().map(String::as_str).collect::<Vec<_>>(),
                &[&s.stock, &s.inflow, &s.outflow],
            )?;
        }
        for n in &self.no_rules {
            cells("no_rules", &n.table, &[&n.row], &[])?;
        }
        for b in &self.bound {
            cells(
                "bound",
                &b.table,
                &b.rows.iter().map(String::as_str).collect::<Vec<_>>(),
                &[&b.lhs, &b.rhs],
            )?;
        }
        for r in &self.rollover {
            let mut cols: Vec<&str> = r.from.iter().map(String::as_str).collect();
            cols.push(&r.column);
            cells(
                "rollover",
                &r.table,
                &r.rows.iter().map(String::as_str).collect::<Vec<_>>(),
                &cols,
            )?;
        }
        Ok(())
    }
}

impl TableDef {
    fn index(&mut self) -> Result<(), String> {
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
        let mut keys: HashMap<String, Vec<usize>> = HashMap::new();
        for r in 0..self.rows.len() {
            for k in row_keys(self.row_def(r)) {
                let v = keys.entry(k).or_default();
                if !v.contains(&r) {
                    v.push(r);
                }
            }
        }
        self.keys = keys;
        Ok(())
    }
}

/// All formats a site knows: the built-in ones plus the site's own.
#[derive(Debug, Clone)]
pub struct Registry {
    formats: Vec<Arc<FormatDef>>,
}

impl Registry {
    #[allow(
        clippy::panic,
        reason = "the built-in definitions are compiled in and loaded by a unit test; a broken one is a bug in nianbao, not in its input"
    )]
    pub fn builtin() -> Registry {
        let formats = BUILTIN
            .iter()
            .map(|(id, text)| match FormatDef::from_toml(text) {
                Ok(f) => Arc::new(f),
                // A broken built-in definition is a bug in nianbao itself, caught by its tests.
                Err(e) => panic!("built-in format {id} is invalid: {e}"),
            })
            .collect();
        Registry { formats }
    }

    /// Add a site's own definition; it replaces a built-in one with the same
    /// id. Without summary columns or chart series of its own it takes those
    /// of the newest built-in format (for the cells it has).
    pub fn add(&mut self, mut def: FormatDef) {
        if let Some(newest) = self.formats.iter().max_by_key(|f| f.years[1]) {
            if def.summary.is_empty() {
                def.summary = newest.summary.clone();
            }
            if def.series.is_none() {
                def.series = newest.series.clone();
            }
        }
        self.formats.retain(|f| f.id != def.id);
        self.formats.push(Arc::new(def));
    }

    /// The summary columns of the site: every format's labels, the newest
    /// format's first, each once.
    pub fn summary_labels(&self) -> Vec<String> {
        let mut formats: Vec<&Arc<FormatDef>> = self.formats.iter().collect();
        formats.sort_by_key(|f| std::cmp::Reverse(f.years[1]));
        let mut labels: Vec<String> = Vec::new();
        for c in formats.iter().flat_map(|f| &f.summary) {
            if !labels.contains(&c.label) {
                labels.push(c.label.clone());
            }
        }
        labels
    }

    pub fn get(&self, id: &str) -> Option<&Arc<FormatDef>> {
        self.formats.iter().find(|f| f.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.formats.iter().map(|f| f.id.as_str()).collect()
    }

    /// The default format for a reporting year.
    pub fn for_year(&self, year: u16) -> Option<&Arc<FormatDef>> {
        self.formats
            .iter()
            .filter(|f| f.years[0] <= year && year <= f.years[1])
            .min_by_key(|f| f.years[1] - f.years[0])
            .or_else(|| {
                self.formats
                    .iter()
                    .max_by_key(|f| f.years[0])
                    .filter(|f| year >= f.years[0])
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gov2021() -> Arc<FormatDef> {
        Registry::builtin().get("gov-2021").unwrap().clone()
    }

    #[test]
    fn builtin_definitions_load() {
        let f = gov2021();
        assert_eq!(f.tables.len(), 3);
        let (_, apps) = f.table("applications").unwrap();
        // 2 inputs + 21 leaves + total + carried_forward rows carry cells, 5 groups do not.
        assert_eq!(apps.leaves().len(), 21);
        assert_eq!(apps.ncells, 25 * 7);
        let (_, reviews) = f.table("reviews").unwrap();
        assert_eq!(reviews.ncells, 15);
    }

    #[test]
    fn rows_match_by_label_number_short_and_id() {
        let f = gov2021();
        let (_, t) = f.table("applications").unwrap();
        let new = t.row_by_id("new").unwrap();
        for key in [
            "本年新收政府信息公开申请数量",
            "一、本年新收政府信息公开申请数量",
            "本年新收",
            "new",
            "一、 本年新收政府信息公开申请数量",
        ] {
            assert_eq!(t.match_row(key, None), vec![new], "{key}");
        }
        let denied = t.row_by_id("denied").unwrap();
        let secret = t.row_by_id("denied.state_secret").unwrap();
        assert_eq!(t.match_row("1.属于国家秘密", Some(denied)), vec![secret]);
        assert_eq!(t.match_row("state_secret", Some(denied)), vec![secret]);
        assert_eq!(t.match_row("denied.state_secret", None), vec![secret]);
        let sec = t.row_by_id("denied.security_stability").unwrap();
        assert_eq!(t.match_row("危及\"三安全一稳定\"", Some(denied)), vec![sec]);
        assert_eq!(t.match_row("（三） 不予公开", None), vec![denied]);
        let partial = t.row_by_id("partial").unwrap();
        assert_eq!(t.match_row("部分公开", None), vec![partial]);
        assert_eq!(
            t.match_row(
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                None
            ),
            vec![partial]
        );
        // "其他" inside 其他处理 is the leaf, never the column.
        let oh = t.row_by_id("other_handling").unwrap();
        let other = t.row_by_id("other_handling.other").unwrap();
        assert_eq!(t.match_row("其他", Some(oh)), vec![other]);
        assert!(t.match_row("不存在的行", None).is_empty());
    }

    #[test]
    fn columns_and_tables_match() {
        let f = gov2021();
        assert_eq!(f.match_table("依申请公开"), f.match_table("applications"));
        assert_eq!(f.match_table("ACTIVE"), Some(0));
        let (_, t) = f.table("applications").unwrap();
        let new = t.row_by_id("new").unwrap();
        assert_eq!(t.match_col(new, "自然人"), Some(0));
        assert_eq!(t.match_col(new, "legal_service"), Some(4));
        assert_eq!(t.match_col(new, "总计"), Some(6));
        let (_, a) = f.table("active").unwrap();
        let norm = a.match_row("规范性文件", None);
        assert_eq!(norm, vec![a.row_by_id("normative_docs").unwrap()]);
    }

    #[test]
    fn labels_for_messages() {
        let f = gov2021();
        let (_, t) = f.table("applications").unwrap();
        let total = t.row_by_id("total").unwrap();
        assert_eq!(
            t.cell_labels(CellRef { row: total, col: 0 }),
            [
                "三、本年度办理结果（七）总计".to_string(),
                "自然人".to_string()
            ]
        );
        let (_, r) = f.table("reviews").unwrap();
        assert_eq!(
            r.cell_labels(CellRef { row: 2, col: 4 }),
            ["行政诉讼·复议后起诉".to_string(), "总计".to_string()]
        );
        assert_eq!(
            t.cell_id(CellRef { row: total, col: 6 }),
            "applications.total.total"
        );
    }

    #[test]
    fn format_for_year() {
        let r = Registry::builtin();
        assert_eq!(r.for_year(2021).unwrap().id, "gov-2021");
        assert_eq!(r.for_year(2030).unwrap().id, "gov-2021");
        assert_eq!(r.for_year(2019).unwrap().id, "gov-2019");
        assert_eq!(r.for_year(2020).unwrap().id, "gov-2019");
    }
}
