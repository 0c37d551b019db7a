//! `nianbao import`: a published report (copied page text or HTML) into the
//! authoring format.
//!
//! The stages, one module each:
//! bytes → text ([`decode`]: UTF-8 or GBK/GB18030) → items ([`text`] for
//! copied text of any shape, [`html`] for pages) → sections (`sections`:
//! headings of the format) → tables ([`tables`]: cells onto the format
//! definition, for every known format, the best fit wins) → the report file
//! ([`write`]) → the checker, whose findings are what the published figures
//! get wrong.
//!
//! Nothing is invented: a blank cell is `~`, a row whose cells cannot be told
//! apart is a `# TODO` comment, a page cut short is a draft that says what is
//! missing.

mod cells;
mod evidence;
pub mod front;
pub mod html;
mod place;
mod row_label;
mod sections;
pub mod tables;
pub mod text;
pub mod write;

use std::path::Path;
use std::sync::Arc;

use crate::check;
use crate::content;
use crate::diag::{Diagnostic, Loc, Msg, SourceFile};
use crate::format::{FormatDef, Registry};

use sections::{Sections, heading_index, section_tokens, whole_prose};

/// One piece of the page, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A line of text outside any cell: title, heading, prose — or, for
    /// shapes without cell marks, a line the table reader splits.
    Line(String),
    /// One table cell (empty = blank).
    Cell(String),
    /// The end of a table row.
    RowEnd,
    /// An empty line.
    Blank,
}

/// How the cells of a page are marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Cells are [`Item::Cell`]s (TABs, pipes, HTML).
    Cells,
    /// A row per line, cells split by spaces (a PDF text layer).
    Lines,
    /// A cell per line, cells separated by one blank line.
    BlankSeparated,
}

/// A sentence rather than a cell: labels never end a sentence.
pub fn is_prose(s: &str) -> bool {
    let t = s.trim();
    let n = t.chars().count();
    t.contains('。')
        || n >= 70
        || (n >= 20 && (t.ends_with('；') || t.ends_with('：')) && !t.starts_with(['（', '(']))
        || t.starts_with('注')
}

/// Decode a page as the loader decodes a report: UTF-8 (BOM dropped, CRLF
/// folded), else GBK/GB18030, which many portals still serve.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), Msg> {
    let (text, gbk) = content::decode(bytes, "")?;
    let encoding = if gbk.is_some() { "GB18030" } else { "UTF-8" };
    // The private-use character nianbao uses for table placeholders never comes from a page.
    Ok((text.replace('\u{E000}', ""), encoding))
}

/// The digits at the end of a string (「规章000」 → 「000」, 「…2021」 → 「2021」).
pub fn trailing_digits(s: &str) -> &str {
    let start = s.len() - s.chars().rev().take_while(char::is_ascii_digit).count();
    &s[start..]
}

/// What an import produced.
#[derive(Debug)]
pub struct Imported {
    /// The report in the authoring format.
    pub text: String,
    /// The format chosen (`gov-2021`, `gov-2019`, …).
    pub format: String,
    /// What the import could not do, each with the output line it concerns.
    pub notes: Vec<write::Note>,
    /// Some of the report is missing or could not be placed.
    pub partial: bool,
    /// Ids of the tables with rows missing or unplaced: their identities
    /// cannot be judged until the author completes them.
    pub incomplete_tables: Vec<String>,
    /// Per table, what became of its cells (the import report).
    pub tables: Vec<TableCount>,
}

/// What became of one table's cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub caption: String,
    /// Cells with a figure from the page.
    pub read: usize,
    /// Cells blank on the page, written as `~`.
    pub blank: usize,
    /// Cells of rows found but not placed (TODO, each with its reason).
    pub todo: usize,
    /// Cells of rows not on the page at all.
    pub missing: usize,
    /// Why rows were left TODO, one line each.
    pub why: Vec<Msg>,
}

impl TableCount {
    fn of(def: &FormatDef, t: usize, read: &tables::TableRead) -> TableCount {
        let table = &def.tables[t];
        let mut c = TableCount {
            caption: table.caption.clone(),
            read: 0,
            blank: 0,
            todo: 0,
            missing: 0,
            why: Vec::new(),
        };
        for row in (0..table.rows.len()).filter(|&r| !table.is_group(r)) {
            let n = table.columns_of(row).len();
            match read.rows.get(row) {
                Some(tables::RowRead::Values(v)) => {
                    c.read += v.iter().filter(|x| x.is_some()).count();
                    c.blank += v.iter().filter(|x| x.is_none()).count();
                }
                Some(tables::RowRead::Todo { why, .. }) => {
                    c.todo += n;
                    c.why.push(why.clone());
                }
                _ => c.missing += n,
            }
        }
        c
    }

    /// `表格「…」：读取 40 格，留空 3 格，待填 7 格，原文没有 0 格`, and the reasons.
    pub fn describe(&self) -> Msg {
        let mut zh = format!(
            "表格「{}」：读取 {} 格，留空（~）{} 格，待填（TODO）{} 格，原文没有 {} 格",
            self.caption, self.read, self.blank, self.todo, self.missing
        );
        let mut en = format!(
            "table “{}”: {} cells read, {} blank (~), {} TODO, {} not on the page",
            self.caption, self.read, self.blank, self.todo, self.missing
        );
        for w in &self.why {
            zh.push_str(&format!("\n    待填原因：{}", w.zh));
            en.push_str(&format!("\n    TODO because: {}", w.en));
        }
        Msg::new(zh, en)
    }
}

/// Import one page. `slug` is the URL name written into the front matter.
/// `Err` when the input is not a report at all.
pub fn import(bytes: &[u8], slug: &str, registry: &Registry) -> Result<Imported, Msg> {
    let (text, _) = decode(bytes)?;
    let formats: Vec<Arc<FormatDef>> = registry
        .ids()
        .iter()
        .filter_map(|id| registry.get(id).cloned())
        .collect();
    let all_sections: Vec<Vec<String>> = formats.iter().map(|f| f.sections.clone()).collect();
    let is_heading = |l: &str| heading_index(l, &all_sections).is_some();
    let (items, shape) = if html::looks_like_html(&text) {
        (html::items(&text), Shape::Cells)
    } else {
        text::items(&text, &is_heading)
    };
    let page = Sections::of(&items, &all_sections);
    let any_heading = page.found.iter().any(|&f| f);
    let front = front::guess(&page.title, &lines(&items));
    let (toks, mut prose) = section_tokens(&items, &page.parts, any_heading, shape);

    let default_id = front
        .year
        .and_then(|y| registry.for_year(y))
        .map(|f| f.id.clone());
    let Some((is_default, format, reads)) =
        best_fit(&items, &formats, default_id.as_deref(), &toks)
    else {
        return Err(Msg::new(
            "没有可用的报告格式定义",
            "no report format is defined",
        ));
    };
    let found_tables = reads.iter().any(tables::TableRead::found_any);
    if !found_tables && !any_heading {
        return Err(Msg::new(
            "认不出这是政府信息公开工作年度报告：既没有「一、总体情况」等标题，也没有认得出的表格行",
            "this does not look like a disclosure annual report: no section headings and no recognisable table rows",
        ));
    }

    if any_heading {
        whole_prose(&format, &page.parts, &mut prose);
    }
    let draft = write::Draft {
        front: &front,
        slug,
        format: &format,
        format_is_default: is_default,
        sections_found: if any_heading { page.found } else { [false; 6] },
        prose: &prose,
        tables: &reads,
    };
    let (text, notes, partial) = write::write(&draft);
    let incomplete_tables = format
        .tables
        .iter()
        .zip(&reads)
        .filter(|(def, read)| !read.complete(def))
        .map(|(def, _)| def.id.clone())
        .collect();
    let tables = (0..format.tables.len())
        .zip(&reads)
        .map(|(t, read)| TableCount::of(&format, t, read))
        .collect();
    Ok(Imported {
        text,
        format: format.id.clone(),
        notes,
        partial,
        incomplete_tables,
        tables,
    })
}

/// Every line of the page outside a cell, where the front matter is guessed from.
fn lines(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| {
            if let Item::Line(l) = i {
                Some(l.clone())
            } else {
                None
            }
        })
        .collect()
}

/// The format that reads the page best, whether it is the year's format
/// (`default_id`), and its reading of every table.
///
/// The column headers decide when they belong to one format only: the
/// figures are then read under the columns the page shows. Otherwise every
/// known format reads the page; the best fit wins, ties go to the year's
/// format.
fn best_fit(
    items: &[Item],
    formats: &[Arc<FormatDef>],
    default_id: Option<&str>,
    toks: &[Vec<tables::Tok>],
) -> Option<(bool, Arc<FormatDef>, Vec<tables::TableRead>)> {
    let by_headers = match evidence::headers(items, formats) {
        evidence::Headers::One(id, _) => Some(id),
        _ => None,
    };
    let mut best: Option<(i64, bool, Arc<FormatDef>, Vec<tables::TableRead>)> = None;
    for f in formats
        .iter()
        .filter(|f| by_headers.as_ref().is_none_or(|id| *id == f.id))
    {
        let reads: Vec<tables::TableRead> = f
            .tables
            .iter()
            .map(|t| {
                tables::read_table(
                    t,
                    toks.get(t.section.saturating_sub(1))
                        .map_or(&[][..], Vec::as_slice),
                )
            })
            .collect();
        let score: i64 = reads.iter().map(|r| r.score).sum();
        let is_default = default_id == Some(f.id.as_str());
        let better = match &best {
            None => true,
            Some((s, d, _, _)) => score > *s || (score == *s && is_default && !d),
        };
        if better {
            best = Some((score, is_default, f.clone(), reads));
        }
    }
    best.map(|(_, is_default, format, reads)| (is_default, format, reads))
}

/// An import followed by the checker, with every message pointing into the
/// generated file.
#[derive(Debug)]
pub struct Outcome {
    pub imported: Imported,
    pub diagnostics: Vec<Diagnostic>,
    /// 0: whole and balanced; 1: partial, or the published figures break an identity.
    pub exit: u8,
}

/// Import `bytes` as the file `rel` (its stem is the slug) and check the result.
pub fn run(bytes: &[u8], rel: &str, registry: &Registry) -> Result<Outcome, Msg> {
    let path = Path::new(rel);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = front::slug_from(&stem);
    let imported = import(bytes, &slug, registry)?;
    let file = Arc::new(SourceFile {
        rel: rel.to_string(),
        path: path.to_path_buf(),
        text: imported.text.clone(),
    });
    let mut diagnostics: Vec<Diagnostic> = imported
        .notes
        .iter()
        .map(|n| {
            Diagnostic::warning(n.code, n.msg.clone()).at(
                &file,
                n.line.map(|line| Loc {
                    line,
                    col: 1,
                    len: file.line(line).map_or(1, |l| l.chars().count() as u32),
                }),
            )
        })
        .collect();
    let (report, parse_diags) = content::parse(rel, path, imported.text.as_bytes(), registry);
    diagnostics.extend(parse_diags);
    if let Some(mut r) = report {
        // An identity over a table the page did not give whole would blame
        // figures that are merely missing: say once that it waits for the author.
        let format = r.format.clone();
        let table_of = |code: &str| {
            format
                .identities
                .iter()
                .find(|i| i.id == code)
                .map(|i| i.table.clone())
        };
        let mut waiting: Vec<String> = Vec::new();
        for d in check::report(&mut r) {
            match table_of(d.code) {
                Some(t) if imported.incomplete_tables.contains(&t) => {
                    if !waiting.contains(&t) {
                        waiting.push(t);
                    }
                }
                _ => diagnostics.push(d),
            }
        }
        for t in waiting {
            let caption = format
                .table(&t)
                .map_or(t.clone(), |(_, def)| def.caption.clone());
            let line = r
                .tables
                .get(format.table(&t).map_or(0, |(i, _)| i))
                .and_then(|d| d.written)
                .map(|l| l.line);
            diagnostics.push(
                Diagnostic::warning(
                    "I016",
                    Msg::new(
                        format!("表格「{caption}」不完整，其勾稽关系暂不核对；补全 TODO 后请运行 nianbao check"),
                        format!("table “{caption}” is incomplete; its identities are not checked until the TODOs are filled in (then run nianbao check)"),
                    ),
                )
                .at(&file, line.map(|line| Loc { line, col: 1, len: 1 })),
            );
        }
    }
    diagnostics.sort_by_key(Diagnostic::sort_key);
    let errors = diagnostics.iter().any(Diagnostic::is_error);
    let exit = if imported.partial || errors { 1 } else { 0 };
    Ok(Outcome {
        imported,
        diagnostics,
        exit,
    })
}

/// Where one input's report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(std::path::PathBuf),
}

/// The output for `input`: `--out FILE`, `--out-dir DIR` (the input's name,
/// made a valid slug, with `.md`), or standard output.
pub fn target_for(input: &Path, out: Option<&Path>, out_dir: Option<&Path>) -> Target {
    if let Some(o) = out {
        return Target::File(o.to_path_buf());
    }
    match out_dir {
        Some(dir) => {
            let stem = input
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Target::File(dir.join(format!("{}.md", front::slug_from(&stem))))
        }
        None => Target::Stdout,
    }
}

/// Write an imported report next to its final name and rename it into place,
/// so a failed write never leaves half a report; an existing file is kept
/// unless `force`.
pub fn save(path: &Path, text: &str, force: bool) -> Result<(), Msg> {
    if path.exists() && !force {
        return Err(Msg::new(
            format!(
                "{} 已存在；导入不会覆盖已有的报告（确需覆盖请加 --force）",
                path.display()
            ),
            format!(
                "{} exists; import does not overwrite a report (use --force to replace it)",
                path.display()
            ),
        ));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Msg::new(
                format!("无法创建目录 {}：{e}", dir.display()),
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.nianbao-import"));
    std::fs::write(&tmp, text).map_err(|e| {
        Msg::new(
            format!("无法写入 {}：{e}", tmp.display()),
            format!("cannot write {}: {e}", tmp.display()),
        )
    })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Msg::new(
            format!("无法写入 {}：{e}", path.display()),
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("二、主动公开政府信息情况");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(text, "二、主动公开政府信息情况");
        assert_eq!(enc, "GB18030");
        assert_eq!(decode("\u{FEFF}总体情况".as_bytes()).unwrap().0, "总体情况");
    }
}
