//! The format's identities (A1–A3, R1) and blank cells (W5), run as data.
//!
//! [`complete`] fills the totals an author left out; [`identities`] then
//! verifies every identity of the report's format, in the definition's order,
//! reporting each faulty cell once (gov-2021.md §6.1: A2 first, then A3 and A1
//! on the applicant columns, the total column only where written).

use std::collections::BTreeSet;

use crate::content::{Origin, Report, TableData, Value};
use crate::diag::{Diagnostic, Loc, Msg};
use crate::format::{Axis, CellRef, Identity, Instance, TableDef};

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

/// The terms of one side, by label: `「a」+「b」`, or `「a」…「z」共 21 项` when long.
fn terms_text(def: &TableDef, cells: &[CellRef], along: Axis) -> Msg {
    let names: Vec<String> = cells
        .iter()
        .map(|&c| match along {
            Axis::Row => def
                .columns_of(c.row)
                .get(c.col)
                .map_or_else(String::new, |col| col.label.clone()),
            Axis::Column => def.row_label(c.row),
        })
        .collect();
    if let (true, Some(first), Some(last)) = (names.len() > 4, names.first(), names.last()) {
        Msg::new(
            format!("「{first}」…「{last}」共 {} 项", names.len()),
            format!("「{first}」…「{last}」 ({} terms)", names.len()),
        )
    } else {
        let joined = names
            .iter()
            .map(|n| format!("「{n}」"))
            .collect::<Vec<_>>()
            .join("+");
        Msg::new(joined.clone(), joined)
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

/// A written cell where a row identity and a column identity both fail and
/// agree on one correction: the single root cause of both (a typo in a leaf
/// breaks its row total and its column total at once).
fn crossing(
    report: &Report,
    tables: &[TableData],
    fails: &[Failure],
) -> Option<(usize, CellRef, i128, Vec<usize>)> {
    let format = &report.format;
    let mut best: Option<(usize, CellRef, i128, Vec<usize>)> = None;
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
                Some((t, c, _, prev)) => {
                    fixed.len() > prev.len()
                        || (fixed.len() == prev.len() && (f.t, cell) < (*t, *c))
                }
            };
            if better {
                best = Some((f.t, cell, d, fixed));
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
    let mut out = Vec::new();
    let format = &report.format;
    let mut work: Vec<TableData> = report.tables.clone();

    // Phase 1: crossings.
    // A cell is corrected at most once, so this ends after at most one round per cell.
    let mut corrected: BTreeSet<(usize, CellRef)> = BTreeSet::new();
    loop {
        let fails = failures(report, &work);
        let Some((t, cell, d, fixed)) = crossing(report, &work, &fails) else {
            break;
        };
        if !corrected.insert((t, cell)) {
            break;
        }
        let Some(def) = format.tables.get(t) else {
            break;
        };
        let found = work.get(t).map_or(0, |data| data.int(def, cell));
        let expected = found + d;
        let mut codes: Vec<&'static str> = Vec::new();
        let mut notes = Vec::new();
        for &j in &fixed {
            let Some(f) = fails.get(j) else { continue };
            let Some(ident) = format.identities.get(f.ident) else {
                continue;
            };
            let code = static_code(&ident.id);
            if !codes.contains(&code) {
                codes.push(code);
            }
            let (lt, rt) = (
                terms_text(def, &f.inst.lhs, ident.along),
                terms_text(def, &f.inst.rhs, ident.along),
            );
            notes.push(Msg::new(
                format!("{code}：{} = {}，而 {} = {}", lt.zh, f.l, rt.zh, f.r),
                format!("{code}: {} = {}, but {} = {}", lt.en, f.l, rt.en, f.r),
            ));
        }
        let code = codes.first().copied().unwrap_or("A0");
        let cell_data = work.get(t).and_then(|data| data.cell(def, cell));
        let loc = cell_data.and_then(|c| c.loc());
        let msg = Msg::new(
            format!(
                "这一格写的是 {found}，使本行与本列的勾稽关系（{}）都不成立；改为 {expected} 后都成立",
                codes.join("、")
            ),
            format!(
                "this cell reads {found} and breaks both its row and its column ({}); {expected} makes them all hold",
                codes.join(", ")
            ),
        );
        let mut diag = Diagnostic::error(code, msg)
            .at(&report.file, loc)
            .labels(def.cell_labels(cell))
            .expected_found(expected, found);
        for n in notes {
            diag = diag.note(n);
        }
        diag = diag.hint(Msg::new(
            "一个数字同时使行合计和列合计不相等时，多半是这一格抄错了",
            "when one figure breaks both its row total and its column total, that figure is most likely the typo",
        ));
        out.push(diag);
        match work.get_mut(t).and_then(|data| data.cell_mut(def, cell)) {
            Some(c) => c.value = Value::Count(u64::try_from(expected).unwrap_or(0)),
            None => break,
        }
    }

    // Phase 2: what still fails, in the definition's order.
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
            let involved: Vec<CellRef> = inst.lhs.iter().chain(inst.rhs.iter()).copied().collect();
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
            if involved.iter().any(|c| blamed.contains(&(t, *c))) {
                continue;
            }
            let Some(blame) = inst.blame else { continue };
            blamed.insert((t, blame));
            out.push(phase2_diag(report, &work, ident, t, def, inst, blame, l, r));
        }
    }
    out
}

/// Another identity on the same axis that holds with `cell` as a term: then
/// the blamed cell agrees with the rest of its column and the fault is among
/// the terms of the failing side (a wrong leaf under a right total).
fn agrees_elsewhere(
    report: &Report,
    tables: &[TableData],
    t: usize,
    cell: CellRef,
    failing: &Identity,
) -> Option<String> {
    let format = &report.format;
    for ident in &format.identities {
        if ident.id == failing.id || ident.along != failing.along {
            continue;
        }
        let Some((ti, def)) = format.table(&ident.table) else {
            continue;
        };
        let Some(data) = tables.get(t).filter(|_| ti == t) else {
            continue;
        };
        for (_, inst) in ident.expand(def) {
            let Some(inst) = inst else {
                continue;
            };
            if inst.lhs.contains(&cell) == inst.rhs.contains(&cell) {
                continue;
            }
            if sum(def, data, &inst.lhs) == sum(def, data, &inst.rhs) {
                return Some(ident.title.clone().unwrap_or_else(|| ident.id.clone()));
            }
        }
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn phase2_diag(
    report: &Report,
    work: &[TableData],
    ident: &Identity,
    t: usize,
    def: &TableDef,
    inst: &Instance,
    blame: CellRef,
    l: i128,
    r: i128,
) -> Diagnostic {
    let Some(data) = work.get(t) else {
        return Diagnostic::error(static_code(&ident.id), Msg::default());
    };
    let code = static_code(&ident.id);
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
        .or_else(|| fallback_loc(def, data, inst));
    let computed = cell.is_some_and(|c| c.origin == Origin::Computed);
    let labels = def.cell_labels(blame);
    let (lt, rt) = (
        terms_text(def, &inst.lhs, ident.along),
        terms_text(def, &inst.rhs, ident.along),
    );
    // The blamed total agrees with another identity: the terms are wrong, not the total.
    let other = if computed {
        None
    } else {
        agrees_elsewhere(report, work, t, blame, ident)
    };
    let mut d = if let Some(other_id) = other {
        let found_suspects = suspects(report, work, t, def, inst, blame, l - r);
        let side = format!("{} = {l}，{} = {r}", lt.zh, rt.zh);
        let side_en = format!("{} = {l}, {} = {r}", lt.en, rt.en);
        match found_suspects.as_slice() {
            [(cell, want)] => {
                let have = data.int(def, *cell);
                let at = data.cell(def, *cell).and_then(|c| c.loc()).or(loc);
                return with_hint(
                    Diagnostic::error(
                        code,
                        Msg::new(
                            format!("「{}」{found} 符合「{other_id}」，但 {side}，两边不等；只有这一格改为 {want} 能使两边相等且不破坏其他勾稽关系", labels[0]),
                            format!("“{}” ({found}) agrees with {other_id}, but {side_en}; only this cell, as {want}, makes them equal without breaking another identity", labels[0]),
                        ),
                    )
                    .at(&report.file, at)
                    .labels(def.cell_labels(*cell))
                    .expected_found(want, have),
                    code,
                );
            }
            [] if let Some((cell, want)) =
                likely_terms(data, def, inst, blame, l - r).first().copied() =>
            {
                let have = data.int(def, cell);
                let at = data.cell(def, cell).and_then(|c| c.loc()).or(loc);
                let row = def.row_label(cell.row);
                let (or_zh, or_en) = match likely_terms(data, def, inst, blame, l - r).get(1) {
                    Some((c, w)) => (
                        format!("；也可能是「{}」应为 {w}", def.row_label(c.row)),
                        format!("; or “{}” should be {w}", def.row_label(c.row)),
                    ),
                    None => (String::new(), String::new()),
                };
                return with_hint(
                    Diagnostic::error(
                        code,
                        Msg::new(
                            format!("「{}」{found} 符合「{other_id}」，但 {side}，两边不等；最可能错的是「{row}」这一格，应为 {want}{or_zh}（改后这一行的总计也要相应改）", labels[0]),
                            format!("“{}” ({found}) agrees with “{other_id}”, but {side_en}; most likely “{row}” is wrong here and should be {want}{or_en} (then its row total too)", labels[0]),
                        ),
                    )
                    .at(&report.file, at)
                    .labels(def.cell_labels(cell))
                    .expected_found(want, have),
                    code,
                );
            }
            many => {
                let names: Vec<String> = many
                    .iter()
                    .take(4)
                    .map(|(c, _)| format!("「{}」", def.row_label(c.row)))
                    .collect();
                let at = many
                    .first()
                    .and_then(|(c, _)| data.cell(def, *c))
                    .and_then(|c| c.loc())
                    .or(loc);
                let which = if names.is_empty() {
                    "其中的其他项".to_string()
                } else {
                    names.join("、")
                };
                return with_hint(
                    Diagnostic::error(
                        code,
                        Msg::new(
                            format!("「{}」{found} 符合「{other_id}」，但 {side}，两边不等：错的多半是{which}", labels[0]),
                            format!("“{}” ({found}) agrees with {other_id}, but {side_en}: the fault is most likely among the other terms", labels[0]),
                        ),
                    )
                    .at(&report.file, at)
                    .labels(labels.clone()),
                    code,
                );
            }
        }
    } else if computed {
        Diagnostic::error(
            code,
            Msg::new(
                format!(
                    "由各项算出为 {found}，但 {} = {l}，{} = {r}，两边不等",
                    lt.zh, rt.zh
                ),
                format!("computed as {found}, but {} = {l}, {} = {r}", lt.en, rt.en),
            ),
        )
        .expected_found(r, l)
    } else {
        let d = Diagnostic::error(
            code,
            Msg::new(
                format!("{} = {l}，而 {} = {r}，两边应相等", lt.zh, rt.zh),
                format!(
                    "{} = {l}, but {} = {r}; the two sides must be equal",
                    lt.en, rt.en
                ),
            ),
        );
        if expected >= 0 {
            d.expected_found(expected, found)
        } else {
            d.expected_found(r, l)
        }
    };
    d = d.at(&report.file, loc).labels(labels);
    if let Some(h) = hint_for(code) {
        d = d.hint(h);
    }
    d
}

/// Whether a term of the instance could not be read (a value error).
fn unreadable(data: &TableData, inst: &Instance) -> bool {
    inst.lhs
        .iter()
        .chain(inst.rhs.iter())
        .any(|c| data.unreadable.contains(c))
}

fn with_hint(d: Diagnostic, code: &str) -> Diagnostic {
    match hint_for(code) {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// Written terms of a failing instance (other than its blamed cell) that one
/// change would repair without breaking an identity instance that holds now
/// and has no computed cell: the plausible typos. `diff` is `l − r`.
#[allow(clippy::too_many_arguments)]
fn suspects(
    report: &Report,
    work: &[TableData],
    t: usize,
    def: &TableDef,
    inst: &Instance,
    blame: CellRef,
    diff: i128,
) -> Vec<(CellRef, i128)> {
    let Some(data) = work.get(t) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let terms = inst
        .lhs
        .iter()
        .map(|c| (*c, true))
        .chain(inst.rhs.iter().map(|c| (*c, false)));
    for (cell, in_lhs) in terms {
        if cell == blame || !data.cell(def, cell).is_some_and(|c| c.written()) {
            continue;
        }
        let have = data.int(def, cell);
        let want = if in_lhs { have - diff } else { have + diff };
        if want < 0 {
            continue;
        }
        if !breaks_holding(report, work, t, cell, want - have) {
            out.push((cell, want));
        }
    }
    out
}

/// When no single cell repairs the failure without touching another
/// identity (each row's total would have to follow), the term to change
/// first: those on the blamed cell's side of the relation before the
/// others (for 本年新收 + 上年结转 = 总计 + 结转下年度 that is 结转下年度, the
/// figure most often forgotten), and only a value that stays ≥ 0.
fn likely_terms(
    data: &TableData,
    def: &TableDef,
    inst: &Instance,
    blame: CellRef,
    diff: i128,
) -> Vec<(CellRef, i128)> {
    let blame_in_lhs = inst.lhs.contains(&blame);
    let (same, other) = if blame_in_lhs {
        (&inst.lhs, &inst.rhs)
    } else {
        (&inst.rhs, &inst.lhs)
    };
    let same_side = same.iter().map(|c| (*c, blame_in_lhs));
    let other_side = other.iter().map(|c| (*c, !blame_in_lhs));
    same_side
        .chain(other_side)
        .filter_map(|(cell, in_lhs)| {
            if cell == blame || !data.cell(def, cell).is_some_and(|c| c.written()) {
                return None;
            }
            let have = data.int(def, cell);
            let want = if in_lhs { have - diff } else { have + diff };
            (want >= 0).then_some((cell, want))
        })
        .collect()
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
