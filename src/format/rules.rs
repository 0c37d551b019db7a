//! The rules of a format: the identities within a table, and the cross-year
//! and plausibility rules (carry, stock, no_rules, bound, rollover), with the
//! load-time check that every row and column they name exists.

use serde::Deserialize;

use super::{CellRef, FormatDef, TableDef};

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

impl FormatDef {
    /// Every table, row and column an identity names must exist in the
    /// format (`@leaves` stands for rows that do).
    pub(super) fn validate_identities(&self) -> Result<(), String> {
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
        Ok(())
    }

    /// The cross-year and plausibility rules name rows and columns too; a typo
    /// there would silently disable a check, so it is an error here.
    pub(super) fn validate_rules(&self) -> Result<(), String> {
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
