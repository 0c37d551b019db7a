//! The imported report in the authoring format (AUTHORING.md): front matter,
//! the six official headings with the prose, the tables as YAML blocks with
//! rows keyed by official labels in definition order.
//!
//! Everything the import could not do is written into the file as a
//! `# TODO(导入)` comment where it belongs, and returned as a [`Note`] with the
//! line, so the terminal message and the file point at the same place.

use crate::content::write::yaml_str;
use crate::diag::Msg;
use crate::format::{FormatDef, Layout, TableDef, ValueKind};

use super::front::Front;
use super::tables::{RowRead, TableRead};

/// Something the author must look at, on a line of the generated file.
#[derive(Debug, Clone)]
pub struct Note {
    pub code: &'static str,
    pub line: Option<u32>,
    pub msg: Msg,
}

pub struct Draft<'a> {
    pub front: &'a Front,
    pub slug: &'a str,
    pub format: &'a FormatDef,
    pub format_is_default: bool,
    pub sections_found: [bool; 6],
    pub prose: &'a [Vec<String>],
    pub tables: &'a [TableRead],
}

#[derive(Default)]
struct Out {
    text: String,
    lines: u32,
    notes: Vec<Note>,
    partial: bool,
}

impl Out {
    /// Append a line; returns its 1-based number.
    fn line(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.text.push('\n');
        self.lines += 1;
        self.lines
    }
    fn note(&mut self, code: &'static str, line: Option<u32>, msg: Msg) {
        self.notes.push(Note { code, line, msg });
    }
}

/// A prose line as a Markdown paragraph that renders as the text it is.
fn md_line(s: &str) -> String {
    let t = s.trim_matches([' ', '\t']);
    let first = t.chars().next().unwrap_or(' ');
    let list = t.split_once(['.', ')']).is_some_and(|(n, rest)| {
        !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && rest.starts_with(' ')
    });
    if list {
        // `1. ` starts a list; `1\. ` does not.
        let n = t.find(['.', ')']).unwrap_or(0);
        return format!("{}\\{}", &t[..n], &t[n..]);
    }
    if "#>-+*=|`~<".contains(first) {
        format!("\\{t}")
    } else {
        t.to_string()
    }
}

/// A figure as the authoring format writes it in this column.
fn figure(v: &Option<String>, kind: ValueKind) -> String {
    match v {
        None => "~".to_string(),
        // The fee column is in 万元 already; a unit printed in the cell is dropped.
        Some(f) if kind == ValueKind::Amount => f.trim_end_matches("万元").to_string(),
        Some(f) => f.clone(),
    }
}

/// A group whose children include groups (三、本年度办理结果) is not written:
/// its rows stand at the top level, as in the seed report.
fn transparent(def: &TableDef, row: usize) -> bool {
    def.is_group(row) && def.children(row).any(|c| def.is_group(c))
}

fn indent_of(def: &TableDef, row: usize) -> usize {
    let mut n = 0;
    let mut p = def.rows[row].parent;
    while let Some(g) = p {
        if !transparent(def, g) {
            n += 1;
        }
        p = def.rows[g].parent;
    }
    n
}

pub fn write(d: &Draft) -> (String, Vec<Note>, bool) {
    let mut body = Out::default();
    for s in 0..6 {
        section(&mut body, d, s);
    }

    // Front matter last: whether the report is a draft is known only now.
    let mut fm = front_matter(d);
    let partial = body.partial || fm.partial;
    if partial {
        fm.line("draft: true  # 导入不完整：见文中 TODO（导入）");
    }
    fm.line("---");
    fm.line("");
    let offset = fm.lines;
    let mut notes = fm.notes;
    notes.extend(body.notes.into_iter().map(|mut n| {
        n.line = n.line.map(|l| l + offset);
        n
    }));
    let mut text = fm.text;
    text.push_str(&body.text);
    while text.ends_with("\n\n") {
        text.pop();
    }
    (text, notes, partial)
}

/// One of the six sections: its heading, prose and tables, and a note where
/// the page lacks it (with a TODO line when nothing else would stand there).
fn section(body: &mut Out, d: &Draft, s: usize) {
    let heading = d.format.sections.get(s).map_or("", String::as_str);
    if !body.text.is_empty() && !body.text.ends_with("\n\n") {
        body.line("");
    }
    let hl = body.line(&format!("## {heading}"));
    body.line("");
    let tables: Vec<(usize, &TableDef)> = d
        .format
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| t.section == s + 1)
        .collect();
    let prose = d.prose.get(s).map_or(&[][..], Vec::as_slice);
    for p in prose {
        body.line(&md_line(p));
        body.line("");
    }
    if tables.is_empty() && prose.is_empty() {
        // Every section says something, if only 「无」: nothing under a heading
        // is a page cut short (or a slip of the original), for the author to see.
        let l = body.line("TODO（导入）：原文缺少这一部分，请对照原件补写。");
        body.line("");
        let msg = if d.sections_found[s] {
            Msg::new(
                format!("原文「{heading}」下没有内容（页面不完整？）"),
                format!("nothing follows the heading “{heading}” on the page (cut off?)"),
            )
        } else {
            Msg::new(
                format!("原文缺少「{heading}」这一部分（页面不完整？）"),
                format!("the page lacks the section “{heading}” (cut off?)"),
            )
        };
        body.note("I014", Some(l), msg);
        body.partial = true;
    } else if !d.sections_found[s]
        && !tables
            .iter()
            .any(|(t, _)| d.tables.get(*t).is_some_and(TableRead::found_any))
    {
        body.note(
            "I014",
            Some(hl),
            Msg::new(
                format!("原文缺少「{heading}」这一部分（页面不完整？）"),
                format!("the page lacks the section “{heading}” (cut off?)"),
            ),
        );
        body.partial = true;
    }
    for (t, def) in tables {
        if let Some(read) = d.tables.get(t) {
            table(body, def, read);
            body.line("");
        }
    }
    if !body.text.ends_with("\n\n") {
        body.line("");
    }
}

/// The front matter up to the `draft` line: what the page gave, and a TODO
/// for each field it did not.
fn front_matter(d: &Draft) -> Out {
    let f = d.front;
    let mut fm = Out::default();
    fm.line("---");
    organ(&mut fm, f);
    township(&mut fm, f);
    fm.line(&format!("slug: {}", d.slug));
    if let Some(r) = &f.region {
        fm.line(&format!("region: {}", yaml_str(r)));
    }
    year(&mut fm, f);
    if let Some(p) = f.published {
        fm.line(&format!("published: {p}"));
    }
    if let Some(i) = &f.index_no {
        fm.line(&format!("index_no: {}", yaml_str(i)));
    }
    if !d.format_is_default {
        let l = fm.line(&format!("format: {}", d.format.id));
        if let Some(y) = f.year {
            fm.note(
                "I020",
                Some(l),
                Msg::new(
                    format!("这是 {y} 年度的报告，但表格的行列名属于 {}（{}），已按该格式导入", d.format.id, d.format.name),
                    format!("a {y} report whose tables use the rows and columns of {} ({}); imported in that format", d.format.id, d.format.name),
                ),
            );
        }
    }
    fm
}

/// The `organ` line, noted when it is guessed from the title or missing.
fn organ(fm: &mut Out, f: &Front) {
    match &f.organ {
        Some(o) if f.organ_completed => {
            let l = fm.line(&format!(
                "organ: {}  # 由标题推测（原文只印地名），请核对",
                yaml_str(o)
            ));
            fm.note(
                "I021",
                Some(l),
                Msg::new(
                    format!("发布机构「{o}」由标题推测，请核对"),
                    format!("the organ “{o}” is guessed from the title; please verify"),
                ),
            );
        }
        Some(o) => {
            fm.line(&format!("organ: {}", yaml_str(o)));
        }
        None => {
            let l = fm.line("organ: 待填写  # TODO（导入）：原文未见发布机构");
            fm.note(
                "I022",
                Some(l),
                Msg::new(
                    "原文标题中未见发布机构，请填写 organ",
                    "no reporting body found in the title; fill in `organ`",
                ),
            );
            fm.partial = true;
        }
    }
}

/// The `township` line, or a TODO for the author.
fn township(fm: &mut Out, f: &Front) {
    match &f.township {
        Some(t) => {
            fm.line(&format!("township: {}", yaml_str(t)));
        }
        None => {
            let l = fm.line("township: 待填写  # TODO（导入）");
            fm.note(
                "I022",
                Some(l),
                Msg::new(
                    "未能从标题推出乡镇（街道、部门）简称，请填写 township",
                    "could not derive the township from the title; fill in `township`",
                ),
            );
            fm.partial = true;
        }
    }
}

/// The `year` line, or a TODO for the author.
fn year(fm: &mut Out, f: &Front) {
    match f.year {
        Some(y) => {
            fm.line(&format!("year: {y}"));
        }
        None => {
            let l = fm.line("year: ~  # TODO（导入）：原文未见报告年度，请填写");
            fm.note(
                "I022",
                Some(l),
                Msg::new(
                    "原文未见报告年度，请填写 year",
                    "no reporting year found; fill in `year`",
                ),
            );
            fm.partial = true;
        }
    }
}

/// One table as a YAML block, rows in definition order under comments naming
/// the columns; what the page lacks is a TODO.
fn table(out: &mut Out, def: &TableDef, read: &TableRead) {
    out.line(&format!("```yaml table={}", def.id));
    if !read.found_any() {
        let l = out.line("# TODO（导入）：原文缺少此表（页面不完整？），请对照原件填写");
        out.note(
            "I013",
            Some(l),
            Msg::new(
                format!("原文缺少表格「{}」", def.caption),
                format!("the page lacks the table “{}”", def.caption),
            ),
        );
        out.partial = true;
        out.line("```");
        return;
    }
    // A row the definition does not have was left out: the import is not whole.
    if read.dropped_rows > 0 {
        out.partial = true;
    }
    for n in &read.notes {
        let l = out.line(&format!("# 注（导入）：{}", n.zh));
        out.note("I015", Some(l), n.clone());
    }
    if def.layout != Layout::Blocks {
        let cols: Vec<&str> = def
            .blocks
            .first()
            .map(|b| b.columns.iter().map(|c| c.label.as_str()).collect())
            .unwrap_or_default();
        out.line(&format!("# 列依次为：{}", cols.join("、")));
    }
    let mut missing: Vec<(String, u32)> = Vec::new();
    let mut block = usize::MAX;
    for r in 0..def.rows.len() {
        if transparent(def, r) {
            continue;
        }
        let info = &def.rows[r];
        if def.layout == Layout::Blocks && info.block != block {
            block = info.block;
            if let Some(b) = def.blocks.get(block) {
                let cols: Vec<&str> = b.columns.iter().map(|c| c.label.as_str()).collect();
                out.line(&format!(
                    "# {}：{}",
                    b.caption.as_deref().unwrap_or(""),
                    cols.join("、")
                ));
            }
        }
        row(out, def, read, r, &mut missing);
    }
    out.line("```");
    missing_rows(out, def, &missing);
}

/// One row of a table: its figures, a TODO with the figures as printed, or a
/// TODO for a row the page lacks (collected in `missing`).
fn row(
    out: &mut Out,
    def: &TableDef,
    read: &TableRead,
    r: usize,
    missing: &mut Vec<(String, u32)>,
) {
    let pad = "  ".repeat(indent_of(def, r));
    let label = def.row_def(r).label.clone();
    let key = yaml_str(&label);
    if def.is_group(r) {
        out.line(&format!("{pad}{key}:"));
        return;
    }
    let cols = def.columns_of(r);
    let empty = Vec::new();
    let notes = read.row_notes.get(r).unwrap_or(&empty);
    match read.rows.get(r).unwrap_or(&RowRead::Missing) {
        RowRead::Values(vals) => {
            let vals: Vec<String> = vals
                .iter()
                .zip(cols)
                .map(|(v, c)| figure(v, c.value))
                .collect();
            let value = if cols.len() == 1 {
                vals.concat()
            } else {
                format!("[{}]", vals.join(", "))
            };
            for n in notes {
                out.line(&format!("{pad}# 注（导入）：{}", n.zh));
            }
            let l = out.line(&format!("{pad}{key}: {value}"));
            for n in notes {
                out.note("I011", Some(l), n.clone());
            }
        }
        RowRead::Todo { printed, why } => {
            let l = out.line(&format!("{pad}# TODO（导入）：{}", why.zh));
            out.line(&format!("{pad}# {key}: [{}]", printed.join(", ")));
            out.note("I010", Some(l), why.clone());
            out.partial = true;
        }
        RowRead::Missing => {
            let l = out.line(&format!(
                "{pad}# TODO（导入）：原文缺少此行，请对照原件填写：{key}"
            ));
            // 「（五）不予处理2.重复申请」: the row with its group, without the table-wide heading.
            let name = match def.rows[r].parent.filter(|&g| !transparent(def, g)) {
                Some(g) => format!("{}{}", def.row_label(g), def.row_label(r)),
                None => def.row_label(r),
            };
            missing.push((name, l));
            out.partial = true;
        }
    }
}

/// One note for all the rows the page lacks, at the first of them.
fn missing_rows(out: &mut Out, def: &TableDef, missing: &[(String, u32)]) {
    if let Some((_, first)) = missing.first() {
        let names: Vec<&str> = missing.iter().map(|(n, _)| n.as_str()).collect();
        let shown = if names.len() > 6 {
            format!("{}…等", names[..6].join("、"))
        } else {
            names.join("、")
        };
        out.note(
            "I012",
            Some(*first),
            Msg::new(
                format!(
                    "表格「{}」缺少 {} 行（页面不完整？）：{shown}",
                    def.caption,
                    names.len()
                ),
                format!(
                    "table “{}” lacks {} rows (page cut off?): {}",
                    def.caption,
                    names.len(),
                    names.join(", ")
                ),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(yaml_str("危及“三安全一稳定”"), "危及“三安全一稳定”");
        assert_eq!(yaml_str("a: b"), "\"a: b\"");
        assert_eq!(yaml_str("2021"), "\"2021\"");
        assert_eq!(md_line("# 标题"), "\\# 标题");
        assert_eq!(md_line("1. 第一"), "1\\. 第一");
        assert_eq!(md_line("5.15活动"), "5.15活动");
    }
}
