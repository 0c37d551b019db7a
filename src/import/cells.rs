//! What a printed cell holds — a figure as the authoring format writes it, a
//! blank, or text — and a section's items as a stream of such tokens, the
//! input of the table reader.

use crate::format::labels::normalize;

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

pub(super) fn classify(cell: &str) -> Tok {
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

#[cfg(test)]
mod tests {
    use super::*;

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
