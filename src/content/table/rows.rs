//! Rows and cells of a table block: row keys matched to the definition,
//! each row's figures placed in its cells, and what does not fit reported.

use super::value::{Problem, parse_value};
use super::{Cell, Ctx, Origin, Value};
use crate::diag::{Diagnostic, Loc, Msg};
use crate::format::{CellRef, TableDef, labels};
use crate::yaml::{Kind, Node};

/// A known label written with another number than the form's (`（三）部分公开`
/// for `（二）部分公开`): read by its words, with a warning giving the official
/// label, since a wrong number usually means a row was skipped or moved.
fn numbering(ctx: &mut Ctx, row: usize, key: &str, at: Loc) {
    let d = ctx.def.row_def(row);
    // Written without its number, as most rows are: nothing to compare.
    let (Some(official), false) = (d.number.as_deref(), key == d.label) else {
        return;
    };
    let n = labels::normalized(key);
    let rest = labels::strip_numbering(&n);
    let written = &n[..n.len() - rest.len()];
    if written.is_empty() || written == labels::normalize(official) {
        return;
    }
    let label = ctx.def.row_label(row);
    ctx.diags.push(
        Diagnostic::warning(
            "W18",
            Msg::new(
                format!("「{key}」的序号与官方表格不同，按文字读作「{label}」"),
                format!("“{key}” is numbered differently from the form; read as “{label}”"),
            ),
        )
        .at(ctx.file, Some(at))
        .hint(Msg::new(
            format!("改为「{label}」，或去掉序号只写文字"),
            format!("write “{label}”, or drop the number"),
        )),
    );
}

/// Whether the last item is the (non-zero) sum of the ones before it.
fn looks_like_total(items: &[Node]) -> bool {
    let n: Vec<Option<u64>> = items
        .iter()
        .map(|i| match &i.kind {
            Kind::Scalar { text, .. } => text.trim().parse().ok(),
            _ => None,
        })
        .collect();
    match n.split_last() {
        Some((Some(last), rest)) if *last > 0 && rest.iter().all(Option::is_some) => {
            rest.iter().flatten().sum::<u64>() == *last
        }
        _ => false,
    }
}

/// Whether a list of `entries` (or of a mapping in them) could be a row
/// one number short: as long as the plain columns of a block with a total
/// column, its last number the sum of the others. Only then can
/// [`totals_written`] change how a row is read, and it matches the row of
/// every list, the costly part.
pub(super) fn may_be_short(def: &TableDef, entries: &[(Node, Node)]) -> bool {
    let short_length = |n: usize| {
        def.blocks.iter().any(|b| {
            let required = b.columns.iter().filter(|c| !c.computed).count();
            required < b.columns.len() && required == n
        })
    };
    let short = |v: &Node| matches!(&v.kind, Kind::Seq(items) if short_length(items.len()) && looks_like_total(items));
    entries.iter().any(|(_, v)| match &v.kind {
        Kind::Map(children) => children.iter().any(|(_, c)| short(c)),
        _ => short(v),
    })
}

/// Whether most list rows of the block have as many numbers as columns
/// (总计 included) rather than one fewer.
pub(super) fn totals_written(def: &TableDef, entries: &[(Node, Node)]) -> bool {
    let (mut with, mut without) = (0, 0);
    let visit =
        |entries: &[(Node, Node)], within: Option<usize>, f: &mut dyn FnMut(usize, usize)| {
            for (k, v) in entries {
                // The row is looked up only for a list: most values are maps or
                // single figures, and matching a key is the costly part.
                let (Some(key), Kind::Seq(items)) = (k.as_key(), &v.kind) else {
                    continue;
                };
                if let [row] = def.match_row(key, within).as_slice() {
                    f(*row, items.len());
                }
            }
        };
    let mut count = |row: usize, n: usize| {
        let cols = def.columns_of(row);
        let required = cols.iter().filter(|c| !c.computed).count();
        if required < cols.len() {
            if n == cols.len() {
                with += 1;
            } else if n == required {
                without += 1;
            }
        }
    };
    visit(entries, None, &mut count);
    for (k, v) in entries {
        if let (Some(key), Kind::Map(children)) = (k.as_key(), &v.kind)
            && let [row] = def.match_row(key, None).as_slice()
        {
            visit(children, Some(*row), &mut count);
        }
    }
    with > without
}

pub(super) fn rows(ctx: &mut Ctx, entries: &[(Node, Node)], within: Option<usize>) {
    let def = ctx.def;
    for (k, v) in entries {
        let kloc = ctx.loc(k);
        let Some(key) = k.as_key() else {
            ctx.err(
                "E022",
                kloc,
                Msg::new("行名应是文字", "a row key must be text"),
            );
            continue;
        };
        let Some(row) = row_named(ctx, key, within, kloc) else {
            continue;
        };
        if let Some(prev) = ctx.data.row_locs[row] {
            let label = def.row_path(row);
            let file = ctx.file.clone();
            ctx.err(
                "E025",
                kloc,
                Msg::new(
                    format!("「{label}」这一行写了两次"),
                    format!("the row “{label}” is written twice"),
                ),
            )
            .related
            .push(crate::diag::Related {
                file,
                loc: Some(prev),
                note: Msg::new("第一次写在这里", "first written here"),
            });
            continue;
        }
        ctx.data.row_locs[row] = Some(kloc);
        numbering(ctx, row, key, kloc);
        if def.is_group(row) {
            group_row(ctx, row, v);
        } else {
            row_values(ctx, row, v);
        }
    }
}

/// The row that `key` (written at `kloc`, under the group `within`) names;
/// `None` once reported as naming no row (E023) or several (E024), which
/// leaves the table incomplete.
fn row_named(ctx: &mut Ctx, key: &str, within: Option<usize>, kloc: Loc) -> Option<usize> {
    let def = ctx.def;
    let hits = def.match_row(key, within);
    match hits.as_slice() {
        [r] => Some(*r),
        [] => {
            let mut candidates = def.row_labels(within);
            let group_label = within.map(|g| def.row_label(g));
            let nearest = labels::nearest(key, candidates.drain(..)).map(str::to_string);
            let msg = match &group_label {
                Some(g) => Msg::new(
                    format!("「{g}」下没有“{key}”这一行"),
                    format!("there is no row “{key}” under “{g}”"),
                ),
                None => Msg::new(
                    format!("表格「{}」没有“{key}”这一行", def.caption),
                    format!("table “{}” has no row “{key}”", def.caption),
                ),
            };
            ctx.data.incomplete = true;
            let d = ctx.err("E023", kloc, msg);
            if let Some(n) = nearest {
                d.hint = Some(Msg::new(
                    format!("是否想写「{n}」？"),
                    format!("did you mean “{n}”?"),
                ));
            }
            None
        }
        many => {
            ctx.data.incomplete = true;
            let names: Vec<String> = many.iter().map(|&r| def.row_path(r)).collect();
            ctx.err(
                "E024",
                kloc,
                Msg::new(
                    format!("“{key}”可以指多行：{}；请写完整的行名", names.join("、")),
                    format!(
                        "“{key}” could mean several rows: {}; write the full label",
                        names.join(", ")
                    ),
                ),
            );
            None
        }
    }
}

/// A group row: its sub-rows under it, or nothing; figures on the group
/// itself are refused (D3).
fn group_row(ctx: &mut Ctx, row: usize, v: &Node) {
    let def = ctx.def;
    match &v.kind {
        Kind::Null => {}
        Kind::Map(children) => rows(ctx, children, Some(row)),
        _ => {
            let label = def.row_path(row);
            let at = ctx.loc(v);
            ctx.err(
                "D3",
                at,
                Msg::new(
                    format!("「{label}」是分组行，本身没有数字；请在它下面逐项填写各小项"),
                    format!("“{label}” is a group heading and carries no figures; write its numbered sub-rows under it"),
                ),
            )
            .labels = vec![label.clone()];
            ctx.data.unreadable_row(def, row);
        }
    }
}

/// The figures of a row of numbers: a list in column order, a mapping by
/// column label, or a lone value when the row has a single number.
fn row_values(ctx: &mut Ctx, row: usize, v: &Node) {
    let def = ctx.def;
    let cols = def.columns_of(row);
    let required = cols.iter().filter(|c| !c.computed).count();
    match &v.kind {
        Kind::Seq(items) => list_row(ctx, row, v, items),
        Kind::Map(entries) => keyed_row(ctx, row, entries),
        _ if required == 1 => {
            set_cell(ctx, CellRef { row, col: 0 }, v);
        }
        _ => {
            let label = def.row_path(row);
            let names: Vec<&str> = cols.iter().map(|c| c.label.as_str()).collect();
            let msg = Msg::new(
                format!("「{label}」应写成列表 [{}]", names.join(", ")),
                format!("“{label}” is written as a list [{}]", names.join(", ")),
            );
            refuse_row(ctx, row, v, label, msg);
        }
    }
}

/// E026 at the row's value: the row's figures cannot be placed.
fn refuse_row(ctx: &mut Ctx, row: usize, v: &Node, label: String, msg: Msg) {
    let at = ctx.loc(v);
    ctx.err("E026", at, msg).labels = vec![label];
    ctx.data.unreadable_row(ctx.def, row);
}

/// A row written as a list `[n, n, …]`, with or without its computed columns.
fn list_row(ctx: &mut Ctx, row: usize, v: &Node, items: &[Node]) {
    match wrong_length(ctx, row, items) {
        Some(msg) => {
            let label = ctx.def.row_path(row);
            refuse_row(ctx, row, v, label, msg);
        }
        None => {
            for (col, item) in items.iter().enumerate() {
                set_cell(ctx, CellRef { row, col }, item);
            }
        }
    }
}

/// Why a list of `items` does not fit the row's columns, if it does not.
fn wrong_length(ctx: &Ctx, row: usize, items: &[Node]) -> Option<Msg> {
    let cols = ctx.def.columns_of(row);
    let required = cols.iter().filter(|c| !c.computed).count();
    // Writing a row without its 总计 is allowed; a row one number
    // short whose last number is the sum of the others, in a table
    // written with totals, is a number missed, not a total left out.
    let short = ctx.totals_written
        && required < cols.len()
        && items.len() == required
        && looks_like_total(items);
    if (items.len() == cols.len() || items.len() == required) && !short {
        return None;
    }
    // Only a row in error has its label made.
    let label = ctx.def.row_path(row);
    if short {
        return Some(Msg::new(
            format!(
                "「{label}」只有 {} 个数，少了一个：本表其他行都写了 {} 个数（含总计）",
                items.len(),
                cols.len()
            ),
            format!(
                "“{label}” has {} values, one short: the other rows of this table have {} (total included)",
                items.len(),
                cols.len()
            ),
        ));
    }
    let names: Vec<&str> = cols.iter().map(|c| c.label.as_str()).collect();
    let expected = if required == cols.len() {
        format!("{}", cols.len())
    } else {
        format!("{required} 或 {}", cols.len())
    };
    Some(Msg::new(
        format!(
            "「{label}」应有 {expected} 个数，实有 {} 个（依次为：{}）",
            items.len(),
            names.join("、")
        ),
        format!(
            "“{label}” needs {expected} values, found {} (in order: {})",
            items.len(),
            names.join(", ")
        ),
    ))
}

/// A row written as a mapping `column: n`: each column once (E027), and
/// only the row's columns (E028).
fn keyed_row(ctx: &mut Ctx, row: usize, entries: &[(Node, Node)]) {
    let def = ctx.def;
    let cols = def.columns_of(row);
    let label = def.row_path(row);
    let mut seen: Vec<Option<Loc>> = vec![None; cols.len()];
    for (k, item) in entries {
        let kloc = ctx.loc(k);
        let key = k.as_key().unwrap_or("");
        let Some(col) = def.match_col(row, key) else {
            let nearest =
                labels::nearest(key, cols.iter().map(|c| c.label.as_str())).map(str::to_string);
            let names: Vec<&str> = cols.iter().map(|c| c.label.as_str()).collect();
            let d = ctx.err(
                "E028",
                kloc,
                Msg::new(
                    format!(
                        "「{label}」没有“{key}”这一列；可写的列：{}",
                        names.join("、")
                    ),
                    format!(
                        "“{label}” has no column “{key}”; its columns are: {}",
                        names.join(", ")
                    ),
                ),
            );
            if let Some(n) = nearest {
                d.hint = Some(Msg::new(
                    format!("是否想写「{n}」？"),
                    format!("did you mean “{n}”?"),
                ));
            }
            ctx.data.unreadable_row(def, row);
            continue;
        };
        if seen[col].is_some() {
            ctx.err(
                "E027",
                kloc,
                Msg::new(
                    format!("「{label}」的「{}」写了两次", cols[col].label),
                    format!("column “{}” of “{label}” is written twice", cols[col].label),
                ),
            );
            continue;
        }
        seen[col] = Some(kloc);
        set_cell(ctx, CellRef { row, col }, item);
    }
}

/// `s.trim()`, answered without a search when `s` starts and ends with a
/// visible ASCII character, as every figure does.
fn trimmed(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    let b = s.as_bytes();
    if visible(b.first()) && visible(b.last()) {
        s
    } else {
        s.trim()
    }
}

fn set_cell(ctx: &mut Ctx, at: CellRef, node: &Node) {
    let def = ctx.def;
    let kind = def.columns_of(at.row)[at.col].value;
    let loc = ctx.loc(node);
    let parsed = match &node.kind {
        Kind::Null => Ok(None),
        Kind::Scalar { text, .. } => parse_value(trimmed(text), kind).map(Some),
        Kind::Bool(b) => Err(Problem::Text(b.to_string())),
        Kind::Seq(_) | Kind::Map(_) => Err(Problem::Text(node.describe().to_string())),
    };
    match parsed {
        Ok(Some(value)) => {
            if let Some(c) = ctx.data.cell_mut(def, at) {
                *c = Cell {
                    value,
                    origin: Origin::Written(loc),
                };
            }
        }
        Ok(None) => {
            if let Some(c) = ctx.data.cell_mut(def, at) {
                *c = Cell {
                    value: Value::zero(kind),
                    origin: Origin::Blank(loc),
                };
            }
        }
        Err(p) => {
            let (code, msg) = p.message(kind);
            let d = ctx.err(code, loc, msg);
            d.labels = def.cell_labels(at).to_vec();
            if let Problem::Fraction(n) | Problem::Negative(n) = &p {
                d.found = Some(n.clone());
            }
            ctx.data.unreadable.insert(at);
        }
    }
}
