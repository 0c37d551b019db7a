//! Splitting a report file: front matter, prose, and table blocks.

use std::sync::Arc;

use crate::diag::{Diagnostic, Loc, Msg, SourceFile};
use crate::format::{FormatDef, labels};

use super::table::{self, TableData};

/// The front matter of a file and where the body starts.
pub struct Split {
    pub yaml: String,
    /// Line of the file on which the front matter's first YAML line stands.
    pub yaml_first_line: u32,
    pub body_start_line: u32,
}

/// The text that marks where a table is printed; a private-use character
/// keeps it from colliding with anything an author writes.
pub fn placeholder(table: usize) -> String {
    format!("\u{E000}nianbao-table-{table}\u{E000}")
}

pub fn split_front_matter(file: &Arc<SourceFile>, diags: &mut Vec<Diagnostic>) -> Option<Split> {
    let mut lines = crate::lines::split(&file.text);
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        let msg = if file.text.trim().is_empty() {
            Msg::new(
                "文件是空的：报告应以 --- 开头的 front matter 开始",
                "the file is empty: a report starts with front matter between --- lines",
            )
        } else {
            Msg::new(
                "报告应以 front matter 开头：第一行写 ---，随后写 organ、township、year 等，再以 --- 结束",
                "a report starts with front matter: a first line ---, then organ, township, year …, closed by ---",
            )
        };
        diags.push(Diagnostic::error("E003", msg).at(
            file,
            Some(Loc {
                line: 1,
                col: 1,
                len: 1,
            }),
        ));
        return None;
    }
    let mut yaml = String::new();
    for (i, line) in lines.enumerate() {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some(Split {
                yaml,
                yaml_first_line: 2,
                body_start_line: i as u32 + 3,
            });
        }
        yaml.push_str(line);
        yaml.push('\n');
    }
    diags.push(
        Diagnostic::error(
            "E004",
            Msg::new(
                "front matter 没有结束：缺少第二个 --- 行",
                "the front matter is not closed: the second --- line is missing",
            ),
        )
        .at(
            file,
            Some(Loc {
                line: 1,
                col: 1,
                len: 3,
            }),
        ),
    );
    None
}

pub struct Body {
    pub tables: Vec<TableData>,
    pub markdown: String,
    pub table_order: Vec<usize>,
    pub headings: Vec<(String, Loc)>,
}

struct Fence {
    ch: char,
    len: usize,
    indent: usize,
}

fn open_fence(line: &str) -> Option<(Fence, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let len = rest.chars().take_while(|&c| c == ch).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((Fence { ch, len, indent }, info))
}

fn closes(fence: &Fence, line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let rest = line[indent..].trim_end();
    rest.len() >= fence.len && rest.chars().all(|c| c == fence.ch)
}

/// `yaml table=applications` → Some("applications"); other info strings → None.
fn table_key(info: &str) -> Option<(bool, &str)> {
    let mut words = info.split_whitespace();
    let lang = words.next()?;
    let rest: Vec<&str> = words.collect();
    let joined = rest.join(" ");
    let pos = joined.find("table")?;
    let after = joined[pos + 5..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let key = after
        .split_whitespace()
        .next()?
        .trim_matches(|c| c == '"' || c == '\'');
    // Return a slice of `info` so the caller can borrow it.
    let start = info.find(key)?;
    Some((
        matches!(lang, "yaml" | "yml"),
        &info[start..start + key.len()],
    ))
}

pub fn parse_body(
    file: &Arc<SourceFile>,
    start_line: u32,
    format: &FormatDef,
    diags: &mut Vec<Diagnostic>,
) -> Body {
    let mut r = BodyReader {
        file,
        format,
        diags,
        lines: crate::lines::split(&file.text).collect(),
        seen: vec![None; format.tables.len()],
        tables: format.tables.iter().map(|_| None).collect(),
        body: Body {
            tables: Vec::new(),
            markdown: String::new(),
            table_order: Vec::new(),
            headings: Vec::new(),
        },
    };
    let mut i = (start_line as usize).saturating_sub(1);
    while i < r.lines.len() {
        let line = r.lines[i];
        let line_no = i as u32 + 1;
        if let Some((fence, info)) = open_fence(line) {
            i = r.fenced_block(i, &fence, info);
            continue;
        }
        if let Some(h) = heading(line, line_no) {
            r.body.headings.push(h);
        }
        r.body.markdown.push_str(line);
        r.body.markdown.push('\n');
        i += 1;
    }
    r.missing_tables();
    // A table no block wrote is empty (E009 says so).
    r.body.tables = (r.tables.into_iter().zip(&format.tables))
        .map(|(t, def)| t.unwrap_or_else(|| TableData::empty(def)))
        .collect();
    r.body
}

/// A `## ` heading (indented at most three spaces): its text and where it is.
fn heading(line: &str, line_no: u32) -> Option<(String, Loc)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let h = trimmed.strip_prefix("## ")?;
    let text = h.trim().trim_end_matches('#').trim().to_string();
    Some((
        text,
        Loc {
            line: line_no,
            col: 1,
            len: line.chars().count() as u32,
        },
    ))
}

/// A report body being read line by line into a [`Body`].
struct BodyReader<'a> {
    file: &'a Arc<SourceFile>,
    format: &'a FormatDef,
    diags: &'a mut Vec<Diagnostic>,
    lines: Vec<&'a str>,
    /// The line on which each of the format's tables was first written.
    seen: Vec<Option<u32>>,
    /// Each of the format's tables as its block gave it.
    tables: Vec<Option<TableData>>,
    body: Body,
}

impl BodyReader<'_> {
    /// Reads the fenced block that opens on line index `i`; returns the index
    /// of the line after it.
    fn fenced_block(&mut self, i: usize, fence: &Fence, info: &str) -> usize {
        let line_no = i as u32 + 1;
        let table = table_key(info);
        let j = self.block_end(i, fence, table.is_some());
        let mut next = j + 1;
        if !self.lines.get(j).is_some_and(|l| closes(fence, l)) {
            self.unclosed(fence, line_no, j);
            next = j;
        }
        let content_end = j.min(self.lines.len());
        match table {
            Some(key) => self.table_block(i, fence, info, key, content_end),
            None => {
                for l in &self.lines[i..(j + 1).min(self.lines.len())] {
                    self.body.markdown.push_str(l);
                    self.body.markdown.push('\n');
                }
            }
        }
        next
    }

    /// The index of the line that closes the block opened on line index `i`,
    /// or of the line where it stops without one (possibly past the end).
    fn block_end(&self, i: usize, fence: &Fence, is_table: bool) -> usize {
        // A table block cannot hold a `## ` heading or another fence with an
        // info string: meeting one means the closing line was forgotten, and
        // the block ends there (one cause, one message: no YAML error, no
        // missing headings or tables after it).
        let stray = |l: &str| {
            is_table
                && (l.starts_with("## ") || open_fence(l).is_some_and(|(_, inf)| !inf.is_empty()))
        };
        let mut j = i + 1;
        while j < self.lines.len() && !closes(fence, self.lines[j]) && !stray(self.lines[j]) {
            j += 1;
        }
        j
    }

    /// E005: the block opened on `line_no` stops at line index `j` unclosed.
    fn unclosed(&mut self, fence: &Fence, line_no: u32, j: usize) {
        let fence_text: String = std::iter::repeat_n(fence.ch, fence.len).collect();
        let mut d = Diagnostic::error(
            "E005",
            Msg::new(
                "代码块没有结束：缺少与之配对的 ``` 行",
                "this fenced block is never closed: the matching ``` line is missing",
            ),
        )
        .at(
            self.file,
            Some(Loc {
                line: line_no,
                col: fence.indent as u32 + 1,
                len: fence.len as u32,
            }),
        );
        if j < self.lines.len() {
            d = d.hint(Msg::new(
                format!("在第 {} 行之前补一行 {fence_text}", j + 1),
                format!("add a line {fence_text} before line {}", j + 1),
            ));
        }
        self.diags.push(d);
    }

    /// A `table=` block opened on line index `i` whose content ends before
    /// line index `content_end`: parsed into its table, unless the table is
    /// unknown (E008) or already written (E007).
    fn table_block(
        &mut self,
        i: usize,
        fence: &Fence,
        info: &str,
        (is_yaml, key): (bool, &str),
        content_end: usize,
    ) {
        let line = self.lines[i];
        let line_no = i as u32 + 1;
        let col = line
            .find(key)
            .map_or(1, |b| line[..b].chars().count() as u32 + 1);
        let key_loc = Loc {
            line: line_no,
            col,
            len: key.chars().count() as u32,
        };
        if !is_yaml {
            self.diags.push(
                Diagnostic::warning(
                    "E006",
                    Msg::new(
                        "表格代码块应写作 ```yaml table=…",
                        "a table block is written ```yaml table=…",
                    ),
                )
                .at(
                    self.file,
                    Some(Loc {
                        line: line_no,
                        col: fence.indent as u32 + 1,
                        len: info.chars().count() as u32 + 3,
                    }),
                ),
            );
        }
        let Some(t) = self.format.match_table(key) else {
            self.diags.push(self.unknown_table(key, key_loc));
            return;
        };
        if let Some(prev) = self.seen[t] {
            self.diags.push(
                Diagnostic::error(
                    "E007",
                    Msg::new(
                        format!("表格 {key} 写了两次（第一次在第 {prev} 行）"),
                        format!("table {key} is written twice (first on line {prev})"),
                    ),
                )
                .at(self.file, Some(key_loc)),
            );
            return;
        }
        self.seen[t] = Some(line_no);
        self.tables[t] = Some(table::parse_block(
            self.file,
            &self.format.tables[t],
            &self.lines[i + 1..content_end],
            line_no,
            fence.indent,
            key_loc,
            self.diags,
        ));
        self.body.table_order.push(t);
        self.body.markdown.push('\n');
        self.body.markdown.push_str(&placeholder(t));
        self.body.markdown.push_str("\n\n");
    }

    /// E008, listing the format's tables and the nearest name.
    fn unknown_table(&self, key: &str, key_loc: Loc) -> Diagnostic {
        let format = self.format;
        let names: Vec<&str> = format
            .tables
            .iter()
            .flat_map(|t| {
                std::iter::once(t.id.as_str()).chain(t.aliases.iter().map(String::as_str))
            })
            .collect();
        let hint = labels::nearest(key, names.iter().copied());
        let mut d = Diagnostic::error(
            "E008",
            Msg::new(
                format!(
                    "未知的表格 “{key}”；{} 格式的表格有：{}",
                    format.id,
                    names.join("、")
                ),
                format!(
                    "unknown table `{key}`; the tables of {} are: {}",
                    format.id,
                    names.join(", ")
                ),
            ),
        )
        .at(self.file, Some(key_loc));
        if let Some(h) = hint {
            d = d.hint(Msg::new(
                format!("是否想写 table={h}？"),
                format!("did you mean table={h}?"),
            ));
        }
        d
    }

    /// E009 for each table of the format that no block wrote.
    fn missing_tables(&mut self) {
        let format = self.format;
        // Where a missing table belongs: its section's heading, matched loosely
        // (numbering, width and the drift 的 ignored, as in check::structure).
        let headings = &self.body.headings;
        let heading_of = |section: usize| {
            let want = format.section_keys.get(section.checked_sub(1)?)?;
            headings
                .iter()
                .find(|(h, _)| labels::heading_key(h) == *want)
                .map(|(_, l): &(String, Loc)| *l)
        };
        for (t, def) in format.tables.iter().enumerate() {
            if self.seen[t].is_none() {
                self.diags.push(
                    Diagnostic::error(
                        "E009",
                        Msg::new(
                            format!("缺少表格「{}」：请在「{}」下写 ```yaml table={} 代码块", def.caption, format.sections.get(def.section - 1).map_or("", String::as_str), def.id),
                            format!("the table “{}” is missing: write a ```yaml table={} block under its section", def.caption, def.id),
                        ),
                    )
                    .at(self.file, heading_of(def.section)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_keys_from_info_strings() {
        assert_eq!(
            table_key("yaml table=applications"),
            Some((true, "applications"))
        );
        assert_eq!(
            table_key("yaml  table = 依申请公开"),
            Some((true, "依申请公开"))
        );
        assert_eq!(table_key("json table=active"), Some((false, "active")));
        assert_eq!(table_key("yaml"), None);
        assert_eq!(table_key("rust"), None);
    }

    #[test]
    fn fences() {
        assert!(open_fence("```yaml table=x").is_some());
        assert!(open_fence("    ```").is_none());
        let (f, _) = open_fence("~~~~").unwrap();
        assert!(closes(&f, "~~~~~"));
        assert!(!closes(&f, "~~~"));
    }
}
