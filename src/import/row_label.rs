//! Finding a row's label among a section's tokens: the label may be spaced
//! out over several tokens, wrapped over lines, glued to its figures, or
//! split around them — and a column header is never a row.

use std::collections::HashSet;

use crate::format::TableDef;
use crate::format::labels::{normalize, strip_numbering};

use super::cells::Tok;

/// Everything in a table's definition that is a header, never a row.
pub(super) fn header_keys(def: &TableDef) -> HashSet<String> {
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

/// What the text at a position is: the label of a row (with where its
/// figures start), a header, or neither.
pub(super) enum Label {
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

/// The label at token `i`: the longest run of text that names a row not yet
/// `seen` (or is a header), else a label with its figures glued on, else a
/// label the figures interrupt.
pub(super) fn match_label(
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
