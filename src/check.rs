//! Checks: the format's identities, run as data.
//!
//! [`complete`] fills the totals an author left out; [`identities`] then
//! verifies every identity of the report's format, in the definition's order,
//! reporting each faulty cell once (gov-2021.md §6.1: A2 first, then A3 and A1
//! on the applicant columns, the total column only where written).

use std::collections::BTreeSet;

use crate::content::{Origin, Report, TableData, Value};
use crate::diag::{Diagnostic, Loc, Msg};
use crate::format::{Axis, CellRef, Identity, TableDef};

/// The cells one identity compares for one item of its `each` list.
struct Instance {
    lhs: Vec<CellRef>,
    rhs: Vec<CellRef>,
    blame: Option<CellRef>,
}

fn resolve(def: &TableDef, ids: &[String], axis_rows: bool) -> Vec<String> {
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

/// Expand one item of an identity into cell references. `None` when the item
/// names cells that this table layout does not have.
fn instance(def: &TableDef, ident: &Identity, item: &str) -> Option<Instance> {
    match ident.along {
        Axis::Row => {
            let row = def.row_by_id(item)?;
            let cell = |c: &String| def.col_by_id(row, c).map(|col| CellRef { row, col });
            let lhs: Option<Vec<_>> = ident.lhs.iter().map(cell).collect();
            let rhs: Option<Vec<_>> = ident.rhs.iter().map(cell).collect();
            let blame = def
                .col_by_id(row, &ident.blame)
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
            let lhs: Option<Vec<_>> = resolve(def, &ident.lhs, true).iter().map(cell).collect();
            let rhs: Option<Vec<_>> = resolve(def, &ident.rhs, true).iter().map(cell).collect();
            let blame = def
                .row_by_id(&ident.blame)
                .and_then(|row| def.col_by_id(row, item).map(|col| CellRef { row, col }));
            Some(Instance {
                lhs: lhs?,
                rhs: rhs?,
                blame,
            })
        }
    }
}

fn items(def: &TableDef, ident: &Identity) -> Vec<String> {
    resolve(def, &ident.each, ident.along == Axis::Row)
}

fn sum(def: &TableDef, data: &TableData, cells: &[CellRef]) -> i128 {
    cells.iter().map(|&c| data.int(def, c)).sum()
}

/// Fill omitted totals from their identities (A2 row totals, A3 results
/// total, R1 group totals), repeating until nothing changes so that the
/// order of identities in the definition does not matter.
pub fn complete(report: &mut Report) {
    let format = report.format.clone();
    // A total written as `~` is filled too: it was blank in the original (W5 says so), not wrong.
    let pending = |def: &TableDef,
                   data: &TableData,
                   c: CellRef,
                   filled: &BTreeSet<(usize, CellRef)>,
                   t: usize| {
        is_computed(def, c)
            && !filled.contains(&(t, c))
            && data
                .cell(def, c)
                .is_some_and(|x| matches!(x.origin, Origin::Omitted | Origin::Blank(_)))
    };
    let mut filled: BTreeSet<(usize, CellRef)> = BTreeSet::new();
    for _ in 0..4 {
        let mut changed = false;
        for ident in &format.identities {
            let Some((t, def)) = format.table(&ident.table) else {
                continue;
            };
            let Some(data) = report.tables.get_mut(t) else {
                continue;
            };
            for item in items(def, ident) {
                let Some(inst) = instance(def, ident, &item) else {
                    continue;
                };
                let [target] = inst.lhs.as_slice() else {
                    continue;
                };
                // Wait until every term is known: a term that is itself an omitted total comes first.
                if !pending(def, data, *target, &filled, t)
                    || inst.rhs.iter().any(|&c| pending(def, data, c, &filled, t))
                {
                    continue;
                }
                let total = sum(def, data, &inst.rhs);
                if let Some(cell) = data.cell_mut(def, *target) {
                    cell.value = Value::Count(u64::try_from(total).unwrap_or(0));
                    if cell.origin == Origin::Omitted {
                        cell.origin = Origin::Computed;
                    }
                    filled.insert((t, *target));
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

fn is_computed(def: &TableDef, c: CellRef) -> bool {
    def.row_def(c.row).computed
        || def
            .columns_of(c.row)
            .get(c.col)
            .is_some_and(|col| col.computed)
}

/// A place to point at when the blamed cell was not written: the first
/// written cell of the instance, else the row key, else the table key.
fn fallback_loc(def: &TableDef, data: &TableData, inst: &Instance) -> Option<Loc> {
    inst.blame
        .iter()
        .chain(inst.lhs.iter())
        .chain(inst.rhs.iter())
        .find_map(|&c| data.cell(def, c).and_then(|x| x.loc()))
        .or_else(|| {
            inst.blame
                .and_then(|b| data.row_locs.get(b.row).copied().flatten())
        })
        .or(data.written)
}

fn terms_text(def: &TableDef, cells: &[CellRef], along: Axis) -> String {
    let names: Vec<String> = cells
        .iter()
        .map(|&c| match along {
            Axis::Row => def.columns_of(c.row)[c.col].label.clone(),
            Axis::Column => def.row_path(c.row),
        })
        .collect();
    if names.len() > 4 {
        format!(
            "「{}」…「{}」共 {} 项",
            names[0],
            names[names.len() - 1],
            names.len()
        )
    } else {
        names
            .iter()
            .map(|n| format!("「{n}」"))
            .collect::<Vec<_>>()
            .join("+")
    }
}

fn hint_for(code: &str) -> Option<Msg> {
    match code {
        "A3" => Some(Msg::new(
            "（七）总计应等于（一）至（六）各小项之和。是否把一件「（二）部分公开」的申请又计入了其他行？区分处理的只计部分公开。",
            "（七）总计 is the sum of the result rows (一)–(六). Was an application counted under both （二）部分公开 and another row? Partly disclosed applications count only there.",
        )),
        "A1" => Some(Msg::new(
            "本列数据的勾稽关系：第一项加第二项之和，等于第三项加第四项之和（本年新收 + 上年结转 = 办理结果总计 + 结转下年度）。",
            "In every column, item 一 plus item 二 equals item 三 plus item 四 (received + carried over = handled + carried forward).",
        )),
        "A2" => Some(Msg::new(
            "「总计」列应等于自然人与各类法人或其他组织之和。",
            "The 总计 column is the sum of the six applicant columns.",
        )),
        "R1" => Some(Msg::new(
            "每组的「总计」应等于结果维持、结果纠正、其他结果、尚未审结之和。",
            "Each group's 总计 is upheld + corrected + other + pending.",
        )),
        _ => None,
    }
}

/// Verify every identity; one message per faulty cell.
pub fn identities(report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut blamed: BTreeSet<(usize, CellRef)> = BTreeSet::new();
    let format = &report.format;
    for ident in &format.identities {
        let Some((t, def)) = format.table(&ident.table) else {
            continue;
        };
        let Some(data) = report.tables.get(t) else {
            continue;
        };
        if data.written.is_none() {
            continue; // The missing table is reported once, by the loader.
        }
        let mut failed_plain = false;
        let all = items(def, ident);
        // Plain items first, derived ones after, so a derived item can see whether the others balanced.
        let (plain, derived): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|i| !ident.derived.contains(i));
        for (is_derived, item) in plain
            .into_iter()
            .map(|i| (false, i))
            .chain(derived.into_iter().map(|i| (true, i)))
        {
            let Some(inst) = instance(def, ident, &item) else {
                continue;
            };
            let involved: Vec<CellRef> = inst.lhs.iter().chain(inst.rhs.iter()).copied().collect();
            if is_derived {
                let written = inst
                    .blame
                    .and_then(|b| data.cell(def, b))
                    .is_some_and(|c| c.written());
                if failed_plain || !written {
                    continue;
                }
            }
            if involved.iter().any(|c| blamed.contains(&(t, *c))) {
                continue;
            }
            let l = sum(def, data, &inst.lhs);
            let r = sum(def, data, &inst.rhs);
            if l == r {
                continue;
            }
            if !is_derived {
                failed_plain = true;
            }
            let Some(blame) = inst.blame else { continue };
            blamed.insert((t, blame));
            let blame_in_lhs = inst.lhs.contains(&blame);
            let found = data.int(def, blame);
            // The value that makes the identity hold, holding everything else.
            let expected = if blame_in_lhs {
                found + (r - l)
            } else {
                found + (l - r)
            };
            let cell = data.cell(def, blame);
            let loc = cell
                .and_then(|c| c.loc())
                .or_else(|| fallback_loc(def, data, &inst));
            let computed = cell.is_some_and(|c| c.origin == Origin::Computed);
            let labels = def.cell_labels(blame);
            let (zh, en) = if computed {
                (
                    format!(
                        "由各项算出为 {found}，但 {} = {l}，{} = {r}，两边不等",
                        terms_text(def, &inst.lhs, ident.along),
                        terms_text(def, &inst.rhs, ident.along)
                    ),
                    format!("computed as {found}, but the two sides differ: {l} ≠ {r}"),
                )
            } else {
                (
                    format!(
                        "{} = {l}，而 {} = {r}，两边应相等",
                        terms_text(def, &inst.lhs, ident.along),
                        terms_text(def, &inst.rhs, ident.along)
                    ),
                    format!("the two sides of {} differ: {l} ≠ {r}", ident.id),
                )
            };
            let code: &'static str = match ident.id.as_str() {
                "A1" => "A1",
                "A2" => "A2",
                "A3" => "A3",
                "R1" => "R1",
                _ => "A0",
            };
            let mut d = Diagnostic::error(code, Msg::new(zh, en))
                .at(&report.file, loc)
                .labels(labels);
            if expected >= 0 && !computed {
                d = d.expected_found(expected, found);
            } else {
                d = d.expected_found(r, l);
            }
            if let Some(h) = hint_for(code) {
                d = d.hint(h);
            }
            out.push(d);
        }
    }
    out
}

/// W5: cells left blank (`~`). A blank total is a warning that names the
/// number it should hold, not an A2 error.
pub fn blanks(report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (t, def) in report.format.tables.iter().enumerate() {
        let Some(data) = report.tables.get(t) else {
            continue;
        };
        for row in 0..def.rows.len() {
            if def.is_group(row) {
                continue;
            }
            for col in 0..def.columns_of(row).len() {
                let at = CellRef { row, col };
                let Some(cell) = data.cell(def, at) else {
                    continue;
                };
                if let Origin::Blank(loc) = cell.origin {
                    let msg = if is_computed(def, at) {
                        Msg::new(
                            format!("此合计格留空（~），应为 {}", cell.value),
                            format!("this total is left blank (~); it should be {}", cell.value),
                        )
                    } else {
                        Msg::new(
                            "此格留空（~），按 0 计算；如确为 0，请写 0",
                            "this cell is left blank (~) and counts as 0; write 0 if it is zero",
                        )
                    };
                    out.push(
                        Diagnostic::warning("W5", msg)
                            .at(&report.file, Some(loc))
                            .labels(def.cell_labels(at)),
                    );
                }
            }
        }
    }
    out
}

/// Everything checkable within one report. Mutates only to fill omitted totals.
pub fn report(report: &mut Report) -> Vec<Diagnostic> {
    complete(report);
    let mut out = identities(report);
    out.extend(blanks(report));
    out
}
