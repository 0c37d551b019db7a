//! What a clerk's keyboard types into a table block, read before YAML sees
//! it. A Chinese input method gives `：，【】、` and full-width spaces; Excel
//! and WPS paste rows separated by tabs; a blank cell is typed as nothing
//! between two commas. YAML would answer each with an English parser error
//! on the wrong line. Here the punctuation is read as its ASCII form with a
//! note (W15), and the rest become errors that name the row and the cause
//! (E029, D3), the line then repaired so that the rest of the table is still
//! read and checked.

use std::borrow::Cow;

/// One problem found on a line of the block (0-based line, 1-based column
/// in characters of the line as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub col: u32,
    pub kind: FindingKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    /// Full-width punctuation or spaces, read as ASCII: the characters.
    FullWidth(String),
    /// Indentation with a tab.
    TabIndent,
    /// `label<TAB>3<TAB>1…`: a pasted spreadsheet row; the label and the
    /// row as it should be written.
    PastedRow { label: String, rewrite: String },
    /// Nothing between two commas: the row's label and the item (1-based).
    BlankCell { label: String, item: usize },
    /// A group heading given figures although sub-rows follow it.
    GroupWithFigures { label: String },
}

/// The block's lines made readable, and what was found.
#[derive(Debug, Default)]
pub struct Cleaned<'a> {
    /// Lines typed plainly (nearly all) are borrowed as they are.
    pub lines: Vec<Cow<'a, str>>,
    /// Per line: columns (1-based, in the cleaned line) where a character
    /// was inserted, so positions can be mapped back to the file.
    pub inserted: Vec<Vec<u32>>,
    pub findings: Vec<Finding>,
}

impl Cleaned<'_> {
    /// The column in the line as written for column `col` of cleaned line `line`.
    pub fn original_col(&self, line: usize, col: u32) -> u32 {
        let before = self
            .inserted
            .get(line)
            .map_or(0, |v| v.iter().filter(|&&c| c < col).count() as u32);
        col.saturating_sub(before).max(1)
    }
}

pub fn clean<'a>(lines: &[&'a str]) -> Cleaned<'a> {
    let mut out = Cleaned {
        lines: Vec::with_capacity(lines.len()),
        inserted: Vec::with_capacity(lines.len()),
        findings: Vec::new(),
    };
    for (i, &line) in lines.iter().enumerate() {
        if let Some(text) = typed_plainly(line) {
            out.lines.push(Cow::Borrowed(text));
            out.inserted.push(Vec::new());
            continue;
        }
        let (mut text, mut inserted, full) = punctuation(line);
        if !full.is_empty() {
            let col = line
                .chars()
                .position(|c| full.contains(c))
                .map_or(1, |p| p as u32 + 1);
            out.findings.push(Finding {
                line: i,
                col,
                kind: FindingKind::FullWidth(full),
            });
        }
        if text.starts_with('\t') || text.trim_start_matches(' ').starts_with('\t') {
            out.findings.push(Finding {
                line: i,
                col: 1,
                kind: FindingKind::TabIndent,
            });
            let body = text.trim_start_matches([' ', '\t']);
            let indent = text.len() - body.len();
            let spaces = text[..indent]
                .chars()
                .map(|c| if c == '\t' { 2 } else { 1 })
                .sum();
            text = format!("{}{}", " ".repeat(spaces), body);
            inserted.clear();
        }
        if let Some((label, rewrite)) = pasted_row(&text) {
            out.findings.push(Finding {
                line: i,
                col: 1,
                kind: FindingKind::PastedRow {
                    label,
                    rewrite: rewrite.trim_start().to_string(),
                },
            });
            text = rewrite;
            inserted.clear();
        }
        for (item, col) in blank_items(&text) {
            out.findings.push(Finding {
                line: i,
                col: out_col(&inserted, col),
                kind: FindingKind::BlankCell {
                    label: label_of(&text),
                    item,
                },
            });
        }
        let (text, more) = fill_blanks(&text);
        inserted.extend(more);
        inserted.sort_unstable();
        out.lines.push(Cow::Owned(text));
        out.inserted.push(inserted);
    }
    group_with_figures(&mut out);
    out
}

/// `line` when it has nothing for [`clean`] to read differently: no tab,
/// none of the full-width characters [`punctuation`] reads as ASCII, and no
/// blank list item. Nearly every line of a table; checking this takes one
/// pass over the bytes instead of a copy of the line per step.
fn typed_plainly(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    // Every character `punctuation` replaces is U+3000–U+3011 (E3 80 xx) or
    // U+FF0C–U+FF3D (EF BC xx) in UTF-8.
    // Found with memchr: the lead bytes of nearly every CJK character are
    // E4–E9, so a line of Chinese labels has few candidates.
    let wide = memchr::memchr2_iter(0xE3, 0xEF, bytes).any(|i| {
        matches!(
            (bytes.get(i), bytes.get(i + 1)),
            (Some(0xE3), Some(0x80)) | (Some(0xEF), Some(0xBC))
        )
    });
    if wide || memchr::memchr(b'\t', bytes).is_some() || has_blank_item(line) {
        return None;
    }
    Some(line)
}

fn out_col(inserted: &[u32], col: u32) -> u32 {
    col - inserted.iter().filter(|&&c| c < col).count() as u32
}

/// Full-width punctuation to ASCII where it is syntax, never inside a row
/// label or a comment (labels hold `、` and `，` themselves): the first `：`
/// (with the space YAML needs after a colon), brackets after the colon, `，`
/// and `、` inside brackets, full-width spaces in the indentation or inside
/// brackets. Returns the text, the inserted columns and the characters
/// replaced (each once).
fn punctuation(line: &str) -> (String, Vec<u32>, String) {
    let mut text = String::with_capacity(line.len());
    let mut inserted = Vec::new();
    let mut found = String::new();
    let chars: Vec<char> = line.chars().collect();
    let (mut colon, mut list, mut leading) = (false, false, true);
    let mut col = 0u32; // characters written so far
    for (i, &c) in chars.iter().enumerate() {
        let ascii = match c {
            '#' if !list => {
                text.extend(&chars[i..]);
                break;
            }
            '：' if !colon && !list => Some(':'),
            '【' | '［' if colon && !list => Some('['),
            '】' | '］' if list => Some(']'),
            '，' | '、' if list => Some(','),
            '\u{3000}' if leading || list || colon => Some(' '),
            _ => None,
        };
        let out = ascii.unwrap_or(c);
        match out {
            ':' if !list => colon = true,
            '[' => list = true,
            ']' => list = false,
            _ => {}
        }
        leading &= out == ' ' || out == '\t';
        if ascii.is_some() && !found.contains(c) {
            found.push(c);
        }
        text.push(out);
        col += 1;
        // A full-width space in the indentation is as wide as two spaces,
        // and is meant as two (the sub-row indent).
        let wide_indent = c == '\u{3000}' && leading;
        let colon_gap =
            c == '：' && ascii.is_some() && chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
        if wide_indent || colon_gap {
            text.push(' ');
            col += 1;
            inserted.push(col);
        }
    }
    (text, inserted, found)
}

/// `label<TAB>3<TAB>1…` (a spreadsheet row, no colon) as `label: [3, 1, …]`.
fn pasted_row(text: &str) -> Option<(String, String)> {
    let body = text.trim_start_matches(' ');
    if body.starts_with('#') || !body.contains('\t') || body.contains(':') {
        return None;
    }
    let mut parts = body.split('\t').map(str::trim).filter(|p| !p.is_empty());
    let label = parts.next()?.to_string();
    let values: Vec<&str> = parts.collect();
    if values.is_empty() {
        return None;
    }
    let indent = &text[..text.len() - body.len()];
    Some((
        label.clone(),
        format!("{indent}{label}: [{}]", values.join(", ")),
    ))
}

/// The row label of a `label: value` line.
fn label_of(text: &str) -> String {
    text.split(':').next().unwrap_or("").trim().to_string()
}

/// Whether [`blank_items`] finds any, without listing them: one pass over
/// the bytes when the list is ASCII (as typed plainly), where the
/// whitespace `str::trim` drops is `\t`…`\r` and the space.
fn has_blank_item(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(open) = memchr::memchr(b'[', bytes) else {
        return false;
    };
    let Some(close) = memchr::memrchr(b']', bytes).filter(|&c| c > open) else {
        return false;
    };
    let inner = &bytes[open + 1..close];
    if !inner.is_ascii() {
        return !blank_items(text).is_empty();
    }
    let blank = |item: &[u8]| item.iter().all(|&b| matches!(b, b'\t'..=b'\r' | b' '));
    !blank(inner) && inner.split(|&b| b == b',').any(blank)
}

/// Empty items of the flow list on the line: (1-based item, column of the
/// comma or bracket after the gap, in the cleaned line).
fn blank_items(text: &str) -> Vec<(usize, u32)> {
    let Some(open) = text.find('[') else {
        return Vec::new();
    };
    let Some(close) = text.rfind(']').filter(|&c| c > open) else {
        return Vec::new();
    };
    let inner = &text[open + 1..close];
    if inner.trim().is_empty() {
        return Vec::new();
    }
    if !inner.split(',').any(|item| item.trim().is_empty()) {
        return Vec::new();
    }
    let base = text[..open + 1].chars().count() as u32;
    let mut out = Vec::new();
    let mut col = base;
    for (k, item) in inner.split(',').enumerate() {
        let len = item.chars().count() as u32;
        if item.trim().is_empty() {
            out.push((k + 1, col + len + 1));
        }
        col += len + 1;
    }
    out
}

/// The line with each empty list item written as `~` (left blank), so the
/// rest of the row is still read; the inserted columns.
fn fill_blanks(text: &str) -> (String, Vec<u32>) {
    let gaps = blank_items(text);
    if gaps.is_empty() {
        return (text.to_string(), Vec::new());
    }
    let mut chars: Vec<char> = text.chars().collect();
    let mut inserted = Vec::new();
    // From the right, so earlier columns stay valid.
    for (_, col) in gaps.iter().rev() {
        let at = (*col as usize).saturating_sub(1);
        chars.insert(at.min(chars.len()), '~');
        inserted.push(*col);
    }
    (chars.into_iter().collect(), inserted)
}

/// A `label: value` line followed by more-indented lines: a group heading
/// given figures. The value is dropped so its sub-rows are still read.
fn group_with_figures(out: &mut Cleaned) {
    let indent = |s: &str| s.len() - s.trim_start_matches(' ').len();
    let content = |s: &str| {
        let t = s.trim_start();
        !t.is_empty() && !t.starts_with('#')
    };
    for i in 0..out.lines.len() {
        let line: &str = &out.lines[i];
        if !content(line) {
            continue;
        }
        // Byte searches: `:` and `#` are ASCII, so each hit is a character
        // boundary (std's `char` patterns cost a `memcmp` per hit).
        let Some(colon) = memchr::memchr(b':', line.as_bytes()) else {
            continue;
        };
        let (key, value) = (&line[..colon], &line[colon + 1..]);
        let value = match memchr::memchr(b'#', value.as_bytes()) {
            Some(hash) => &value[..hash],
            None => value,
        }
        .trim();
        if value.is_empty() {
            continue;
        }
        let next = out.lines[i + 1..].iter().find(|l| content(l));
        if next.is_some_and(|n| indent(n) > indent(line)) {
            let label = key.trim().to_string();
            let col = key.chars().count() as u32 + 2;
            let heading = format!("{key}:");
            out.findings.push(Finding {
                line: i,
                col: out_col(&out.inserted[i], col),
                kind: FindingKind::GroupWithFigures { label },
            });
            out.lines[i] = Cow::Owned(heading);
        }
    }
    out.findings.sort_by_key(|f| (f.line, f.col));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_method_punctuation_reads_as_ascii() {
        let c = clean(&["予以公开：【3，1，0、0，0，0，4】"]);
        assert_eq!(c.lines[0], "予以公开: [3,1,0,0,0,0,4]");
        assert!(matches!(c.findings[0].kind, FindingKind::FullWidth(_)));
        assert_eq!(c.findings[0].col, 5);
        // The `3` is column 8 in the cleaned line, column 7 as written.
        assert_eq!(c.original_col(0, 8), 7);
    }

    #[test]
    fn the_quick_blank_check_agrees_with_blank_items() {
        for t in [
            "a: [1, , 2]",
            "a: [1, 2]",
            "a: []",
            "a: [ ]",
            "a: [,]",
            "a: [1,\t,2]",
            "a: [1,\x0b,2]",
            "a: [1,\u{3000},2]",
            "a: [1,\u{a0},2]",
            "a: [甲, ,2]",
            "a: ]1, [",
            "a: [1, 2]] ,]",
            "a: [[1], ]",
            "无",
        ] {
            assert_eq!(has_blank_item(t), !blank_items(t).is_empty(), "{t:?}");
        }
    }

    #[test]
    fn blank_cells_are_named_and_left_blank() {
        let c = clean(&["予以公开: [3, 1, , 0]"]);
        assert_eq!(c.lines[0], "予以公开: [3, 1, ~, 0]");
        assert_eq!(
            c.findings[0].kind,
            FindingKind::BlankCell {
                label: "予以公开".into(),
                item: 3
            }
        );
        assert_eq!(c.findings[0].col, 14);
    }

    #[test]
    fn pasted_rows_tabs_and_groups_with_figures() {
        let c = clean(&["予以公开\t3\t1\t0", "不予公开: [1]", "\t属于国家秘密: [1]"]);
        assert_eq!(c.lines[0], "予以公开: [3, 1, 0]");
        assert_eq!(c.lines[1], "不予公开:");
        assert_eq!(c.lines[2], "  属于国家秘密: [1]");
        let kinds: Vec<_> = c
            .findings
            .iter()
            .map(|f| std::mem::discriminant(&f.kind))
            .collect();
        assert_eq!(kinds.len(), 3);
    }
}
