//! The table editor's model: what a form posts, read into typed edits, and
//! the report file rewritten with them.
//!
//! The preview's HTTP layer (`serve::editor`) uses it; this module owns meaning, so
//! it is tested without a server: [`Edits::from_form`] reads posted fields
//! (cell ids from the format definition, so a site's own format works too),
//! [`writeback::apply`] rewrites only the bytes of the values that changed,
//! and [`candidate::check`] runs the same checks as `nianbao check` on the
//! file as it would be saved.

pub mod candidate;
pub mod writeback;

use crate::content::{Origin, Report};
use crate::diag::Msg;
use crate::format::{CellRef, TableDef, ValueKind};

/// The front matter keys the form edits (the rest stay as written).
pub const META_KEYS: [&str; 7] = [
    "organ",
    "township",
    "year",
    "published",
    "title",
    "index_no",
    "draft",
];

/// What a cell is set to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Left blank: `~` where it was written; a total left out stays computed.
    Blank,
    /// A figure, normalised (`1,234件` → `1234`).
    Figure(String),
}

/// One cell's new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellEdit {
    /// Index of the table in the report's format.
    pub table: usize,
    pub at: CellRef,
    pub entry: Entry,
}

/// A value the form sent that is not a figure: left unchanged and listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The input's name (`applications.new.natural_person`).
    pub field: String,
    pub labels: String,
    pub text: String,
}

/// Everything the form changes, relative to the file as it is.
#[derive(Debug, Clone, Default)]
pub struct Edits {
    pub cells: Vec<CellEdit>,
    /// Front matter keys and their new text (empty: remove the key).
    pub meta: Vec<(&'static str, String)>,
    pub unreadable: Vec<Unreadable>,
}

impl Edits {
    /// Compare posted fields with the report as parsed (before totals are
    /// completed) and keep what differs. Fields the form does not know are
    /// ignored; a figure that cannot be read is listed, not guessed.
    pub fn from_form(report: &Report, fields: &[(String, String)]) -> Edits {
        let mut edits = Edits::default();
        for (name, raw) in fields {
            if let Some(key) = META_KEYS.iter().find(|k| *k == name) {
                let new = raw.trim().to_string();
                if new != meta_text(report, key) {
                    edits.meta.push((key, new));
                }
                continue;
            }
            let Some((t, def, at)) = locate(report, name) else {
                continue;
            };
            let kind = def.columns_of(at.row)[at.col].value;
            let entry = match normalise(raw, kind) {
                Some(e) => e,
                None => {
                    edits.unreadable.push(Unreadable {
                        field: name.clone(),
                        labels: def.cell_labels(at).join(" "),
                        text: raw.clone(),
                    });
                    continue;
                }
            };
            let Some(data) = report.tables.get(t) else {
                continue;
            };
            if entry != shown(def, data, at) {
                edits.cells.push(CellEdit {
                    table: t,
                    at,
                    entry,
                });
            }
        }
        edits
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.meta.is_empty()
    }
}

/// The input name of a cell: its id in the format (`applications.new.natural_person`).
pub fn field_name(def: &TableDef, at: CellRef) -> String {
    def.cell_id(at)
}

/// The table and cell an input name stands for.
pub fn locate<'a>(report: &'a Report, name: &str) -> Option<(usize, &'a TableDef, CellRef)> {
    let (table, rest) = name.split_once('.')?;
    let (row, col) = rest.rsplit_once('.')?;
    let (t, def) = report.format.table(table)?;
    let row = def.row_by_id(row)?;
    if def.is_group(row) {
        return None;
    }
    let col = def.col_by_id(row, col)?;
    Some((t, def, CellRef { row, col }))
}

/// What the form shows for a cell of the file as written: the figure, or
/// nothing for a blank (`~`) and for a total left out (computed).
pub fn shown(def: &TableDef, data: &crate::content::TableData, at: CellRef) -> Entry {
    match data.cell(def, at) {
        Some(c) => match c.origin {
            Origin::Blank(_) | Origin::Computed => Entry::Blank,
            Origin::Omitted
                if def.columns_of(at.row)[at.col].computed || def.row_def(at.row).computed =>
            {
                Entry::Blank
            }
            _ => Entry::Figure(c.value.to_string()),
        },
        None => Entry::Blank,
    }
}

/// The text the form shows for a front matter key.
pub fn meta_text(report: &Report, key: &str) -> String {
    let m = &report.meta;
    match key {
        "organ" => m.organ.clone(),
        "township" => m.township.clone(),
        "year" => m.year.to_string(),
        "published" => m.published.map(|d| d.to_string()).unwrap_or_default(),
        // The default title is not written; the form shows it empty.
        "title" if m.loc("title").is_none() => String::new(),
        "title" => m.title.clone(),
        "index_no" => m.index_no.clone().unwrap_or_default(),
        "draft" => if m.draft { "true" } else { "false" }.into(),
        _ => String::new(),
    }
}

/// Read what a clerk typed or pasted as a figure of `kind`: full-width
/// digits, thousands separators, spaces and a trailing 件 are accepted, as
/// when pasting from Excel or WPS. `None`: not a figure.
pub fn normalise(raw: &str, kind: ValueKind) -> Option<Entry> {
    let mut s = String::new();
    for c in raw.trim().chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0)?,
            '．' | '。' => '.',
            '－' | '−' => '-',
            _ => c,
        };
        if matches!(c, ',' | '，' | '\u{3000}' | '\'') || c.is_whitespace() {
            continue;
        }
        s.push(c);
    }
    if kind != ValueKind::AmountWithUnit {
        for unit in ["件", "个", "万元"] {
            if let Some(rest) = s.strip_suffix(unit) {
                s = rest.to_string();
            }
        }
    }
    if s.is_empty() || s == "~" {
        return Some(Entry::Blank);
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let decimal = |t: &str| match t.split_once('.') {
        Some((i, f)) => digits(i) && digits(f),
        None => digits(t),
    };
    let ok = match kind {
        ValueKind::Count => digits(&s) && s.len() <= 18,
        ValueKind::Signed => digits(s.strip_prefix('-').unwrap_or(&s)) && s.len() <= 18,
        ValueKind::Amount => decimal(&s) && s.len() <= 30,
        ValueKind::AmountWithUnit => {
            let end = s
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(s.len());
            decimal(&s[..end]) && s[end..].chars().all(|c| !c.is_ascii())
        }
    };
    if !ok {
        return None;
    }
    // `007` reads as 7: leading zeros are noise from a spreadsheet.
    if matches!(kind, ValueKind::Count) {
        let t = s.trim_start_matches('0');
        s = if t.is_empty() {
            "0".into()
        } else {
            t.to_string()
        };
    }
    Some(Entry::Figure(s))
}

/// Why an edit could not be written.
#[derive(Debug, Clone)]
pub struct Refusal(pub Msg);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_clerk_pastes_reads_as_figures() {
        let f = |s: &str| normalise(s, ValueKind::Count);
        assert_eq!(f("１２"), Some(Entry::Figure("12".into())));
        assert_eq!(f("1,234件"), Some(Entry::Figure("1234".into())));
        assert_eq!(f(" 3 "), Some(Entry::Figure("3".into())));
        assert_eq!(f(""), Some(Entry::Blank));
        assert_eq!(f("007"), Some(Entry::Figure("7".into())));
        assert_eq!(f("三"), None);
        assert_eq!(f("-1"), None);
        assert_eq!(f("1.5"), None);
        assert_eq!(
            normalise("12.50", ValueKind::Amount),
            Some(Entry::Figure("12.50".into()))
        );
        assert_eq!(
            normalise("-2", ValueKind::Signed),
            Some(Entry::Figure("-2".into()))
        );
    }
}
