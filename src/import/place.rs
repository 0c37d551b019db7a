//! A row's figures into its columns — or, when the page does not say which
//! figure is in which column, the reason, and the row is left for the author.
//! A figure is never placed by guessing.

use crate::diag::Msg;
use crate::format::TableDef;

use super::cells::{Val, unique_split};
use super::tables::RowRead;

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

fn labels_list(def: &TableDef, row: usize) -> String {
    def.columns_of(row)
        .iter()
        .map(|c| c.label.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

pub(super) fn dash_note(vals: &[Val], notes: &mut Vec<Msg>) {
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

/// The cells as printed, for a TODO comment; an empty cell shows as （空）.
fn printed(vals: &[Val]) -> Vec<String> {
    vals.iter()
        .map(|v| {
            if v.printed.is_empty() {
                "（空）".to_string()
            } else {
                v.printed.clone()
            }
        })
        .collect()
}

/// Put a row's figures in its columns, or say why they cannot be placed.
pub(super) fn place(
    def: &TableDef,
    row: usize,
    mut vals: Vec<Val>,
    glued: Option<&str>,
    at_end: bool,
    notes: &mut Vec<Msg>,
) -> RowRead {
    let ncols = def.columns_of(row).len();
    let label = def.row_path(row);
    if let Some(d) = glued
        && let Err(todo) = unglue(def, row, &label, d, &mut vals, notes)
    {
        return todo;
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
    RowRead::Todo {
        printed: printed(&vals),
        why: unplaced(def, row, &label, vals.len(), at_end),
    }
}

/// Digits glued to the label (「规章000」) as the row's first figures, with a
/// note, when only one reading fits the columns; otherwise the row as a TODO.
fn unglue(
    def: &TableDef,
    row: usize,
    label: &str,
    d: &str,
    vals: &mut Vec<Val>,
    notes: &mut Vec<Msg>,
) -> Result<(), RowRead> {
    let ncols = def.columns_of(row).len();
    if ncols > vals.len() + 1
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
        return Ok(());
    }
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
        return Ok(());
    }
    let mut p = vec![format!("{d}（紧贴行名）")];
    p.extend(printed(vals));
    Err(RowRead::Todo {
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
    })
}

/// Why a row's figures cannot be placed: `n` figures read for its columns,
/// the row cut short by the end of the page when `at_end`.
fn unplaced(def: &TableDef, row: usize, label: &str, n: usize, at_end: bool) -> Msg {
    let ncols = def.columns_of(row).len();
    if at_end && n < ncols {
        Msg::new(
            format!(
                "原文在「{label}」这一行中断（页面不完整），只读到 {} 个数，应有 {ncols} 列：{}",
                n,
                labels_list(def, row)
            ),
            format!(
                "the page breaks off in the row “{label}”: {} of {ncols} figures read",
                n
            ),
        )
    } else if n == 0 {
        Msg::new(
            format!(
                "原文「{label}」后没有数字（页面不完整，或空白格在复制时丢失）；应有 {ncols} 列：{}",
                labels_list(def, row)
            ),
            format!(
                "no figures follow “{label}” on the page (cut off, or blank cells lost in copying); {ncols} columns expected"
            ),
        )
    } else if n < ncols {
        Msg::new(
            format!(
                "原文「{label}」只印有 {} 个数，应有 {ncols} 列（{}）：空白格在复制时被合并，无法判断各数属于哪一列，请对照原件填写",
                n,
                labels_list(def, row)
            ),
            format!(
                "“{label}” has {} figures on the page but {ncols} columns: blank cells were collapsed in copying, so the columns cannot be told; fill in from the original",
                n
            ),
        )
    } else {
        Msg::new(
            format!(
                "原文「{label}」印有 {} 个数，多于 {ncols} 列（{}），无法判断各数属于哪一列",
                n,
                labels_list(def, row)
            ),
            format!(
                "“{label}” has {} figures on the page, more than its {ncols} columns; the columns cannot be told",
                n
            ),
        )
    }
}
