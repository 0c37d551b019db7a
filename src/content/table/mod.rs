//! Table blocks: YAML rows and cells into typed, positioned values.
//!
//! This module holds what a table block becomes ([`TableData`]) and reads the
//! block as YAML; [`value`] reads one figure, [`rows`] places rows and cells.

mod rows;
mod value;

use std::sync::Arc;

pub use value::{Decimal, Value};

use super::keyboard;
use crate::diag::{Diagnostic, Loc, Msg, SourceFile};
use crate::format::{CellRef, TableDef};
use crate::yaml::{self, Kind, Node};

/// Where a cell's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written by the author at this place.
    Written(Loc),
    /// Written as `~`: blank in the original, counts as 0 (W5).
    Blank(Loc),
    /// Not written; 0, or computed later if the cell is a total.
    Omitted,
    /// A total the author left out, computed from its identity.
    Computed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub value: Value,
    pub origin: Origin,
}

impl Cell {
    pub fn loc(&self) -> Option<Loc> {
        match self.origin {
            Origin::Written(l) | Origin::Blank(l) => Some(l),
            _ => None,
        }
    }
    pub fn written(&self) -> bool {
        matches!(self.origin, Origin::Written(_) | Origin::Blank(_))
    }
}

/// The figures of one table of one report.
#[derive(Debug, Clone)]
pub struct TableData {
    /// Where the table's key was written in the fence (`table=…`), if it was.
    pub written: Option<Loc>,
    /// One per row of the definition: where the row's key was written.
    pub row_locs: Vec<Option<Loc>>,
    /// Indexed by `TableDef::cell_index`.
    pub cells: Vec<Cell>,
    /// Cells whose figure could not be read (a value error, a row of the wrong
    /// length, numbers on a group row, malformed YAML): already reported, so
    /// the checks leave identities that involve them alone (one cause, one message).
    pub unreadable: std::collections::BTreeSet<CellRef>,
    /// A row key was not recognised (E023/E024): its figures belong to some
    /// row, unknown which, so column sums are not checked until it is fixed.
    pub incomplete: bool,
}

impl TableData {
    pub fn empty(def: &TableDef) -> TableData {
        let mut cells = Vec::with_capacity(def.ncells);
        for r in 0..def.rows.len() {
            if def.is_group(r) {
                continue;
            }
            for c in def.columns_of(r) {
                cells.push(Cell {
                    value: Value::zero(c.value),
                    origin: Origin::Omitted,
                });
            }
        }
        TableData {
            written: None,
            row_locs: vec![None; def.rows.len()],
            cells,
            unreadable: Default::default(),
            incomplete: false,
        }
    }
    pub fn cell(&self, def: &TableDef, at: CellRef) -> Option<&Cell> {
        self.cells.get(def.cell_index(at))
    }
    /// Append the cell's figure as written to `out`; nothing for a cell left
    /// blank (`~`) or missing. What the page and the CSV print.
    pub fn push_written(&self, def: &TableDef, at: CellRef, out: &mut String) {
        match self.cell(def, at) {
            Some(c) if !matches!(c.origin, Origin::Blank(_)) => c.value.push_to(out),
            _ => {}
        }
    }
    pub fn cell_mut(&mut self, def: &TableDef, at: CellRef) -> Option<&mut Cell> {
        self.cells.get_mut(def.cell_index(at))
    }
    /// Mark every cell of `row` (and of its sub-rows) unreadable.
    fn unreadable_row(&mut self, def: &TableDef, row: usize) {
        let mut rows = vec![row];
        rows.extend(def.children(row));
        for r in rows {
            if def.is_group(r) {
                let kids: Vec<usize> = def.children(r).collect();
                for k in kids {
                    self.unreadable_row(def, k);
                }
                continue;
            }
            for col in 0..def.columns_of(r).len() {
                self.unreadable.insert(CellRef { row: r, col });
            }
        }
    }
    pub fn int(&self, def: &TableDef, at: CellRef) -> i128 {
        self.cell(def, at)
            .and_then(|c| c.value.as_int())
            .unwrap_or(0)
    }
}

struct Ctx<'a> {
    file: &'a Arc<SourceFile>,
    def: &'a TableDef,
    /// File line of the YAML's first line, minus one.
    line_offset: u32,
    /// Spaces stripped from each YAML line (fence indentation), by YAML line.
    stripped: Vec<u32>,
    /// The block as read (full-width punctuation folded …), to map columns back.
    cleaned: keyboard::Cleaned<'a>,
    /// Whether most rows of the block were written with their 总计 column:
    /// then a row one number short is missing a number, not its total.
    totals_written: bool,
    diags: &'a mut Vec<Diagnostic>,
    data: TableData,
}

impl Ctx<'_> {
    fn loc(&self, n: &Node) -> Loc {
        let extra = self
            .stripped
            .get(n.pos.line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(0);
        let line = n.pos.line.saturating_sub(1) as usize;
        Loc {
            line: n.pos.line + self.line_offset,
            col: self.cleaned.original_col(line, n.pos.col) + extra,
            len: n.len,
        }
    }
    fn err(&mut self, code: &'static str, at: Loc, msg: Msg) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, msg).at(self.file, Some(at)));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }
}

/// Parse the lines of one ```` ```yaml table=… ```` block.
pub fn parse_block(
    file: &Arc<SourceFile>,
    def: &TableDef,
    lines: &[&str],
    fence_line: u32,
    fence_indent: usize,
    key_loc: Loc,
    diags: &mut Vec<Diagnostic>,
) -> TableData {
    let mut stripped = Vec::with_capacity(lines.len());
    let mut unindented = Vec::with_capacity(lines.len());
    for l in lines {
        let n = (l.len() - l.trim_start_matches(' ').len()).min(fence_indent);
        stripped.push(n as u32);
        unindented.push(&l[n..]);
    }
    let cleaned = keyboard::clean(&unindented);
    let mut text = String::with_capacity(cleaned.lines.iter().map(|l| l.len() + 1).sum());
    for l in &cleaned.lines {
        text.push_str(l);
        text.push('\n');
    }
    let mut data = TableData::empty(def);
    data.written = Some(key_loc);
    let mut ctx = Ctx {
        file,
        def,
        line_offset: fence_line,
        stripped,
        cleaned,
        totals_written: false,
        diags,
        data,
    };
    keyboard_findings(&mut ctx);
    match yaml::parse(&text) {
        Err(e) => malformed(&mut ctx, &e),
        Ok(root) => match &root.kind {
            Kind::Null => {}
            Kind::Map(entries) => {
                ctx.totals_written =
                    rows::may_be_short(def, entries) && rows::totals_written(def, entries);
                rows::rows(&mut ctx, entries, None)
            }
            _ => {
                let at = ctx.loc(&root);
                ctx.err(
                    "E021",
                    at,
                    Msg::new(
                        "表格代码块里应逐行写「行名: 数值」",
                        "a table block is a mapping of `row: values` lines",
                    ),
                );
            }
        },
    }
    ctx.data
}

/// E020: the block is not YAML. Every cell of the table is then unreadable,
/// so no identity is checked on figures that were never read.
fn malformed(ctx: &mut Ctx, e: &yaml::Error) {
    let (def, fence_line) = (ctx.def, ctx.line_offset);
    // The parser notices an unclosed bracket one line late: blame
    // the line above when its brackets do not pair.
    let at = e.pos.line.saturating_sub(1) as usize;
    let above = at
        .checked_sub(1)
        .filter(|&i| ctx.cleaned.lines.get(i).is_some_and(|l| !brackets_pair(l)));
    let (line_no, col) = match above {
        Some(i) => (i as u32 + 1, 1),
        None => (e.pos.line, e.pos.col),
    };
    let loc = Loc {
        line: line_no + fence_line,
        col,
        len: 1,
    };
    let line = ctx.cleaned.lines.get(line_no.saturating_sub(1) as usize);
    let cause = yaml_cause(line.map(|l| &**l).unwrap_or(""));
    ctx.err(
        "E020",
        loc,
        Msg::new(
            format!("表格「{}」这一行写法有误：{cause}", def.caption),
            format!(
                "the YAML of table “{}” is malformed: {}",
                def.caption, e.message
            ),
        ),
    )
    .hint = Some(Msg::new(
        "每行写「行名: [数, 数, …]」：冒号后空一格，数字用逗号隔开、放在方括号里，小项前空两个空格",
        "write each row as `label: [n, n, …]`: a space after the colon, numbers in brackets, two spaces before a sub-row",
    ));
    for row in 0..def.rows.len() {
        ctx.data.unreadable_row(def, row);
    }
}

fn brackets_pair(line: &str) -> bool {
    let t = line.split('#').next().unwrap_or("");
    t.matches('[').count() == t.matches(']').count()
}

/// The likely cause of a YAML error on `line`, in words a clerk can act on
/// (the parser's own English stays in the English message).
fn yaml_cause(line: &str) -> &'static str {
    let t = line.trim();
    let opens = t.matches('[').count();
    let closes = t.matches(']').count();
    if opens != closes {
        "方括号 [ ] 不配对"
    } else if !t.contains(':') {
        "缺少冒号（行名后应有 : 和一个空格）"
    } else if t.contains('"') || t.contains('\'') {
        "引号不配对"
    } else {
        "缩进或冒号的位置不对（上一行或这一行）"
    }
}

/// What the keyboard pass found, as diagnostics at the file's positions.
fn keyboard_findings(ctx: &mut Ctx) {
    use keyboard::FindingKind as K;
    let findings = std::mem::take(&mut ctx.cleaned.findings);
    for f in &findings {
        let at = Loc {
            line: f.line as u32 + 1 + ctx.line_offset,
            col: f.col + ctx.stripped.get(f.line).copied().unwrap_or(0),
            len: 1,
        };
        let file = ctx.file;
        let d = match &f.kind {
            K::FullWidth(chars) => Diagnostic::warning(
                "W15",
                Msg::new(
                    format!("这一行有全角符号「{chars}」，已按半角（: , [ ] 空格）读取；建议改为半角"),
                    format!("full-width “{chars}” on this line read as ASCII (: , [ ] space); prefer ASCII"),
                ),
            ),
            K::TabIndent => Diagnostic::error(
                "E029",
                Msg::new(
                    "这一行用 Tab 键缩进；表格里请用空格缩进（小项前空两个空格）",
                    "this line is indented with a tab; indent with spaces (two before a sub-row)",
                ),
            ),
            K::PastedRow { label, rewrite } => Diagnostic::error(
                "E029",
                Msg::new(
                    format!("「{label}」这一行像是从 Excel/WPS 直接粘贴的（数字用 Tab 隔开，没有冒号）"),
                    format!("the row “{label}” looks pasted from a spreadsheet (tab-separated, no colon)"),
                ),
            )
            .hint(Msg::new(
                format!("写成：{rewrite}"),
                format!("write it as: {rewrite}"),
            )),
            K::BlankCell { label, item } => {
                let col = column_name(ctx.def, label, *item);
                Diagnostic::error(
                    "E029",
                    Msg::new(
                        format!("「{label}」的第 {item} 个数{col}是空的"),
                        format!("item {item}{col} of “{label}” is empty"),
                    ),
                )
                .hint(Msg::new(
                    "没有的写 0；确实不适用、要留空的写 ~",
                    "write 0 for none, or ~ to leave the cell blank on purpose",
                ))
            }
            K::GroupWithFigures { label } => Diagnostic::error(
                "D3",
                Msg::new(
                    format!("「{label}」是分组行，本身没有数字；请删去这一行冒号后的数字，数字写在它下面的各小项里"),
                    format!("“{label}” is a group heading and carries no figures; remove the numbers after its colon and fill its sub-rows"),
                ),
            )
            .labels(vec![label.clone()]),
        };
        ctx.diags.push(d.at(file, Some(at)));
    }
}

/// `（自然人）`: the label of the `item`-th number of the row called `label`,
/// when the row is known.
fn column_name(def: &TableDef, label: &str, item: usize) -> String {
    match def.match_row(label, None).as_slice() {
        [row] => def
            .columns_of(*row)
            .get(item.saturating_sub(1))
            .map(|c| format!("（{}）", c.label))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_small() {
        // A million cells on a 5,000-report site: keep them compact.
        assert!(
            std::mem::size_of::<Cell>() <= 32,
            "{}",
            std::mem::size_of::<Cell>()
        );
    }
}
