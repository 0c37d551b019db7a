//! Cell sequences onto the format definition.
//!
//! Nothing here spells a label: rows are found with [`TableDef::match_row`]
//! (which folds width, spaces, quotes and numbering), header cells by the
//! column labels, captions and notes of the definition. A row label is
//! followed by its figures; how many figures a row has comes from the
//! definition, so a row whose blank cells the copy collapsed is recognised as
//! such and never filled by guessing.
//!
//! One module per step: `cells` reads what each printed cell holds,
//! `row_label` finds a row's label, `place` puts its figures in columns; this
//! module walks the tokens and keeps the score by which the best-fitting
//! format wins.

use crate::diag::Msg;
use crate::format::{Layout, TableDef};

pub use super::cells::{Tok, Val, looks_numeric, tokens, unique_split};
use super::place::{dash_note, place};
use super::row_label::{Label, header_keys, match_label};

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
                    unknown_row(def, t, &figures_after(toks, i + 1), &mut out);
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
                    i = read_row(def, toks, row, next, glued.as_deref(), tail, &mut out);
                }
            },
        }
    }
    out
}

/// An unknown label followed by figures: a row this format does not have,
/// noted and left out.
fn unknown_row(def: &TableDef, t: &str, figs: &[Val], out: &mut TableRead) {
    if figs.iter().any(|v| v.figure.is_some()) && t.chars().count() <= 60 {
        let printed: Vec<&str> = figs.iter().map(|v| v.printed.as_str()).collect();
        out.notes.push(Msg::new(
            format!(
                "原文有一行「{t}」（{}），不是「{}」的行，未导入",
                printed.join(" "),
                def.caption
            ),
            format!(
                "the page has a row “{t}” ({}) that is not a row of “{}”; not imported",
                printed.join(" "),
                def.caption
            ),
        ));
        out.score -= 2;
        out.dropped_rows += 1;
    }
}

/// The figures of `row`, whose label ends before token `next`, into `out`;
/// returns the position after them, where the next label may start.
fn read_row(
    def: &TableDef,
    toks: &[Tok],
    row: usize,
    next: usize,
    glued: Option<&str>,
    tail: Option<usize>,
    out: &mut TableRead,
) -> usize {
    let vals = figures_after(toks, next);
    let mut i = next + consumed(toks, next, vals.len());
    if let Some(t) = tail {
        i = i.max(t + 1);
    }
    if def.is_group(row) {
        group_figures(def, row, &vals, out);
        return i;
    }
    let at_end = toks
        .get(i..)
        .is_none_or(|rest| rest.iter().all(|t| matches!(t, Tok::RowEnd)));
    let read = place(def, row, vals, glued, at_end, &mut out.row_notes[row]);
    match &read {
        RowRead::Values(v) => out.score += v.len() as i64,
        _ => out.score -= 1,
    }
    out.rows[row] = read;
    i
}

/// A group row has no figures of its own: any printed after it are noted
/// and left out.
fn group_figures(def: &TableDef, row: usize, vals: &[Val], out: &mut TableRead) {
    if vals.iter().any(|v| v.figure.is_some()) {
        let printed: Vec<&str> = vals.iter().map(|v| v.printed.as_str()).collect();
        let label = def.row_path(row);
        out.notes.push(Msg::new(
            format!("「{label}」是分组行，本身没有数字；原文在它后面印有 {}，未导入", printed.join(" ")),
            format!("“{label}” is a group heading without figures; the page prints {} after it, not imported", printed.join(" ")),
        ));
        out.score -= 4;
    }
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
    use crate::import::cells::classify;

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
}
