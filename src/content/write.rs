//! Writing reports in the authoring format (for `new`, `init` and `import`).
//!
//! The writer walks a format definition, so every row appears in the official
//! order with the label authors know, and the result reads back into exactly
//! the figures it was given.

use std::fmt::Write as _;

use crate::format::{CellRef, FormatDef, TableDef};

use super::meta::Date;
use super::table::{Origin, TableData};

/// Front matter fields of a report to write.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub organ: String,
    pub township: String,
    pub slug: String,
    pub region: Option<String>,
    pub year: u16,
    pub published: Option<Date>,
    /// Written only when it differs from the year's default format.
    pub format: Option<String>,
    pub draft: bool,
}

/// Quote a YAML scalar when plain style would not read back as the same text
/// (for `new`, `init` and `import` alike).
pub fn yaml_str(s: &str) -> String {
    let special = s.is_empty()
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.ends_with(' ')
        || s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`~ ".contains(c))
        || s.contains(['[', ']', '{', '}', ',', '"', '\''])
        || matches!(
            s,
            "true"
                | "false"
                | "null"
                | "True"
                | "False"
                | "Null"
                | "TRUE"
                | "FALSE"
                | "NULL"
                | "yes"
                | "no"
                | "~"
        )
        || s.parse::<f64>().is_ok();
    if special {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

pub fn front_matter(h: &Header) -> String {
    let mut out = String::from("---\n");
    let _ = writeln!(out, "organ: {}", yaml_str(&h.organ));
    let _ = writeln!(out, "township: {}", yaml_str(&h.township));
    let _ = writeln!(out, "slug: {}", h.slug);
    if let Some(r) = &h.region {
        let _ = writeln!(out, "region: {}", yaml_str(r));
    }
    let _ = writeln!(out, "year: {}", h.year);
    if let Some(p) = h.published {
        let _ = writeln!(out, "published: {p}");
    }
    if let Some(f) = &h.format {
        let _ = writeln!(out, "format: {f}");
    }
    if h.draft {
        out.push_str("draft: true\n");
    }
    out.push_str("---\n");
    out
}

/// The label a row is written with: its short label if it has one, else the official label.
pub fn row_key(def: &TableDef, row: usize) -> String {
    let d = def.row_def(row);
    yaml_str(d.short.as_deref().unwrap_or(&d.label))
}

fn cell_text(def: &TableDef, data: &TableData, at: CellRef) -> String {
    match data.cell(def, at) {
        Some(c) if matches!(c.origin, Origin::Blank(_)) => "~".into(),
        Some(c) => c.value.to_string(),
        None => "0".into(),
    }
}

/// One table block, every row present. `notes`: comments to put after a row (by row index).
pub fn table_block(def: &TableDef, data: &TableData, notes: &[(usize, String)]) -> String {
    let mut out = format!("```yaml table={}\n", def.id);
    let mut last_block = usize::MAX;
    for row in 0..def.rows.len() {
        let info = &def.rows[row];
        // Members of a heading-only group (三、本年度办理结果) stand at the top level; sub-rows of a
        // result group (（三）不予公开) are written indented under it.
        let indent = match info.parent {
            Some(p) if !is_top_group(def, p) => "  ",
            _ => "",
        };
        if info.block != last_block {
            last_block = info.block;
            let cols = def.columns_of(row);
            if cols.len() > 1 {
                let names: Vec<&str> = cols.iter().map(|c| c.label.as_str()).collect();
                let _ = writeln!(out, "# {}", names.join(" "));
            }
        }
        if def.is_group(row) {
            if is_top_group(def, row) {
                continue; // 三、本年度办理结果 is a heading only; its members are written at the top level.
            }
            let _ = writeln!(out, "{}{}:", indent, row_key(def, row));
            continue;
        }
        let cols = def.columns_of(row);
        let values: Vec<String> = (0..cols.len())
            .map(|col| cell_text(def, data, CellRef { row, col }))
            .collect();
        let value = if values.len() == 1 {
            values[0].clone()
        } else {
            format!("[{}]", values.join(", "))
        };
        let note = notes
            .iter()
            .find(|(r, _)| *r == row)
            .map(|(_, n)| format!("  # {n}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{}: {}{}", indent, row_key(def, row), value, note);
    }
    out.push_str("```\n");
    out
}

/// A group at the top of a table whose members are written unindented
/// (三、本年度办理结果): it has members that are themselves groups or leaves.
pub fn is_top_group(def: &TableDef, row: usize) -> bool {
    def.rows[row].parent.is_none()
        && def.is_group(row)
        && def.children(row).any(|c| def.is_group(c))
}

/// A whole report: front matter, the six sections with `prose[i]` under each
/// (or a one-line prompt), and the format's tables under their sections.
pub fn report(
    h: &Header,
    format: &FormatDef,
    tables: &[TableData],
    prose: &[String],
    notes: &[(usize, usize, String)],
) -> String {
    let mut out = front_matter(h);
    for (i, heading) in format.sections.iter().enumerate() {
        let _ = write!(out, "\n## {heading}\n\n");
        if let Some(p) = prose.get(i).filter(|p| !p.trim().is_empty()) {
            out.push_str(p.trim_end());
            out.push_str("\n\n");
        }
        for (t, def) in format
            .tables
            .iter()
            .enumerate()
            .filter(|(_, d)| d.section == i + 1)
        {
            let empty = TableData::empty(def);
            let data = tables.get(t).unwrap_or(&empty);
            let table_notes: Vec<(usize, String)> = notes
                .iter()
                .filter(|(nt, _, _)| *nt == t)
                .map(|(_, r, n)| (*r, n.clone()))
                .collect();
            out.push_str(&table_block(def, data, &table_notes));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content;
    use crate::format::Registry;

    #[test]
    fn a_written_report_reads_back_with_every_figure() {
        let reg = Registry::builtin();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content/2021/pingan.md"
        ))
        .unwrap();
        let (r, d) = content::parse("a.md", std::path::Path::new("a.md"), text.as_bytes(), &reg);
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        let h = Header {
            organ: r.meta.organ.clone(),
            township: r.meta.township.clone(),
            slug: "pingan".into(),
            region: r.meta.region.clone(),
            year: 2021,
            ..Header::default()
        };
        let written = report(&h, &r.format, &r.tables, &[], &[]);
        let (back, d) = content::parse(
            "b.md",
            std::path::Path::new("b.md"),
            written.as_bytes(),
            &reg,
        );
        assert!(d.is_empty(), "{d:?}\n{written}");
        let back = back.unwrap();
        for (t, def) in r.format.tables.iter().enumerate() {
            let a: Vec<String> = r.tables[t]
                .cells
                .iter()
                .map(|c| c.value.to_string())
                .collect();
            let b: Vec<String> = back.tables[t]
                .cells
                .iter()
                .map(|c| c.value.to_string())
                .collect();
            assert_eq!(a, b, "table {}", def.id);
        }
        assert!(
            written.contains("不予公开:\n  属于国家秘密: [0, 0, 0, 0, 0, 0, 0]"),
            "{written}"
        );
        assert!(written.contains("\n予以公开: ["), "{written}");
    }

    #[test]
    fn strings_that_need_quotes_get_them() {
        assert_eq!(yaml_str("平安镇"), "平安镇");
        assert_eq!(yaml_str("2021"), "\"2021\"");
        assert_eq!(yaml_str("a: b"), "\"a: b\"");
        assert_eq!(yaml_str("true"), "\"true\"");
    }
}
