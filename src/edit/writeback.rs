//! Writing the form's figures back into the report's Markdown, changing only
//! the bytes of the values that changed.
//!
//! Every cell the author wrote remembers where (line, column, length), so a
//! changed figure replaces exactly its own token; comments, key spelling
//! (official label, short label or id), alignment, blank cells, prose and
//! line endings stay as they were. A figure in a row the author left out
//! (all zeros) gets a new line, placed after the rows that precede it in the
//! official order and indented like its neighbours; a total left out of a
//! `[…]` row is appended to that row. The result is read back and compared
//! with what was asked before anything is written: a rewrite that would not
//! read back as intended is refused, never saved.

use std::collections::{BTreeMap, BTreeSet};

use super::{Edits, Entry, Refusal};
use crate::content::write::{is_top_group, row_key, yaml_str};
use crate::content::{Origin, Report, TableData};
use crate::diag::{Loc, Msg};
use crate::format::{CellRef, TableDef};

/// A file as lines, each with its own line ending, and the edits to make.
struct Lines<'a> {
    lines: Vec<(&'a str, &'a str)>,
    /// Per line: (start column in chars, length in chars, new text).
    replace: BTreeMap<usize, Vec<(usize, usize, String)>>,
    /// New lines to put after a line (index), in order.
    insert: BTreeMap<usize, Vec<String>>,
    delete: BTreeSet<usize>,
    /// The line ending new lines get: the file's own.
    eol: &'a str,
}

fn refuse(zh: impl Into<String>, en: impl Into<String>) -> Refusal {
    Refusal(Msg::new(zh, en))
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let lines: Vec<(&str, &str)> = text
            .split_inclusive('\n')
            .map(|l| {
                let content = l.trim_end_matches(['\n', '\r']);
                (content, &l[content.len()..])
            })
            .collect();
        let eol = lines
            .iter()
            .map(|(_, e)| *e)
            .find(|e| !e.is_empty())
            .unwrap_or("\n");
        Lines {
            lines,
            replace: BTreeMap::new(),
            insert: BTreeMap::new(),
            delete: BTreeSet::new(),
            eol,
        }
    }

    fn line(&self, i: usize) -> &'a str {
        self.lines.get(i).map_or("", |l| l.0)
    }

    fn indent(&self, i: usize) -> String {
        let l = self.line(i);
        l[..l.len() - l.trim_start().len()].to_string()
    }

    /// Replace `loc` (1-based line and char column, char length).
    fn set(&mut self, loc: Loc, text: String) {
        let line = loc.line as usize - 1;
        self.replace.entry(line).or_default().push((
            loc.col as usize - 1,
            loc.len.max(1) as usize,
            text,
        ));
    }

    fn finish(self) -> String {
        let mut out = String::new();
        for (i, (content, eol)) in self.lines.iter().enumerate() {
            if !self.delete.contains(&i) {
                let mut chars: Vec<char> = content.chars().collect();
                let mut edits = self.replace.get(&i).cloned().unwrap_or_default();
                // Right to left, so earlier columns stay valid.
                edits.sort_by_key(|e| std::cmp::Reverse(e.0));
                for (col, len, text) in edits {
                    let end = (col + len).min(chars.len());
                    let col = col.min(end);
                    chars.splice(col..end, text.chars());
                }
                out.extend(chars);
                // A last line without an ending gets one before inserted lines.
                let eol = if eol.is_empty() && self.insert.contains_key(&i) {
                    self.eol
                } else {
                    eol
                };
                out.push_str(eol);
            }
            for new in self.insert.get(&i).into_iter().flatten() {
                out.push_str(new);
                out.push_str(self.eol);
            }
        }
        out
    }
}

/// Rewrite `raw` (the file as read) with `edits`, which were made against
/// `report` (parsed from the same bytes, totals not completed).
pub fn apply(raw: &[u8], report: &Report, edits: &Edits) -> Result<Vec<u8>, Refusal> {
    let text = std::str::from_utf8(raw).map_err(|_| {
        refuse(
            "这个文件不是 UTF-8 编码，表格编辑器不能写回；请先用文本编辑器另存为 UTF-8",
            "the file is not UTF-8, so the editor cannot write to it; save it as UTF-8 first",
        )
    })?;
    if text.replace("\r\n", "").contains('\r') {
        return Err(refuse(
            "这个文件用单独的 CR 换行（旧 Mac 格式），表格编辑器不能写回；请另存为常见的换行格式",
            "the file uses lone CR line endings; save it with LF or CRLF first",
        ));
    }
    let mut lines = Lines::new(text);
    for (key, value) in &edits.meta {
        meta(&mut lines, report, key, value)?;
    }
    let mut by_table: BTreeMap<usize, RowEdits> = BTreeMap::new();
    for e in &edits.cells {
        by_table
            .entry(e.table)
            .or_default()
            .entry(e.at.row)
            .or_default()
            .push((e.at.col, &e.entry));
    }
    for (t, rows) in &by_table {
        let (Some(def), Some(data)) = (report.format.tables.get(*t), report.tables.get(*t)) else {
            continue;
        };
        let mut table = Table {
            def,
            data,
            parents_added: BTreeSet::new(),
        };
        for (row, cols) in rows {
            table.row(&mut lines, *row, cols)?;
        }
    }
    Ok(lines.finish().into_bytes())
}

/// A table's edits: by row, the columns and their entries.
type RowEdits<'e> = BTreeMap<usize, Vec<(usize, &'e Entry)>>;

/// The text a figure is written as.
fn token(entry: &Entry) -> String {
    match entry {
        Entry::Blank => "~".into(),
        Entry::Figure(s) => s.clone(),
    }
}

struct Table<'r> {
    def: &'r TableDef,
    data: &'r TableData,
    parents_added: BTreeSet<usize>,
}

impl Table<'_> {
    fn loc(&self, at: CellRef) -> Option<Loc> {
        self.data.cell(self.def, at).and_then(|c| c.loc())
    }

    /// Rows are written under their group, except the members of a
    /// heading-only group (三、本年度办理结果), which stand at the top.
    fn yaml_parent(&self, row: usize) -> Option<usize> {
        self.def.rows[row]
            .parent
            .filter(|&p| !is_top_group(self.def, p))
    }

    /// Lines (0-based) where `row` or one of its cells is written.
    fn lines_of(&self, row: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.data.row_locs[row]
            .iter()
            .map(|l| l.line as usize - 1)
            .collect();
        if !self.def.is_group(row) {
            for col in 0..self.def.columns_of(row).len() {
                if let Some(l) = self.loc(CellRef { row, col }) {
                    out.push(l.line as usize - 1);
                }
            }
        }
        out
    }

    fn row(
        &mut self,
        lines: &mut Lines,
        row: usize,
        cols: &[(usize, &Entry)],
    ) -> Result<(), Refusal> {
        let mut missing = Vec::new();
        for &(col, entry) in cols {
            match self.loc(CellRef { row, col }) {
                Some(loc) => lines.set(loc, token(entry)),
                None => missing.push((col, entry)),
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        if self.lines_of(row).is_empty() {
            return self.new_row(lines, row, cols);
        }
        self.extend_row(lines, row, &missing)
    }

    /// Append left-out trailing figures (a total) to a `[…]` row.
    fn extend_row(
        &self,
        lines: &mut Lines,
        row: usize,
        missing: &[(usize, &Entry)],
    ) -> Result<(), Refusal> {
        let ncols = self.def.columns_of(row).len();
        let last = (0..ncols)
            .filter_map(|col| self.loc(CellRef { row, col }).map(|l| (col, l)))
            .max_by_key(|(col, _)| *col);
        let first_missing = missing.iter().map(|(c, _)| *c).min().unwrap_or(0);
        let cannot = || {
            refuse(
                format!(
                    "「{}」这一行的写法无法自动补上数字；请在文件里直接修改这一行",
                    self.def.row_path(row)
                ),
                format!(
                    "row `{}` is written in a way the editor cannot extend; edit that line in the file",
                    self.def.row_def(row).id
                ),
            )
        };
        let Some((last_col, loc)) = last else {
            return Err(cannot());
        };
        if first_missing <= last_col {
            return Err(cannot());
        }
        let line = lines.line(loc.line as usize - 1);
        let after: String = line
            .chars()
            .skip((loc.col + loc.len - 1) as usize)
            .collect();
        if !after.trim_start().starts_with(']') {
            return Err(cannot());
        }
        let wanted: BTreeMap<usize, &Entry> = missing.iter().copied().collect();
        let top = *wanted.keys().max().unwrap_or(&last_col);
        let added: Vec<String> = (last_col + 1..=top)
            .map(|col| wanted.get(&col).map_or_else(|| "0".into(), |e| token(e)))
            .collect();
        // Put the new figures right after the last one written, before `]`.
        let mut end = loc;
        end.col += end.len;
        end.len = 0;
        lines
            .replace
            .entry(end.line as usize - 1)
            .or_default()
            .push((end.col as usize - 1, 0, format!(", {}", added.join(", "))));
        Ok(())
    }

    /// A row the author left out (all zeros) gets a line of its own.
    fn new_row(
        &mut self,
        lines: &mut Lines,
        row: usize,
        cols: &[(usize, &Entry)],
    ) -> Result<(), Refusal> {
        let Some(fence) = self.data.written else {
            return Err(refuse(
                format!(
                    "文件里没有「{}」表格块，编辑器无法写入；请先在文件中加入 ```yaml table={} 块",
                    self.def.caption, self.def.id
                ),
                format!(
                    "the file has no `{}` table block to write into; add it first",
                    self.def.id
                ),
            ));
        };
        let before: Vec<usize> = (0..row).flat_map(|r| self.lines_of(r)).collect();
        let after_line = match before.iter().max() {
            Some(&l) => l,
            None => {
                // First row of the table: after the fence and the header comments under it.
                let mut l = fence.line as usize - 1;
                while lines.line(l + 1).trim_start().starts_with('#') {
                    l += 1;
                }
                l
            }
        };
        let parent = self.yaml_parent(row);
        let top_indent = (0..self.def.rows.len())
            .filter(|&r| self.yaml_parent(r).is_none())
            .find_map(|r| self.data.row_locs[r])
            .map(|l| lines.indent(l.line as usize - 1))
            .unwrap_or_default();
        let mut new_lines = Vec::new();
        let indent = match parent {
            None => top_indent,
            Some(p) => {
                let sibling = (0..self.def.rows.len())
                    .filter(|&r| r != row && self.yaml_parent(r) == Some(p))
                    .find_map(|r| self.data.row_locs[r]);
                match (sibling, self.data.row_locs[p]) {
                    (Some(s), _) => lines.indent(s.line as usize - 1),
                    (None, Some(pl)) => format!("{}  ", lines.indent(pl.line as usize - 1)),
                    (None, None) => {
                        if self.parents_added.insert(p) {
                            new_lines.push(format!("{top_indent}{}:", row_key(self.def, p)));
                        }
                        format!("{top_indent}  ")
                    }
                }
            }
        };
        let edited: BTreeMap<usize, &Entry> = cols.iter().copied().collect();
        let columns = self.def.columns_of(row);
        let mut values: Vec<String> = (0..columns.len())
            .map(|col| match edited.get(&col) {
                Some(e) => token(e),
                None => "0".into(),
            })
            .collect();
        // A total not asked for stays left out (computed).
        while values.len() > 1
            && columns[values.len() - 1].computed
            && !edited.contains_key(&(values.len() - 1))
        {
            values.pop();
        }
        let value = match values.as_slice() {
            [one] => one.clone(),
            many => format!("[{}]", many.join(", ")),
        };
        new_lines.push(format!("{indent}{}: {value}", row_key(self.def, row)));
        lines
            .insert
            .entry(after_line)
            .or_default()
            .extend(new_lines);
        Ok(())
    }
}

/// Set, add or remove one front matter key.
fn meta(lines: &mut Lines, report: &Report, key: &str, value: &str) -> Result<(), Refusal> {
    let yaml = match key {
        "year" => match value.parse::<u16>() {
            Ok(y) if (1900..=2999).contains(&y) => y.to_string(),
            _ => {
                return Err(refuse(
                    format!("年度「{value}」不是四位数的年份"),
                    format!("year `{value}` is not a four-digit year"),
                ));
            }
        },
        "published" if !value.is_empty() => match crate::content::meta::Date::parse(value) {
            Some(d) => d.to_string(),
            None => {
                return Err(refuse(
                    format!("发布日期「{value}」应写成 2022-01-20 这样的日期"),
                    format!("published `{value}` is not a date like 2022-01-20"),
                ));
            }
        },
        "draft" => (value == "true").to_string(),
        _ => yaml_str(value),
    };
    let required = matches!(key, "organ" | "township" | "year");
    if value.is_empty() && required {
        return Err(refuse(
            format!("{key} 不能为空"),
            format!("{key} cannot be empty"),
        ));
    }
    match report.meta.loc(key) {
        Some(loc) => {
            let i = loc.line as usize - 1;
            if value.is_empty() || (key == "draft" && value != "true") {
                lines.delete.insert(i);
                return Ok(());
            }
            let line = lines.line(i);
            let start = loc.col as usize - 1 + loc.len as usize;
            let rest: String = line.chars().skip(start).collect();
            let Some(after_colon) = rest.strip_prefix(':') else {
                return Err(refuse(
                    format!("无法改写 {key} 这一行；请在文件里直接修改"),
                    format!("cannot rewrite the `{key}` line; edit it in the file"),
                ));
            };
            let comment = comment_start(after_colon);
            let old_len = after_colon[..comment].chars().count();
            let keep_space = after_colon[..comment].len() - after_colon[..comment].trim_end().len();
            let space = if keep_space > 0 && comment < after_colon.len() {
                " ".repeat(keep_space)
            } else {
                String::new()
            };
            lines.replace.entry(i).or_default().push((
                start + 1,
                old_len,
                format!(" {yaml}{space}"),
            ));
        }
        None if value.is_empty() || (key == "draft" && value != "true") => {}
        None => {
            // Before the closing `---` of the front matter.
            let close = (1..lines.lines.len())
                .find(|&i| matches!(lines.line(i).trim_end(), "---" | "..."))
                .ok_or_else(|| {
                    refuse(
                        "front matter 没有结束行 ---",
                        "the front matter is not closed",
                    )
                })?;
            lines
                .insert
                .entry(close - 1)
                .or_default()
                .push(format!("{key}: {yaml}"));
        }
    }
    Ok(())
}

/// Where a ` #` comment starts in a front matter value (outside quotes).
fn comment_start(value: &str) -> usize {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in value.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && prev.is_whitespace() => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return i,
            None => {}
        }
        prev = c;
    }
    value.len()
}

/// Read the rewritten file back and make sure it says what was asked, and
/// nothing else changed. `Err`: the cells that came out otherwise.
pub fn verify(before: &Report, after: &Report, edits: &Edits) -> Result<(), Refusal> {
    let mut wrong = Vec::new();
    for (t, def) in before.format.tables.iter().enumerate() {
        let (Some(b), Some(a)) = (before.tables.get(t), after.tables.get(t)) else {
            continue;
        };
        for (i, (cb, ca)) in b.cells.iter().zip(&a.cells).enumerate() {
            let Some(at) = cell_at(def, i) else { continue };
            let asked = edits.cells.iter().find(|e| e.table == t && e.at == at);
            let ok = match asked {
                Some(e) => super::shown(def, a, at) == e.entry,
                None => cb.value == ca.value && same_kind(cb.origin, ca.origin),
            };
            if !ok {
                wrong.push(def.cell_labels(at).join(" "));
            }
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(refuse(
            format!(
                "写回后读出的数字与表单不一致（{}），没有保存；请在文件里直接修改",
                wrong.join("、")
            ),
            format!(
                "the rewritten file would not read back as the form ({}); nothing was saved",
                wrong.join(", ")
            ),
        ))
    }
}

fn same_kind(a: Origin, b: Origin) -> bool {
    matches!(
        (a, b),
        (Origin::Written(_), Origin::Written(_))
            | (Origin::Blank(_), Origin::Blank(_))
            | (Origin::Omitted, Origin::Omitted)
            | (Origin::Computed, Origin::Computed)
            // A row written anew spells out the zeros it stood for.
            | (Origin::Omitted, Origin::Written(_))
    )
}

/// The cell at index `i` of a table's cells.
pub fn cell_at(def: &TableDef, i: usize) -> Option<CellRef> {
    (0..def.rows.len())
        .filter(|&r| !def.is_group(r))
        .flat_map(|row| (0..def.columns_of(row).len()).map(move |col| CellRef { row, col }))
        .find(|&at| def.cell_index(at) == i)
}
