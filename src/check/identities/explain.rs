//! What to say about a failing identity: which cell to point at, the likely
//! typo when the blamed total agrees with another identity, and the hints.

use crate::content::{Origin, Report, TableData};
use crate::diag::{Diagnostic, Loc, Msg};
use crate::format::{Axis, CellRef, Identity, Instance, TableDef};

use super::{Crossing, Failure, breaks_holding, static_code, sum};

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

fn with_hint(d: Diagnostic, code: &str) -> Diagnostic {
    match hint_for(code) {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// Phase 1's message: the crossing's cell reads `found`, and the change
/// repairs a row identity and a column identity among `fails` at once.
pub(super) fn crossing(
    report: &Report,
    def: &TableDef,
    fails: &[Failure],
    c: &Crossing,
    found: i128,
    loc: Option<Loc>,
) -> Diagnostic {
    let format = &report.format;
    let (cell, fixed) = (c.cell, &c.fixed);
    let expected = found + c.d;
    let mut codes: Vec<&'static str> = Vec::new();
    let mut notes = Vec::new();
    for &j in fixed.iter() {
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
    diag.hint(Msg::new(
        "一个数字同时使行合计和列合计不相等时，多半是这一格抄错了",
        "when one figure breaks both its row total and its column total, that figure is most likely the typo",
    ))
}

/// A failing instance of an identity that phase 2 reports, with the cell it
/// blames; `l` and `r` are the sums of its two sides on the working copy.
pub(super) struct Blamed<'a> {
    pub(super) report: &'a Report,
    pub(super) work: &'a [TableData],
    pub(super) ident: &'a Identity,
    pub(super) t: usize,
    pub(super) def: &'a TableDef,
    pub(super) data: &'a TableData,
    pub(super) inst: &'a Instance,
    pub(super) blame: CellRef,
    pub(super) l: i128,
    pub(super) r: i128,
}

impl Blamed<'_> {
    fn code(&self) -> &'static str {
        static_code(&self.ident.id)
    }
    /// The two sides by label, Chinese and English: `「a」+「b」 = l，「c」 = r`.
    fn sides(&self) -> (String, String) {
        let (lt, rt) = self.terms();
        let (l, r) = (self.l, self.r);
        (
            format!("{} = {l}，{} = {r}", lt.zh, rt.zh),
            format!("{} = {l}, {} = {r}", lt.en, rt.en),
        )
    }
    fn terms(&self) -> (Msg, Msg) {
        (
            terms_text(self.def, &self.inst.lhs, self.ident.along),
            terms_text(self.def, &self.inst.rhs, self.ident.along),
        )
    }
    /// The first label of the blamed cell, as messages name it.
    fn label(&self) -> String {
        self.def.cell_labels(self.blame)[0].clone()
    }
    /// Where a suggested cell was written, else `loc`.
    fn at(&self, cell: CellRef, loc: Option<Loc>) -> Option<Loc> {
        self.data.cell(self.def, cell).and_then(|c| c.loc()).or(loc)
    }
}

/// Phase 2's message for a failing instance, at its blamed cell.
pub(super) fn failure(b: &Blamed) -> Diagnostic {
    let (def, data, inst) = (b.def, b.data, b.inst);
    let (l, r) = (b.l, b.r);
    let code = b.code();
    let found = data.int(def, b.blame);
    // The value that makes the identity hold, holding everything else.
    let expected = if inst.lhs.contains(&b.blame) {
        found + (r - l)
    } else {
        found + (l - r)
    };
    let cell = data.cell(def, b.blame);
    let loc = cell
        .and_then(|c| c.loc())
        .or_else(|| fallback_loc(def, data, inst));
    let computed = cell.is_some_and(|c| c.origin == Origin::Computed);
    let labels = def.cell_labels(b.blame);
    let (lt, rt) = b.terms();
    // The blamed total agrees with another identity: the terms are wrong, not the total.
    if !computed && let Some(other_id) = agrees_elsewhere(b.report, b.work, b.t, b.blame, b.ident) {
        return wrong_terms(b, &other_id, loc);
    }
    let mut d = if computed {
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
    d = d.at(&b.report.file, loc).labels(labels);
    if let Some(h) = hint_for(code) {
        d = d.hint(h);
    }
    d
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

/// The blamed cell agrees with the identity `other_id`, so the fault is among
/// the terms: the one term that repairs it, else the likeliest, else a list.
fn wrong_terms(b: &Blamed, other_id: &str, loc: Option<Loc>) -> Diagnostic {
    let d = match suspects(b).as_slice() {
        [(cell, want)] => only_suspect(b, other_id, *cell, *want, loc),
        [] if let Some((cell, want)) = likely_terms(b.data, b.def, b.inst, b.blame, b.l - b.r)
            .first()
            .copied() =>
        {
            likely_term(b, other_id, cell, want, loc)
        }
        many => among_terms(b, other_id, many, loc),
    };
    with_hint(d, b.code())
}

/// The one written term whose change repairs the failure and breaks nothing.
fn only_suspect(
    b: &Blamed,
    other_id: &str,
    cell: CellRef,
    want: i128,
    loc: Option<Loc>,
) -> Diagnostic {
    let (side, side_en) = b.sides();
    let (found, label) = (b.data.int(b.def, b.blame), b.label());
    let have = b.data.int(b.def, cell);
    Diagnostic::error(
        b.code(),
        Msg::new(
            format!("「{label}」{found} 符合「{other_id}」，但 {side}，两边不等；只有这一格改为 {want} 能使两边相等且不破坏其他勾稽关系"),
            format!("“{label}” ({found}) agrees with {other_id}, but {side_en}; only this cell, as {want}, makes them equal without breaking another identity"),
        ),
    )
    .at(&b.report.file, b.at(cell, loc))
    .labels(b.def.cell_labels(cell))
    .expected_found(want, have)
}

/// No term repairs the failure alone (its row total must follow): the
/// likeliest term, and the next one as an alternative.
fn likely_term(
    b: &Blamed,
    other_id: &str,
    cell: CellRef,
    want: i128,
    loc: Option<Loc>,
) -> Diagnostic {
    let (side, side_en) = b.sides();
    let (found, label) = (b.data.int(b.def, b.blame), b.label());
    let have = b.data.int(b.def, cell);
    let row = b.def.row_label(cell.row);
    let (or_zh, or_en) = match likely_terms(b.data, b.def, b.inst, b.blame, b.l - b.r).get(1) {
        Some((c, w)) => (
            format!("；也可能是「{}」应为 {w}", b.def.row_label(c.row)),
            format!("; or “{}” should be {w}", b.def.row_label(c.row)),
        ),
        None => (String::new(), String::new()),
    };
    Diagnostic::error(
        b.code(),
        Msg::new(
            format!("「{label}」{found} 符合「{other_id}」，但 {side}，两边不等；最可能错的是「{row}」这一格，应为 {want}{or_zh}（改后这一行的总计也要相应改）"),
            format!("“{label}” ({found}) agrees with “{other_id}”, but {side_en}; most likely “{row}” is wrong here and should be {want}{or_en} (then its row total too)"),
        ),
    )
    .at(&b.report.file, b.at(cell, loc))
    .labels(b.def.cell_labels(cell))
    .expected_found(want, have)
}

/// Several terms could be the typo (or none alone): name up to four.
fn among_terms(
    b: &Blamed,
    other_id: &str,
    many: &[(CellRef, i128)],
    loc: Option<Loc>,
) -> Diagnostic {
    let (side, side_en) = b.sides();
    let (found, label) = (b.data.int(b.def, b.blame), b.label());
    let names: Vec<String> = many
        .iter()
        .take(4)
        .map(|(c, _)| format!("「{}」", b.def.row_label(c.row)))
        .collect();
    let at = many
        .first()
        .and_then(|(c, _)| b.data.cell(b.def, *c))
        .and_then(|c| c.loc())
        .or(loc);
    let which = if names.is_empty() {
        "其中的其他项".to_string()
    } else {
        names.join("、")
    };
    Diagnostic::error(
        b.code(),
        Msg::new(
            format!("「{label}」{found} 符合「{other_id}」，但 {side}，两边不等：错的多半是{which}"),
            format!("“{label}” ({found}) agrees with {other_id}, but {side_en}: the fault is most likely among the other terms"),
        ),
    )
    .at(&b.report.file, at)
    .labels(b.def.cell_labels(b.blame))
}

/// Written terms of a failing instance (other than its blamed cell) that one
/// change would repair without breaking an identity instance that holds now
/// and has no computed cell: the plausible typos.
fn suspects(b: &Blamed) -> Vec<(CellRef, i128)> {
    let (def, data, blame) = (b.def, b.data, b.blame);
    let diff = b.l - b.r;
    let mut out = Vec::new();
    let terms = b
        .inst
        .lhs
        .iter()
        .map(|c| (*c, true))
        .chain(b.inst.rhs.iter().map(|c| (*c, false)));
    for (cell, in_lhs) in terms {
        if cell == blame || !data.cell(def, cell).is_some_and(|c| c.written()) {
            continue;
        }
        let have = data.int(def, cell);
        let want = if in_lhs { have - diff } else { have + diff };
        if want < 0 {
            continue;
        }
        if !breaks_holding(b.report, b.work, b.t, cell, want - have) {
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
