//! Cell sequences onto the format definition.
//!
//! Nothing here spells a label: rows are found with [`TableDef::match_row`]
//! (which folds width, spaces, quotes and numbering), header cells by the
//! column labels, captions and notes of the definition. A row label is
//! followed by its figures; how many figures a row has comes from the
//! definition, so a row whose blank cells the copy collapsed is recognised as
//! such and never filled by guessing.

use std::collections::HashSet;

use crate::diag::Msg;
use crate::format::labels::{normalize, strip_numbering};
use crate::format::{Layout, TableDef};

use super::{Item, Shape, is_prose};

/// One cell's figure as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Val {
    /// The figure in the authoring format, `None` for a blank cell.
    pub figure: Option<String>,
    /// The cell as printed (for messages).
    pub printed: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Text(String),
    Val(Val),
    RowEnd,
}

/// Marks printed in empty cells, read as blank.
const DASHES: &[&str] = &["-", "—", "——", "－", "/", "／", "\\", "无", "–", "―"];

/// A figure printed with 件 or thousands separators is read as its number;
/// say so, so the author can compare with the page.
fn reading_note(label: &str, vals: &[Val], notes: &mut Vec<Msg>) {
    let read: Vec<String> = vals
        .iter()
        .filter_map(|v| {
            let f = v.figure.as_deref()?;
            (v.printed.contains('件') || v.printed.contains(',') || v.printed.contains('，'))
                .then(|| format!("「{}」读作 {f}", v.printed))
        })
        .collect();
    if !read.is_empty() {
        notes.push(Msg::new(
            format!("「{label}」：{}", read.join("，")),
            format!("“{label}”: {}", read.join(", ")),
        ));
    }
}

/// `1,234,567` as `1234567`: only when every group after the first has
/// exactly three digits (so `3,1` — two figures with a comma — stays as is).
fn strip_grouping(s: &str) -> String {
    let mut groups = s.split(',');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if rest.is_empty()
        || !digits(first.trim_start_matches(['-', '+']))
        || first.trim_start_matches(['-', '+']).len() > 3
        || !rest.iter().all(|g| g.len() == 3 && digits(g))
    {
        return s.to_string();
    }
    format!("{first}{}", rest.concat())
}

/// The one way to cut a run of digits into `k` counts, none written with a
/// leading zero (`000` in three columns is 0, 0, 0; `105` in two is 10, 5 —
/// or 1, 05, which is not a count — so it is certain). `None` when there is
/// no way or more than one.
pub fn unique_split(d: &str, k: usize) -> Option<Vec<String>> {
    fn go(d: &str, k: usize, acc: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
        if found.len() > 1 {
            return;
        }
        if k == 0 {
            if d.is_empty() {
                found.push(acc.clone());
            }
            return;
        }
        for len in 1..=d.len() {
            let part = &d[..len];
            if part.len() > 1 && part.starts_with('0') {
                break;
            }
            acc.push(part.to_string());
            go(&d[len..], k - 1, acc, found);
            acc.pop();
        }
    }
    if k == 0 || !d.bytes().all(|b| b.is_ascii_digit()) || d.len() > 24 {
        return None;
    }
    let mut found = Vec::new();
    go(d, k, &mut Vec::new(), &mut found);
    (found.len() == 1).then(|| found.remove(0))
}

/// Whether a cell holds a figure (a count, a signed change, an amount with a unit).
pub fn looks_numeric(s: &str) -> bool {
    figure(s).is_some()
}

fn figure(s: &str) -> Option<String> {
    // `3件`: a count with its measure word; `1,234`: thousands grouped.
    // Both are certain readings (noted where the row is placed).
    let grouped = strip_grouping(&normalize(s));
    let s = grouped.strip_suffix('件').unwrap_or(&grouped);
    let n: String = normalize(s).replace('−', "-");
    let n = n
        .trim_end_matches("万元")
        .trim_end_matches("亿元")
        .trim_end_matches('元');
    let body = n.strip_prefix(['-', '+']).unwrap_or(n);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(body.contains('.') && frac.is_empty());
    if !ok {
        return None;
    }
    // Keep the unit as printed (采购总金额 251000元); the rest in ASCII.
    let unit_len = normalize(s).replace('−', "-").len() - n.len();
    let full = normalize(s).replace('−', "-");
    Some(format!("{n}{}", &full[full.len() - unit_len..]))
}

fn classify(cell: &str) -> Tok {
    let t = cell.trim();
    if t.is_empty() {
        return Tok::Val(Val {
            figure: None,
            printed: String::new(),
        });
    }
    if DASHES.contains(&t) {
        return Tok::Val(Val {
            figure: None,
            printed: t.to_string(),
        });
    }
    match figure(t) {
        Some(f) => Tok::Val(Val {
            figure: Some(f),
            printed: t.to_string(),
        }),
        None => Tok::Text(t.to_string()),
    }
}

/// Items of one section into tokens, and the prose lines found among them.
pub fn tokens(items: &[Item], shape: Shape) -> (Vec<Tok>, Vec<String>) {
    let mut toks = Vec::new();
    let mut prose = Vec::new();
    let mut blanks = 0usize;
    for item in items {
        match item {
            Item::Cell(c) => toks.push(classify(c)),
            Item::RowEnd => {
                if !matches!(toks.last(), Some(Tok::RowEnd) | None) {
                    toks.push(Tok::RowEnd);
                }
            }
            Item::Blank => blanks += 1,
            Item::Line(l) => {
                if is_prose(l) {
                    prose.push(l.clone());
                    blanks = 0;
                    continue;
                }
                match shape {
                    Shape::Lines => {
                        let pieces: Vec<&str> = l.split_whitespace().collect();
                        for p in &pieces {
                            toks.push(classify(p));
                        }
                        if pieces.len() > 1 {
                            toks.push(Tok::RowEnd);
                        }
                    }
                    Shape::BlankSeparated => {
                        // One blank line separates cells; an empty cell is an empty
                        // line between two separators: 3 blank lines = 1 blank cell.
                        if blanks >= 3 && !toks.is_empty() {
                            for _ in 0..(blanks - 1) / 2 {
                                toks.push(Tok::Val(Val {
                                    figure: None,
                                    printed: String::new(),
                                }));
                            }
                        }
                        toks.push(classify(l));
                    }
                    Shape::Cells => {
                        toks.push(classify(l));
                        toks.push(Tok::RowEnd);
                    }
                }
            }
        }
        if !matches!(item, Item::Blank) {
            blanks = 0;
        }
    }
    (toks, prose)
}

/// What was read for one row of the definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowRead {
    /// Not found on the page.
    Missing,
    /// One figure (or blank) per column, in column order.
    Values(Vec<Option<String>>),
    /// Found, but its figures cannot be placed in columns.
    Todo { printed: Vec<String>, why: Msg },
}

/// One table as read from the page.
#[derive(Debug, Clone)]
pub struct TableRead {
    /// Indexed like `TableDef::rows`; group rows stay `Missing`.
    pub rows: Vec<RowRead>,
    /// Per row: a note to print beside it (dashes read as blank, glued digits …).
    pub row_notes: Vec<Vec<Msg>>,
    /// Notes about the table as a whole (unknown rows, figures under group rows).
    pub notes: Vec<Msg>,
    /// How well the page fits this definition (higher is better).
    pub score: i64,
    /// Rows with figures on the page that this definition does not have.
    pub dropped_rows: usize,
}

impl TableRead {
    /// Every row with figures was read and placed.
    pub fn complete(&self, def: &TableDef) -> bool {
        (0..def.rows.len())
            .all(|r| def.is_group(r) || matches!(self.rows.get(r), Some(RowRead::Values(_))))
    }
    pub fn found_any(&self) -> bool {
        self.rows.iter().any(|r| !matches!(r, RowRead::Missing))
    }
}

/// Everything in a table's definition that is a header, never a row.
fn header_keys(def: &TableDef) -> HashSet<String> {
    let mut keys = HashSet::new();
    let mut add = |s: &str| {
        let n = normalize(s);
        keys.insert(strip_numbering(&n).to_string());
        keys.insert(n);
    };
    add(&def.caption);
    for b in &def.blocks {
        for s in [&b.caption, &b.corner, &b.column_header]
            .into_iter()
            .flatten()
        {
            add(s);
        }
        for c in &b.columns {
            add(&c.label);
            if let Some(s) = &c.short {
                add(s);
            }
            for a in &c.aliases {
                add(a);
            }
        }
        for g in &b.column_groups {
            add(&g.label);
        }
    }
    keys
}

enum Label {
    Row {
        row: usize,
        next: usize,
        glued: Option<String>,
        /// The rest of a label the PDF layer printed after the figures.
        tail: Option<usize>,
    },
    Header {
        next: usize,
    },
    Unknown,
}

/// Positions of up to `max` consecutive text tokens from `i`, across row ends
/// (a label wrapped over lines) but never across a figure.
fn text_run(toks: &[Tok], i: usize, max: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut j = i;
    while j < toks.len() && out.len() < max {
        match &toks[j] {
            Tok::Text(_) => out.push(j),
            Tok::RowEnd => {}
            Tok::Val(_) => break,
        }
        j += 1;
    }
    out
}

fn text_of(toks: &[Tok], at: &[usize]) -> String {
    at.iter()
        .filter_map(|&j| {
            if let Some(Tok::Text(t)) = toks.get(j) {
                Some(t.as_str())
            } else {
                None
            }
        })
        .collect()
}

fn pick(def: &TableDef, hits: Vec<usize>, seen: &[bool], last: Option<usize>) -> Option<usize> {
    let fresh: Vec<usize> = hits
        .into_iter()
        .filter(|&r| !seen.get(r).copied().unwrap_or(true))
        .collect();
    match fresh.as_slice() {
        [r] => Some(*r),
        [] => None,
        many => many
            .iter()
            .copied()
            .find(|&r| last.is_none_or(|l| r > l))
            .or_else(|| many.first().copied())
            .filter(|&r| r < def.rows.len()),
    }
}

fn match_label(
    def: &TableDef,
    toks: &[Tok],
    i: usize,
    headers: &HashSet<String>,
    seen: &[bool],
    last: Option<usize>,
) -> Label {
    // PDF text layers space out CJK labels (「规 章」): allow a label in many pieces.
    let run = text_run(toks, i, 40);
    let any_row = last.is_some();
    for k in (1..=run.len()).rev() {
        let s = text_of(toks, &run[..k]);
        let n = normalize(&s);
        let is_header = headers.contains(&n)
            || (k == 1 && headers.contains(strip_numbering(&n)) && strip_numbering(&n) != n);
        let next = run[k - 1] + 1;
        if is_header && !any_row {
            return Label::Header { next };
        }
        if let Some(row) = pick(def, def.match_row(&s, None), seen, last) {
            return Label::Row {
                row,
                next,
                glued: None,
                tail: None,
            };
        }
        if is_header {
            return Label::Header { next };
        }
    }
    // 「规章000」: figures glued to the label.
    if let Some(Tok::Text(t)) = toks.get(i) {
        let n = normalize(t);
        let digits = super::trailing_digits(&n).to_string();
        if !digits.is_empty() && digits.len() < n.len() {
            let label = &n[..n.len() - digits.len()];
            if let Some(row) = pick(def, def.match_row(label, None), seen, last) {
                return Label::Row {
                    row,
                    next: i + 1,
                    glued: Some(digits),
                    tail: None,
                };
            }
        }
    }
    // A PDF text layer may print the figures on the first line of a wrapped
    // label and the rest of the label on the next: 「…不再处理 0 0 … 0 / 其政府信息公开申请」.
    if let Some(&first) = run.first() {
        let vals_at = run.last().map_or(first, |&l| l + 1);
        let mut j = vals_at;
        while j < toks.len() && matches!(toks[j], Tok::Val(_) | Tok::RowEnd) {
            j += 1;
        }
        if j > vals_at && matches!(toks.get(j), Some(Tok::Text(_))) {
            let mut at = run.clone();
            at.push(j);
            let s = text_of(toks, &at);
            if let Some(row) = pick(def, def.match_row(&s, None), seen, last) {
                return Label::Row {
                    row,
                    next: vals_at,
                    glued: None,
                    tail: Some(j),
                };
            }
        }
    }
    Label::Unknown
}

fn labels_list(def: &TableDef, row: usize) -> String {
    def.columns_of(row)
        .iter()
        .map(|c| c.label.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// Figures printed without their label just before `row`, whose previous
/// row in the same block is not on the page otherwise: the form's order
/// makes them that row (the first row under 第二十条第（一）项 is 规章).
/// Read as such only when their count fits the row, with a note.
fn positional(def: &TableDef, row: usize, vals: Vec<Val>, seen: &mut [bool], out: &mut TableRead) {
    let figures = vals.iter().filter(|v| v.figure.is_some()).count();
    let Some(p) = row.checked_sub(1) else { return };
    let same_block = def.rows[p].block == def.rows[row].block;
    let ncols = def.columns_of(p).len();
    if figures == 0 || !same_block || seen[p] || def.is_group(p) || vals.len() != ncols {
        return;
    }
    let label = def.row_path(p);
    let next = def.row_path(row);
    out.row_notes[p].push(Msg::new(
        format!("原文这一行没有行名；它在「{next}」之前、本组的位置上，按官方表格的顺序读作「{label}」，请核对"),
        format!("this row has no label on the page; by its place before “{next}” it is read as “{label}”, please verify"),
    ));
    out.score += 2 + figures as i64;
    seen[p] = true;
    out.rows[p] = RowRead::Values(vals.into_iter().map(|v| v.figure).collect());
}

/// Read one table from the tokens of its section.
pub fn read_table(def: &TableDef, toks: &[Tok]) -> TableRead {
    let n = def.rows.len();
    let mut out = TableRead {
        rows: vec![RowRead::Missing; n],
        row_notes: vec![Vec::new(); n],
        notes: Vec::new(),
        score: 0,
        dropped_rows: 0,
    };
    if def.layout == Layout::Transposed && transposed(def, toks, &mut out) {
        return out;
    }
    let headers = header_keys(def);
    let mut seen = vec![false; n];
    let mut last: Option<usize> = None;
    // Figures printed without a row label (after a block's header).
    let mut orphan: Vec<Val> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::RowEnd => i += 1,
            Tok::Val(v) => {
                if v.figure.is_some() {
                    out.score -= 1;
                }
                orphan.push(v.clone());
                i += 1;
            }
            Tok::Text(t) => match match_label(def, toks, i, &headers, &seen, last) {
                Label::Header { next } => {
                    orphan.clear();
                    i = next;
                }
                Label::Unknown => {
                    orphan.clear();
                    // An unknown label followed by figures: a row this format does not have.
                    let figs = figures_after(toks, i + 1);
                    if figs.iter().any(|v| v.figure.is_some()) && t.chars().count() <= 60 {
                        let printed: Vec<&str> = figs.iter().map(|v| v.printed.as_str()).collect();
                        out.notes.push(Msg::new(
                            format!("原文有一行「{t}」（{}），不是「{}」的行，未导入", printed.join(" "), def.caption),
                            format!("the page has a row “{t}” ({}) that is not a row of “{}”; not imported", printed.join(" "), def.caption),
                        ));
                        out.score -= 2;
                        out.dropped_rows += 1;
                    }
                    i += 1;
                }
                Label::Row {
                    row,
                    next,
                    glued,
                    tail,
                } => {
                    positional(def, row, std::mem::take(&mut orphan), &mut seen, &mut out);
                    seen[row] = true;
                    last = Some(row);
                    out.score += 2;
                    let vals = figures_after(toks, next);
                    i = next + consumed(toks, next, vals.len());
                    if let Some(t) = tail {
                        i = i.max(t + 1);
                    }
                    if def.is_group(row) {
                        if vals.iter().any(|v| v.figure.is_some()) {
                            let printed: Vec<&str> =
                                vals.iter().map(|v| v.printed.as_str()).collect();
                            let label = def.row_path(row);
                            out.notes.push(Msg::new(
                                format!("「{label}」是分组行，本身没有数字；原文在它后面印有 {}，未导入", printed.join(" ")),
                                format!("“{label}” is a group heading without figures; the page prints {} after it, not imported", printed.join(" ")),
                            ));
                            out.score -= 4;
                        }
                        continue;
                    }
                    let at_end = toks
                        .get(i..)
                        .is_none_or(|rest| rest.iter().all(|t| matches!(t, Tok::RowEnd)));
                    let read = place(
                        def,
                        row,
                        vals,
                        glued.as_deref(),
                        at_end,
                        &mut out.row_notes[row],
                    );
                    match &read {
                        RowRead::Values(v) => out.score += v.len() as i64,
                        _ => out.score -= 1,
                    }
                    out.rows[row] = read;
                }
            },
        }
    }
    out
}

/// The figures (and blanks) after a label: up to the next text, or the end of
/// the row — unless the label stands alone on its row and its figures follow
/// on the next one.
fn figures_after(toks: &[Tok], from: usize) -> Vec<Val> {
    let mut vals = Vec::new();
    let mut j = from;
    while j < toks.len() {
        match &toks[j] {
            Tok::Val(v) => vals.push(v.clone()),
            Tok::Text(_) => break,
            Tok::RowEnd => {
                let next_is_figure = matches!(
                    toks.get(j + 1),
                    Some(Tok::Val(Val {
                        figure: Some(_),
                        ..
                    }))
                );
                if !(vals.is_empty() && next_is_figure) {
                    break;
                }
            }
        }
        j += 1;
    }
    vals
}

/// Tokens spanned by `n` figures from `from` (row ends included).
fn consumed(toks: &[Tok], from: usize, n: usize) -> usize {
    let mut seen = 0;
    let mut j = from;
    while j < toks.len() && seen < n {
        if matches!(toks[j], Tok::Val(_)) {
            seen += 1;
        }
        j += 1;
    }
    j - from
}

fn dash_note(vals: &[Val], notes: &mut Vec<Msg>) {
    let dashes: Vec<&str> = vals
        .iter()
        .filter(|v| v.figure.is_none() && !v.printed.is_empty())
        .map(|v| v.printed.as_str())
        .collect();
    if let Some(d) = dashes.first() {
        notes.push(Msg::new(
            format!("原文格内印的是「{d}」，按空白格（~）导入"),
            format!("the page prints “{d}” in a cell; imported as blank (~)"),
        ));
    }
}

/// Put a row's figures in its columns, or say why they cannot be placed.
fn place(
    def: &TableDef,
    row: usize,
    mut vals: Vec<Val>,
    glued: Option<&str>,
    at_end: bool,
    notes: &mut Vec<Msg>,
) -> RowRead {
    let ncols = def.columns_of(row).len();
    let label = def.row_path(row);
    let printed = |vals: &[Val]| {
        vals.iter()
            .map(|v| {
                if v.printed.is_empty() {
                    "（空）".to_string()
                } else {
                    v.printed.clone()
                }
            })
            .collect::<Vec<_>>()
    };
    if let Some(d) = glued
        && ncols > vals.len() + 1
        && let Some(parts) = unique_split(d, ncols - vals.len())
    {
        notes.push(Msg::new(
            format!(
                "原文「{label}{d}」数字紧贴行名；按「件数不以 0 开头」只有一种读法：{}，请核对",
                parts.join("、")
            ),
            format!(
                "the page glues the figures to the label (“{label}{d}”); with no count written with a leading zero the only reading is {}, please verify",
                parts.join(", ")
            ),
        ));
        for (i, p) in parts.into_iter().enumerate() {
            vals.insert(
                i,
                Val {
                    figure: Some(p.clone()),
                    printed: p,
                },
            );
        }
    } else if let Some(d) = glued {
        if (ncols == 1 && vals.is_empty()) || vals.len() + 1 == ncols {
            notes.push(Msg::new(
                format!("原文「{label}{d}」数字紧贴行名，读作 {d} 放在第一列，请核对"),
                format!("the page glues the figure to the label (“{label}{d}”); read {d} as the first column, please verify"),
            ));
            vals.insert(
                0,
                Val {
                    figure: Some(d.to_string()),
                    printed: d.to_string(),
                },
            );
        } else {
            let mut p = vec![format!("{d}（紧贴行名）")];
            p.extend(printed(&vals));
            return RowRead::Todo {
                printed: p,
                why: Msg::new(
                    format!(
                        "原文「{label}{d}」数字紧贴行名，无法确定是几个数、各属哪一列（应有 {ncols} 列：{}）",
                        labels_list(def, row)
                    ),
                    format!(
                        "the figures are glued to the label (“{label}{d}”): how many figures and which columns is ambiguous ({ncols} columns expected)"
                    ),
                ),
            };
        }
    }
    // Blank cells after the figures belong to the next row's spanned label cells.
    while vals.len() > ncols
        && vals
            .last()
            .is_some_and(|v| v.figure.is_none() && v.printed.is_empty())
    {
        vals.pop();
    }
    if vals.len() == ncols {
        dash_note(&vals, notes);
        reading_note(&label, &vals, notes);
        return RowRead::Values(vals.into_iter().map(|v| v.figure).collect());
    }
    let why = if at_end && vals.len() < ncols {
        Msg::new(
            format!(
                "原文在「{label}」这一行中断（页面不完整），只读到 {} 个数，应有 {ncols} 列：{}",
                vals.len(),
                labels_list(def, row)
            ),
            format!(
                "the page breaks off in the row “{label}”: {} of {ncols} figures read",
                vals.len()
            ),
        )
    } else if vals.is_empty() {
        Msg::new(
            format!(
                "原文「{label}」后没有数字（页面不完整，或空白格在复制时丢失）；应有 {ncols} 列：{}",
                labels_list(def, row)
            ),
            format!(
                "no figures follow “{label}” on the page (cut off, or blank cells lost in copying); {ncols} columns expected"
            ),
        )
    } else if vals.len() < ncols {
        Msg::new(
            format!(
                "原文「{label}」只印有 {} 个数，应有 {ncols} 列（{}）：空白格在复制时被合并，无法判断各数属于哪一列，请对照原件填写",
                vals.len(),
                labels_list(def, row)
            ),
            format!(
                "“{label}” has {} figures on the page but {ncols} columns: blank cells were collapsed in copying, so the columns cannot be told; fill in from the original",
                vals.len()
            ),
        )
    } else {
        Msg::new(
            format!(
                "原文「{label}」印有 {} 个数，多于 {ncols} 列（{}），无法判断各数属于哪一列",
                vals.len(),
                labels_list(def, row)
            ),
            format!(
                "“{label}” has {} figures on the page, more than its {ncols} columns; the columns cannot be told",
                vals.len()
            ),
        )
    };
    RowRead::Todo {
        printed: printed(&vals),
        why,
    }
}

/// Section 四 is printed as header rows and one row of fifteen figures: find
/// that row (a run of exactly as many cells as the table has) and read it in
/// definition order.
fn transposed(def: &TableDef, toks: &[Tok], out: &mut TableRead) -> bool {
    let rows: Vec<usize> = (0..def.rows.len()).filter(|&r| !def.is_group(r)).collect();
    let total: usize = rows.iter().map(|&r| def.columns_of(r).len()).sum();
    let mut runs: Vec<Vec<Val>> = Vec::new();
    let mut cur: Vec<Val> = Vec::new();
    for t in toks {
        match t {
            Tok::Val(v) => cur.push(v.clone()),
            Tok::RowEnd => {}
            Tok::Text(_) => {
                if !cur.is_empty() {
                    runs.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    let blank = |v: &Val| v.figure.is_none() && v.printed.is_empty();
    let found = runs.into_iter().rev().find_map(|mut run| {
        while run.len() > total && run.first().is_some_and(blank) {
            run.remove(0);
        }
        while run.len() > total && run.last().is_some_and(blank) {
            run.pop();
        }
        (run.len() == total).then_some(run)
    });
    let Some(run) = found else { return false };
    let mut it = run.into_iter();
    for r in rows {
        let vals: Vec<Val> = it.by_ref().take(def.columns_of(r).len()).collect();
        dash_note(&vals, &mut out.row_notes[r]);
        out.score += 2 + vals.len() as i64;
        out.rows[r] = RowRead::Values(vals.into_iter().map(|v| v.figure).collect());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::format::Registry;

    /// Tokens from cells; "/" ends a row.
    fn toks(cells: &[&str]) -> Vec<Tok> {
        cells
            .iter()
            .map(|c| if *c == "/" { Tok::RowEnd } else { classify(c) })
            .collect()
    }

    fn read(
        format: &str,
        table: &str,
        cells: &[&str],
    ) -> (TableRead, std::sync::Arc<crate::format::FormatDef>) {
        let f = Registry::builtin().get(format).unwrap().clone();
        let r = read_table(f.table(table).unwrap().1, &toks(cells));
        (r, f)
    }

    fn row(f: &crate::format::FormatDef, table: &str, id: &str) -> usize {
        f.table(table).unwrap().1.row_by_id(id).unwrap()
    }

    #[test]
    fn a_column_label_before_the_rows_is_a_header_not_a_row() {
        // 「其他」 is the last applicant column and, in gov-2021, the row （六）3.其他.
        let (r, f) = read(
            "gov-2021",
            "applications",
            &[
                "自然人",
                "其他",
                "",
                "/",
                "一、本年新收政府信息公开申请数量",
                "1",
                "",
                "",
                "",
                "",
                "",
                "1",
                "/",
            ],
        );
        assert_eq!(
            r.rows[row(&f, "applications", "other_handling.other")],
            RowRead::Missing
        );
        let new = &r.rows[row(&f, "applications", "new")];
        assert_eq!(
            new,
            &RowRead::Values(vec![
                Some("1".into()),
                None,
                None,
                None,
                None,
                None,
                Some("1".into())
            ])
        );
    }

    #[test]
    fn dashes_are_blank_and_said_so() {
        let (r, f) = read("gov-2021", "active", &["规章", "—", "0", "/", "/"]);
        let rules = row(&f, "active", "rules");
        // Two cells for three columns: not placed.
        assert!(matches!(r.rows[rules], RowRead::Todo { .. }));
        let (r, f) = read("gov-2021", "active", &["规章", "—", "0", "0", "/"]);
        let rules = row(&f, "active", "rules");
        assert_eq!(
            r.rows[rules],
            RowRead::Values(vec![None, Some("0".into()), Some("0".into())])
        );
        assert!(r.row_notes[rules][0].zh.contains("「—」"));
    }

    #[test]
    fn spaced_out_labels_from_a_pdf() {
        let (r, f) = read(
            "gov-2021",
            "active",
            &[
                "规", "章", "0", "1", "2", "/", "行", "政", "许", "可", "7", "/",
            ],
        );
        assert_eq!(
            r.rows[row(&f, "active", "rules")],
            RowRead::Values(vec![Some("0".into()), Some("1".into()), Some("2".into())])
        );
        assert_eq!(
            r.rows[row(&f, "active", "licensing")],
            RowRead::Values(vec![Some("7".into())])
        );
    }

    #[test]
    fn digit_runs_split_only_when_certain() {
        assert_eq!(
            unique_split("000", 3),
            Some(vec!["0".into(), "0".into(), "0".into()])
        );
        assert_eq!(unique_split("105", 2), Some(vec!["10".into(), "5".into()]));
        assert_eq!(unique_split("123", 2), None, "1|23 and 12|3");
        assert_eq!(unique_split("100", 2), Some(vec!["10".into(), "0".into()]));
        assert_eq!(unique_split("00", 3), None);
        assert_eq!(figure("3件").as_deref(), Some("3"));
        assert_eq!(figure("1,234").as_deref(), Some("1234"));
        assert_eq!(figure("１２"), Some("12".into()));
        assert_eq!(figure("3,1"), None, "two figures, not a thousands group");
    }

    #[test]
    fn a_row_without_its_label_is_placed_by_the_form_s_order() {
        let (r, f) = read(
            "gov-2021",
            "active",
            &[
                "信息内容",
                "本年制发件数",
                "本年废止件数",
                "现行有效件数",
                "/",
                "0",
                "0",
                "0",
                "/",
                "行政规范性文件",
                "2",
                "1",
                "15",
                "/",
            ],
        );
        let rules = row(&f, "active", "rules");
        assert_eq!(
            r.rows[rules],
            RowRead::Values(vec![Some("0".into()), Some("0".into()), Some("0".into())])
        );
        assert!(r.row_notes[rules][0].zh.contains("按官方表格的顺序"));
        // Two figures before a three-column row: not certain, not placed.
        let (r, f) = read(
            "gov-2021",
            "active",
            &[
                "信息内容",
                "/",
                "0",
                "0",
                "/",
                "行政规范性文件",
                "2",
                "1",
                "15",
                "/",
            ],
        );
        assert_eq!(r.rows[row(&f, "active", "rules")], RowRead::Missing);
    }

    #[test]
    fn glued_figures() {
        // One column: unambiguous, read with a note.
        let (r, f) = read("gov-2021", "active", &["行政许可12", "/"]);
        let lic = row(&f, "active", "licensing");
        assert_eq!(r.rows[lic], RowRead::Values(vec![Some("12".into())]));
        assert_eq!(r.row_notes[lic].len(), 1);
        // Three columns and 000: no count starts with 0, so only 0, 0, 0 fits.
        let (r, f) = read(
            "gov-2021",
            "active",
            &["规章000", "/", "行政许可", "3", "/"],
        );
        let rules = row(&f, "active", "rules");
        assert_eq!(
            r.rows[rules],
            RowRead::Values(vec![Some("0".into()), Some("0".into()), Some("0".into())])
        );
        assert!(r.row_notes[rules][0].zh.contains("只有一种读法"));
        // 1 2 3 over three columns would also be 12, 3 … : ambiguous, never guessed.
        let (r, f) = read(
            "gov-2021",
            "active",
            &["规章1234", "/", "行政许可", "3", "/"],
        );
        let RowRead::Todo { why, .. } = &r.rows[row(&f, "active", "rules")] else {
            panic!("{:?}", r.rows)
        };
        assert!(why.zh.contains("规章1234"));
        assert_eq!(
            r.rows[row(&f, "active", "licensing")],
            RowRead::Values(vec![Some("3".into())])
        );
    }

    #[test]
    fn group_rows_and_unknown_rows_keep_their_figures_out() {
        let (r, _f) = read(
            "gov-2021",
            "applications",
            &[
                "（三）不予公开",
                "1",
                "0",
                "0",
                "0",
                "0",
                "0",
                "1",
                "/",
                "其他主动公开文件",
                "4",
                "/",
            ],
        );
        assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
        assert!(r.notes[0].zh.contains("分组行"));
        assert!(r.notes[1].zh.contains("其他主动公开文件") && r.notes[1].zh.contains("未导入"));
        assert!(r.rows.iter().all(|x| !matches!(x, RowRead::Values(_))));
        assert_eq!(r.dropped_rows, 1);
        // gov-2019 reads the same （六）其他处理 line as a row with figures.
        let (r, f19) = read(
            "gov-2019",
            "applications",
            &["（六）其他处理", "0", "0", "0", "0", "0", "1", "1", "/"],
        );
        assert!(matches!(
            r.rows[row(&f19, "applications", "other_handling")],
            RowRead::Values(_)
        ));
        let (r21, _) = read(
            "gov-2021",
            "applications",
            &["（六）其他处理", "0", "0", "0", "0", "0", "1", "1", "/"],
        );
        assert!(
            r.score > r21.score,
            "the 2019 reading must win: {} vs {}",
            r.score,
            r21.score
        );
    }

    #[test]
    fn figures() {
        assert_eq!(figure("３"), Some("3".into()));
        assert_eq!(figure("-2"), Some("-2".into()));
        assert_eq!(figure("−2"), Some("-2".into()));
        assert_eq!(figure("251000元"), Some("251000元".into()));
        assert_eq!(figure("1.25"), Some("1.25".into()));
        assert_eq!(figure("规章"), None);
        assert_eq!(figure("2."), None);
        assert!(matches!(classify("—"), Tok::Val(Val { figure: None, .. })));
    }
}
