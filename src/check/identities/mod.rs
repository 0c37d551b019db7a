//! The format's identities (A1–A3, R1) and blank cells (W5), run as data.
//!
//! [`complete`] fills the totals an author left out; [`identities`] then
//! verifies every identity of the report's format, in the definition's order,
//! reporting each faulty cell once (gov-2021.md §6.1: A2 first, then A3 and A1
//! on the applicant columns, the total column only where written).

mod explain;

use std::collections::BTreeSet;

use crate::content::{Origin, Report, TableData, Value};
use crate::diag::{Diagnostic, Msg};
use crate::format::{Axis, CellRef, Instance, TableDef};

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
            for (_, inst) in ident.expand(def) {
                let Some(inst) = inst else {
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
                // A total summed from a figure that could not be read is unknown too.
                if inst.rhs.iter().any(|c| data.unreadable.contains(c)) {
                    data.unreadable.insert(*target);
                }
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

/// One failing instance of an identity, evaluated on the working copy.
struct Failure {
    ident: usize,
    t: usize,
    inst: Instance,
    l: i128,
    r: i128,
}

impl Failure {
    /// The change to `cell` that makes this instance hold, if the cell is a term.
    fn fix_for(&self, cell: CellRef) -> Option<i128> {
        let in_l = self.inst.lhs.contains(&cell);
        let in_r = self.inst.rhs.contains(&cell);
        match (in_l, in_r) {
            (true, false) => Some(self.r - self.l),
            (false, true) => Some(self.l - self.r),
            _ => None,
        }
    }
}

/// Every failing instance of every identity on `tables`. Derived items are
/// evaluated only where their blamed cell was written (gov-2021.md §6.1).
fn failures(report: &Report, tables: &[TableData]) -> Vec<Failure> {
    let format = &report.format;
    let mut out = Vec::new();
    for (n, ident) in format.identities.iter().enumerate() {
        let Some((t, def)) = format.table(&ident.table) else {
            continue;
        };
        let Some(data) = tables.get(t) else { continue };
        if data.written.is_none() {
            continue; // The missing table is reported once, by the loader.
        }
        for (item, inst) in ident.expand(def) {
            let Some(inst) = inst else {
                continue;
            };
            if unreadable(data, inst) || (data.incomplete && ident.along == Axis::Column) {
                continue;
            }
            if ident.derived.contains(item)
                && !inst
                    .blame
                    .and_then(|b| data.cell(def, b))
                    .is_some_and(|c| c.written())
            {
                continue;
            }
            let (l, r) = (sum(def, data, &inst.lhs), sum(def, data, &inst.rhs));
            if l != r {
                out.push(Failure {
                    ident: n,
                    t,
                    inst: inst.clone(),
                    l,
                    r,
                });
            }
        }
    }
    out
}

/// Changing `cell` of table `t` by `d` repairs the failures `fixed`
/// (indices into the failures it was found among).
struct Crossing {
    t: usize,
    cell: CellRef,
    d: i128,
    fixed: Vec<usize>,
}

/// A written cell where a row identity and a column identity both fail and
/// agree on one correction: the single root cause of both (a typo in a leaf
/// breaks its row total and its column total at once).
fn crossing(report: &Report, tables: &[TableData], fails: &[Failure]) -> Option<Crossing> {
    let format = &report.format;
    let mut best: Option<Crossing> = None;
    for (i, f) in fails.iter().enumerate() {
        let Some(ident) = format.identities.get(f.ident) else {
            continue;
        };
        if ident.along != Axis::Row {
            continue;
        }
        let Some(def) = format.tables.get(f.t) else {
            continue;
        };
        let Some(data) = tables.get(f.t) else {
            continue;
        };
        for &cell in f.inst.lhs.iter().chain(f.inst.rhs.iter()) {
            if !data.cell(def, cell).is_some_and(|c| c.written()) {
                continue;
            }
            let Some(d) = f.fix_for(cell) else { continue };
            let found = data.int(def, cell);
            if d == 0 || found + d < 0 {
                continue;
            }
            // Every failing instance this one change repairs.
            let fixed: Vec<usize> = fails
                .iter()
                .enumerate()
                .filter(|(_, g)| g.t == f.t && g.fix_for(cell) == Some(d))
                .map(|(j, _)| j)
                .collect();
            let crosses = fixed.iter().any(|&j| {
                fails
                    .get(j)
                    .and_then(|g| format.identities.get(g.ident))
                    .is_some_and(|x| x.along == Axis::Column)
            });
            // A correction that breaks an identity holding now is no single cause.
            if !crosses || !fixed.contains(&i) || breaks_holding(report, tables, f.t, cell, d) {
                continue;
            }
            let better = match &best {
                None => true,
                Some(b) => {
                    fixed.len() > b.fixed.len()
                        || (fixed.len() == b.fixed.len() && (f.t, cell) < (b.t, b.cell))
                }
            };
            if better {
                best = Some(Crossing {
                    t: f.t,
                    cell,
                    d,
                    fixed,
                });
            }
        }
    }
    best
}

/// Verify every identity; one message per root cause (gov-2021.md §6.1).
///
/// First, cells where a row identity (A2) and a column identity (A3/A1) fail
/// and one correction repairs both are reported as the cause, and corrected on
/// a working copy. What still fails is then reported in the definition's
/// order (A2 first, then A3 and A1 on the applicant columns, the total column
/// only where written and the others balanced), each blamed cell once.
pub fn identities(report: &Report) -> Vec<Diagnostic> {
    // Most reports balance: then neither phase finds anything (phase 2
    // reports only instances that `failures` counts), and neither the
    // working copy nor a second evaluation is needed.
    if failures(report, &report.tables).is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut work: Vec<TableData> = report.tables.clone();
    correct_crossings(report, &mut work, &mut out);
    still_failing(report, &work, &mut out);
    out
}

/// Phase 1: each crossing reported as the cause of the failures it
/// repairs, and corrected on the working copy `work`.
fn correct_crossings(report: &Report, work: &mut [TableData], out: &mut Vec<Diagnostic>) {
    let format = &report.format;
    // A cell is corrected at most once, so this ends after at most one round per cell.
    let mut corrected: BTreeSet<(usize, CellRef)> = BTreeSet::new();
    loop {
        let fails = failures(report, work);
        let Some(c) = crossing(report, work, &fails) else {
            break;
        };
        if !corrected.insert((c.t, c.cell)) {
            break;
        }
        let Some(def) = format.tables.get(c.t) else {
            break;
        };
        let found = work.get(c.t).map_or(0, |data| data.int(def, c.cell));
        let loc = work
            .get(c.t)
            .and_then(|data| data.cell(def, c.cell))
            .and_then(|x| x.loc());
        out.push(explain::crossing(report, def, &fails, &c, found, loc));
        match work
            .get_mut(c.t)
            .and_then(|data| data.cell_mut(def, c.cell))
        {
            Some(x) => x.value = Value::Count(u64::try_from(found + c.d).unwrap_or(0)),
            None => break,
        }
    }
}

/// Phase 2: what still fails on `work`, in the definition's order, each
/// blamed cell once.
fn still_failing(report: &Report, work: &[TableData], out: &mut Vec<Diagnostic>) {
    let format = &report.format;
    let mut blamed: BTreeSet<(usize, CellRef)> = BTreeSet::new();
    for ident in &format.identities {
        let Some((t, def)) = format.table(&ident.table) else {
            continue;
        };
        let Some(data) = work.get(t) else { continue };
        if data.written.is_none() {
            continue;
        }
        let mut failed_plain = false;
        let all = ident.expand(def);
        // Plain items first, derived ones after, so a derived item can see whether the others balanced.
        let (plain, derived): (Vec<_>, Vec<_>) =
            all.iter().partition(|(i, _)| !ident.derived.contains(i));
        for (is_derived, item) in plain
            .into_iter()
            .map(|i| (false, i))
            .chain(derived.into_iter().map(|i| (true, i)))
        {
            let (_, Some(inst)) = item else {
                continue;
            };
            if unreadable(data, inst) || (data.incomplete && ident.along == Axis::Column) {
                // Reported as a value or key error already; its sums say nothing new.
                continue;
            }
            if is_derived {
                let written = inst
                    .blame
                    .and_then(|b| data.cell(def, b))
                    .is_some_and(|c| c.written());
                if failed_plain || !written {
                    continue;
                }
            }
            let l = sum(def, data, &inst.lhs);
            let r = sum(def, data, &inst.rhs);
            if l == r {
                continue;
            }
            if !is_derived {
                failed_plain = true;
            }
            // Already explained by a cell reported under an earlier identity.
            let mut involved = inst.lhs.iter().chain(inst.rhs.iter());
            if involved.any(|c| blamed.contains(&(t, *c))) {
                continue;
            }
            let Some(blame) = inst.blame else { continue };
            blamed.insert((t, blame));
            out.push(explain::failure(&explain::Blamed {
                report,
                work,
                ident,
                t,
                def,
                data,
                inst,
                blame,
                l,
                r,
            }));
        }
    }
}

/// Whether a term of the instance could not be read (a value error).
fn unreadable(data: &TableData, inst: &Instance) -> bool {
    inst.lhs
        .iter()
        .chain(inst.rhs.iter())
        .any(|c| data.unreadable.contains(c))
}

/// Whether changing `cell` by `d` breaks an instance that holds now and whose
/// cells are all written or omitted (a computed total would follow the change).
fn breaks_holding(report: &Report, tables: &[TableData], t: usize, cell: CellRef, d: i128) -> bool {
    let format = &report.format;
    let Some(def) = format.tables.get(t) else {
        return false;
    };
    let Some(data) = tables.get(t) else {
        return false;
    };
    for ident in &format.identities {
        if format.table(&ident.table).map(|(i, _)| i) != Some(t) {
            continue;
        }
        for (_, inst) in ident.expand(def) {
            let Some(inst) = inst else {
                continue;
            };
            let (in_l, in_r) = (inst.lhs.contains(&cell), inst.rhs.contains(&cell));
            if in_l == in_r || d == 0 {
                continue;
            }
            let all: Vec<CellRef> = inst.lhs.iter().chain(inst.rhs.iter()).copied().collect();
            if all.iter().any(|c| {
                data.cell(def, *c)
                    .is_some_and(|x| x.origin == Origin::Computed)
            }) {
                continue;
            }
            if sum(def, data, &inst.lhs) == sum(def, data, &inst.rhs) {
                return true;
            }
        }
    }
    false
}

/// The stable code of an identity id from a format definition.
pub fn static_code(id: &str) -> &'static str {
    super::severity::known(id).unwrap_or("A0")
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
