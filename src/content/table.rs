//! Table blocks: YAML rows and cells into typed, positioned values.

use std::fmt;
use std::sync::Arc;

use super::keyboard;
use crate::diag::{Diagnostic, Loc, Msg, SourceFile};
use crate::format::{CellRef, TableDef, ValueKind, labels};
use crate::yaml::{self, Kind, Node};

/// A decimal kept as written (`12.50` stays `12.50`), with its value in
/// units of 10^-scale so sums need no floating point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    pub text: String,
    pub units: u128,
    pub scale: u32,
}

impl Decimal {
    pub fn zero() -> Decimal {
        Decimal {
            text: "0".into(),
            units: 0,
            scale: 0,
        }
    }
    fn parse(s: &str) -> Option<Decimal> {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (s.contains('.') && frac.is_empty())
        {
            return None;
        }
        if int.len() + frac.len() > 30 {
            return None;
        }
        let units: u128 = format!("{int}{frac}").parse().ok()?;
        Some(Decimal {
            text: s.to_string(),
            units,
            scale: frac.len() as u32,
        })
    }
    pub fn as_f64(&self) -> f64 {
        self.units as f64 / 10f64.powi(self.scale as i32)
    }
}

/// A figure. Counts are whole numbers; only the fee is a decimal. The rare
/// decimals are boxed so a cell stays small: a 5,000-report site holds a
/// million of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Count(u64),
    Signed(i64),
    Amount(Box<Decimal>),
    /// An amount and the unit printed with it (gov-2019 采购总金额: `251000元`).
    AmountWithUnit(Box<(Decimal, String)>),
}

impl Value {
    pub fn zero(kind: ValueKind) -> Value {
        match kind {
            ValueKind::Count => Value::Count(0),
            ValueKind::Signed => Value::Signed(0),
            ValueKind::Amount => Value::Amount(Box::new(Decimal::zero())),
            ValueKind::AmountWithUnit => {
                Value::AmountWithUnit(Box::new((Decimal::zero(), String::new())))
            }
        }
    }
    /// The figure as an integer, for identities (amounts are not summed).
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Count(n) => Some(*n as i128),
            Value::Signed(n) => Some(*n as i128),
            _ => None,
        }
    }
    pub fn is_zero(&self) -> bool {
        match self {
            Value::Count(n) => *n == 0,
            Value::Signed(n) => *n == 0,
            Value::Amount(d) => d.units == 0,
            Value::AmountWithUnit(du) => du.0.units == 0,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Count(n) => write!(f, "{n}"),
            Value::Signed(n) => write!(f, "{n}"),
            Value::Amount(d) => f.write_str(&d.text),
            Value::AmountWithUnit(du) => write!(f, "{}{}", du.0.text, du.1),
        }
    }
}

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
    cleaned: keyboard::Cleaned,
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
    let mut text = String::new();
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
        Err(e) => {
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
            let cause = yaml_cause(line.map(String::as_str).unwrap_or(""));
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
        Ok(root) => match &root.kind {
            Kind::Null => {}
            Kind::Map(entries) => {
                ctx.totals_written = totals_written(def, entries);
                rows(&mut ctx, entries, None)
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

/// A known label written with another number than the form's (`（三）部分公开`
/// for `（二）部分公开`): read by its words, with a warning giving the official
/// label, since a wrong number usually means a row was skipped or moved.
fn numbering(ctx: &mut Ctx, row: usize, key: &str, at: Loc) {
    let n = labels::normalize(key);
    let rest = labels::strip_numbering(&n);
    let Some(official) = ctx.def.row_def(row).number.as_deref() else {
        return;
    };
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

/// Whether most list rows of the block have as many numbers as columns
/// (总计 included) rather than one fewer.
fn totals_written(def: &TableDef, entries: &[(Node, Node)]) -> bool {
    let (mut with, mut without) = (0, 0);
    let visit = |entries: &[(Node, Node)],
                 within: Option<usize>,
                 f: &mut dyn FnMut(usize, usize)| {
        for (k, v) in entries {
            let Some(key) = k.as_key() else { continue };
            if let ([row], Kind::Seq(items)) = (def.match_row(key, within).as_slice(), &v.kind) {
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

fn rows(ctx: &mut Ctx, entries: &[(Node, Node)], within: Option<usize>) {
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
        let hits = def.match_row(key, within);
        let row = match hits.as_slice() {
            [r] => *r,
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
                continue;
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
                continue;
            }
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
        } else {
            row_values(ctx, row, v);
        }
    }
}

fn row_values(ctx: &mut Ctx, row: usize, v: &Node) {
    let def = ctx.def;
    let cols = def.columns_of(row);
    let required = cols.iter().filter(|c| !c.computed).count();
    let label = def.row_path(row);
    match &v.kind {
        Kind::Seq(items) => {
            // Writing a row without its 总计 is allowed; a row one number
            // short whose last number is the sum of the others, in a table
            // written with totals, is a number missed, not a total left out.
            let short = ctx.totals_written
                && required < cols.len()
                && items.len() == required
                && looks_like_total(items);
            if short {
                let at = ctx.loc(v);
                ctx.err(
                    "E026",
                    at,
                    Msg::new(
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
                    ),
                )
                .labels = vec![label.clone()];
                ctx.data.unreadable_row(def, row);
                return;
            }
            if items.len() != cols.len() && items.len() != required {
                let names: Vec<&str> = cols.iter().map(|c| c.label.as_str()).collect();
                let expected = if required == cols.len() {
                    format!("{}", cols.len())
                } else {
                    format!("{required} 或 {}", cols.len())
                };
                let at = ctx.loc(v);
                ctx.err(
                    "E026",
                    at,
                    Msg::new(
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
                    ),
                )
                .labels = vec![label.clone()];
                ctx.data.unreadable_row(def, row);
                return;
            }
            for (col, item) in items.iter().enumerate() {
                set_cell(ctx, CellRef { row, col }, item);
            }
        }
        Kind::Map(entries) => {
            let mut seen: Vec<Option<Loc>> = vec![None; cols.len()];
            for (k, item) in entries {
                let kloc = ctx.loc(k);
                let key = k.as_key().unwrap_or("");
                match def.match_col(row, key) {
                    Some(col) => {
                        if seen[col].is_some() {
                            ctx.err(
                                "E027",
                                kloc,
                                Msg::new(
                                    format!("「{label}」的「{}」写了两次", cols[col].label),
                                    format!(
                                        "column “{}” of “{label}” is written twice",
                                        cols[col].label
                                    ),
                                ),
                            );
                            continue;
                        }
                        seen[col] = Some(kloc);
                        set_cell(ctx, CellRef { row, col }, item);
                    }
                    None => {
                        let nearest = labels::nearest(key, cols.iter().map(|c| c.label.as_str()))
                            .map(str::to_string);
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
                    }
                }
            }
        }
        _ if required == 1 => {
            set_cell(ctx, CellRef { row, col: 0 }, v);
        }
        _ => {
            let names: Vec<&str> = cols.iter().map(|c| c.label.as_str()).collect();
            let at = ctx.loc(v);
            ctx.err(
                "E026",
                at,
                Msg::new(
                    format!("「{label}」应写成列表 [{}]", names.join(", ")),
                    format!("“{label}” is written as a list [{}]", names.join(", ")),
                ),
            )
            .labels = vec![label.clone()];
            ctx.data.unreadable_row(def, row);
        }
    }
}

fn set_cell(ctx: &mut Ctx, at: CellRef, node: &Node) {
    let def = ctx.def;
    let kind = def.columns_of(at.row)[at.col].value;
    let loc = ctx.loc(node);
    let parsed = match &node.kind {
        Kind::Null => Ok(None),
        Kind::Scalar { text, .. } => parse_value(text.trim(), kind).map(Some),
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

enum Problem {
    Text(String),
    Negative(String),
    Fraction(String),
    TooLarge(String),
}

impl Problem {
    fn message(&self, kind: ValueKind) -> (&'static str, Msg) {
        let what = match kind {
            ValueKind::Count => ("一个不小于 0 的整数", "a whole number ≥ 0"),
            ValueKind::Signed => (
                "一个整数（减少写负数）",
                "a whole number (negative for a decrease)",
            ),
            ValueKind::Amount => (
                "一个不小于 0 的金额（万元，可带小数）",
                "an amount ≥ 0 (in 万元, decimals allowed)",
            ),
            ValueKind::AmountWithUnit => (
                "一个金额，可带单位（元、万元）",
                "an amount, with its unit (元, 万元) if printed",
            ),
        };
        let code = if kind == ValueKind::Amount {
            "D2"
        } else {
            "D1"
        };
        match self {
            Problem::Text(t) => (
                code,
                Msg::new(
                    format!("这里应填{}，写的是“{t}”", what.0),
                    format!("expected {}, found “{t}”", what.1),
                ),
            ),
            Problem::Negative(t) => (
                code,
                Msg::new(
                    format!("数量不能为负数（写的是 {t}）"),
                    format!("a count cannot be negative (found {t})"),
                ),
            ),
            Problem::Fraction(t) => (
                code,
                Msg::new(
                    format!("件数、个数应为整数（写的是 {t}）"),
                    format!("a count is a whole number (found {t})"),
                ),
            ),
            Problem::TooLarge(t) => (
                code,
                Msg::new(
                    format!("数字 {t} 太大，不可能是实际的件数"),
                    format!("{t} is too large to be a real count"),
                ),
            ),
        }
    }
}

fn is_minus(c: char) -> bool {
    matches!(c, '-' | '−' | '－')
}

fn parse_value(text: &str, kind: ValueKind) -> Result<Value, Problem> {
    let folded = labels::normalize(text);
    let s = folded.as_str();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Largest count we accept: far above any real report, far below overflow in sums.
    const MAX: u64 = 1_000_000_000_000;
    match kind {
        ValueKind::Count => {
            if digits(s) {
                return match s.parse::<u64>() {
                    Ok(n) if n <= MAX => Ok(Value::Count(n)),
                    _ => Err(Problem::TooLarge(text.into())),
                };
            }
            if s.starts_with(is_minus) && digits(&s[s.chars().next().map_or(0, char::len_utf8)..]) {
                return Err(Problem::Negative(text.into()));
            }
            if Decimal::parse(s).is_some() {
                return Err(Problem::Fraction(text.into()));
            }
            Err(Problem::Text(text.into()))
        }
        ValueKind::Signed => {
            let (neg, rest) = match s.chars().next() {
                Some(c) if is_minus(c) => (true, &s[c.len_utf8()..]),
                Some('+') => (false, &s[1..]),
                _ => (false, s),
            };
            if !digits(rest) {
                return Err(if Decimal::parse(rest).is_some() {
                    Problem::Fraction(text.into())
                } else {
                    Problem::Text(text.into())
                });
            }
            match rest.parse::<u64>() {
                Ok(n) if n <= MAX => Ok(Value::Signed(if neg { -(n as i64) } else { n as i64 })),
                _ => Err(Problem::TooLarge(text.into())),
            }
        }
        ValueKind::Amount => {
            if s.starts_with(is_minus) {
                return Err(Problem::Negative(text.into()));
            }
            Decimal::parse(s)
                .map(|d| Value::Amount(Box::new(d)))
                .ok_or_else(|| {
                    if s.len() > 30 && digits(s) {
                        Problem::TooLarge(text.into())
                    } else {
                        Problem::Text(text.into())
                    }
                })
        }
        ValueKind::AmountWithUnit => {
            let unit_start = s
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(s.len());
            let (num, unit) = s.split_at(unit_start);
            // Keep the unit as the author wrote it (before folding).
            let unit = text.trim()[text.trim().len().saturating_sub(unit.len())..].to_string();
            match Decimal::parse(num) {
                Some(d) if matches!(unit.as_str(), "" | "元" | "万元" | "亿元") => {
                    Ok(Value::AmountWithUnit(Box::new((d, unit))))
                }
                _ => Err(Problem::Text(text.into())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(
            parse_value("3", ValueKind::Count).ok(),
            Some(Value::Count(3))
        );
        assert_eq!(
            parse_value("３", ValueKind::Count).ok(),
            Some(Value::Count(3))
        );
        assert!(matches!(
            parse_value("-1", ValueKind::Count),
            Err(Problem::Negative(_))
        ));
        assert!(matches!(
            parse_value("1.5", ValueKind::Count),
            Err(Problem::Fraction(_))
        ));
        assert!(matches!(
            parse_value("三", ValueKind::Count),
            Err(Problem::Text(_))
        ));
        assert!(matches!(
            parse_value("99999999999999999999999", ValueKind::Count),
            Err(Problem::TooLarge(_))
        ));
        assert!(matches!(
            parse_value("0x10", ValueKind::Count),
            Err(Problem::Text(_))
        ));
    }

    #[test]
    fn cells_stay_small() {
        // A million cells on a 5,000-report site: keep them compact.
        assert!(
            std::mem::size_of::<Cell>() <= 32,
            "{}",
            std::mem::size_of::<Cell>()
        );
    }

    #[test]
    fn amounts_keep_their_text() {
        let Ok(Value::Amount(d)) = parse_value("12.50", ValueKind::Amount) else {
            panic!()
        };
        assert_eq!((d.text.as_str(), d.units, d.scale), ("12.50", 1250, 2));
        assert!(parse_value("-1", ValueKind::Amount).is_err());
        assert!(parse_value("1.", ValueKind::Amount).is_err());
        assert_eq!(
            parse_value("−8", ValueKind::Signed).ok(),
            Some(Value::Signed(-8))
        );
        assert_eq!(
            parse_value("251000元", ValueKind::AmountWithUnit)
                .ok()
                .map(|v| v.to_string()),
            Some("251000元".into())
        );
    }
}
