//! Copied page text into items: lines of prose, table cells, row ends.
//!
//! What a browser puts on the clipboard depends on the browser and the page:
//! one cell per line behind a TAB (the seed), rows of `|`-separated cells,
//! cells ending in ` |`, lone `|` lines between cells, cells separated by blank
//! lines, or a PDF text layer with a row per line and cells split by spaces.
//! The shape is decided once per document from the lines themselves.

use super::{Item, Shape, is_prose};

/// How the cells of a document are marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Cells on lines that contain a TAB (leading TAB = one cell per line).
    Tab,
    /// Rows or cells delimited by `|`.
    Pipe,
    /// Nothing marks a cell: the line structure decides (see [`Shape`]).
    None,
}

fn is_pipe(c: char) -> bool {
    c == '|' || c == '｜'
}

/// Split copied text into items. `is_heading` tells section headings, which
/// are never cells nor continuations of a wrapped cell.
pub fn items(text: &str, is_heading: &dyn Fn(&str) -> bool) -> (Vec<Item>, Shape) {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_end_matches(['\r', ' ']))
        .collect();
    let nonblank = lines.iter().filter(|l| !l.trim().is_empty()).count().max(1);
    let tabs = lines.iter().filter(|l| l.contains('\t')).count();
    let pipes = lines.iter().filter(|l| l.contains(is_pipe)).count();
    let mark = if tabs >= 10 || tabs * 5 >= nonblank {
        Mark::Tab
    } else if pipes >= 10 || pipes * 5 >= nonblank {
        Mark::Pipe
    } else {
        Mark::None
    };
    match mark {
        Mark::Tab => (tab_items(&lines, is_heading), Shape::Cells),
        Mark::Pipe => (pipe_items(&lines, is_heading), Shape::Cells),
        Mark::None => plain_items(&lines, is_heading),
    }
}

/// A short text cell may have been wrapped by the copy: 「商业\n\n企业」.
fn continues(items: &[Item], line: &str, is_heading: &dyn Fn(&str) -> bool) -> bool {
    let Some(Item::Cell(prev)) = items.iter().rev().find(|i| !matches!(i, Item::Blank)) else {
        return false;
    };
    let t = line.trim();
    !prev.trim().is_empty()
        && !super::tables::looks_numeric(prev)
        && t.chars().count() <= 8
        && !super::tables::looks_numeric(t)
        && !is_heading(t)
        && !is_prose(t)
}

fn tab_items(lines: &[&str], is_heading: &dyn Fn(&str) -> bool) -> Vec<Item> {
    let mut items = Vec::new();
    let mut pending_blank = false;
    for line in lines {
        if line.trim().is_empty() && !line.contains('\t') {
            pending_blank = true;
            items.push(Item::Blank);
            continue;
        }
        if line.contains('\t') {
            if pending_blank {
                // A blank line between cells ends a table row.
                push_row_end_before_blanks(&mut items);
            }
            pending_blank = false;
            let body = line.strip_prefix('\t').unwrap_or(line);
            let cells: Vec<&str> = body.split('\t').collect();
            // A line of several cells is a row (TSV as browsers and Excel copy it).
            let multi = cells.len() > 1;
            for c in cells {
                items.push(Item::Cell(c.trim().to_string()));
            }
            if multi {
                items.push(Item::RowEnd);
            }
            continue;
        }
        if continues(&items, line, is_heading) {
            if let Some(Item::Cell(prev)) =
                items.iter_mut().rev().find(|i| !matches!(i, Item::Blank))
            {
                prev.push_str(line.trim());
            }
            pending_blank = false;
            continue;
        }
        push_row_end_before_blanks(&mut items);
        pending_blank = false;
        items.push(Item::Line(line.trim().to_string()));
    }
    items
}

fn push_row_end_before_blanks(items: &mut Vec<Item>) {
    let at = items
        .iter()
        .rposition(|i| !matches!(i, Item::Blank))
        .map_or(0, |p| p + 1);
    if at > 0 && matches!(items.get(at - 1), Some(Item::Cell(_))) {
        items.insert(at, Item::RowEnd);
    }
}

fn pipe_items(lines: &[&str], is_heading: &dyn Fn(&str) -> bool) -> Vec<Item> {
    // Lone `|` lines either separate cells (more of them than cells ending in
    // ` |`) or are themselves blank cells ending in `|`.
    let lone = lines
        .iter()
        .filter(|l| l.trim().chars().all(is_pipe) && !l.trim().is_empty())
        .count();
    let ending = lines
        .iter()
        .filter(|l| {
            let t = l.trim();
            t.ends_with(is_pipe)
                && t.chars().filter(|c| is_pipe(*c)).count() == 1
                && t.chars().count() > 1
        })
        .count();
    let separators = lone > ending;
    let mut items = Vec::new();
    let mut after_sep = false;
    let lone_pipe = |l: &str| !l.trim().is_empty() && l.trim().chars().all(is_pipe);
    for (idx, line) in lines.iter().enumerate() {
        let t = line.trim();
        // With separator lines, a line is a cell only beside a separator.
        let next_is_sep = lines
            .iter()
            .skip(idx + 1)
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| lone_pipe(l));
        if t.is_empty() {
            push_row_end_before_blanks(&mut items);
            items.push(Item::Blank);
            continue;
        }
        let npipes = t.chars().filter(|c| is_pipe(*c)).count();
        if npipes == 0 {
            if separators && !is_heading(t) && !is_prose(t) && (after_sep || next_is_sep) {
                if !after_sep && matches!(items.last(), Some(Item::Cell(_))) {
                    items.push(Item::RowEnd);
                }
                items.push(Item::Cell(t.to_string()));
                after_sep = false;
                continue;
            }
            if !separators && continues(&items, t, is_heading) {
                if let Some(Item::Cell(prev)) =
                    items.iter_mut().rev().find(|i| !matches!(i, Item::Blank))
                {
                    prev.push_str(t);
                }
                continue;
            }
            push_row_end_before_blanks(&mut items);
            items.push(Item::Line(t.to_string()));
            after_sep = false;
            continue;
        }
        if t.chars().all(is_pipe) {
            if separators {
                if after_sep {
                    // Two separators with nothing between: a blank cell.
                    items.push(Item::Cell(String::new()));
                }
                after_sep = true;
            } else {
                items.push(Item::Cell(String::new()));
            }
            continue;
        }
        let mut pieces: Vec<&str> = t.split(is_pipe).collect();
        if t.starts_with(is_pipe) && !pieces.is_empty() {
            pieces.remove(0);
        }
        if t.ends_with(is_pipe) {
            pieces.pop();
        }
        for p in &pieces {
            items.push(Item::Cell(p.trim().to_string()));
        }
        after_sep = false;
        if pieces.len() > 1 {
            items.push(Item::RowEnd);
        }
    }
    items
}

/// No cell marks: every line is a line; the table reader splits them. A
/// document whose short lines are nearly all followed by a blank line has its
/// cells separated by blank lines (and blank cells as extra blank lines).
fn plain_items(lines: &[&str], is_heading: &dyn Fn(&str) -> bool) -> (Vec<Item>, Shape) {
    let mut short = 0usize;
    let mut followed = 0usize;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if t.is_empty() || is_prose(t) || is_heading(t) {
            continue;
        }
        short += 1;
        if lines.get(i + 1).is_some_and(|n| n.trim().is_empty()) {
            followed += 1;
        }
    }
    let shape = if short >= 20 && followed * 10 >= short * 8 {
        Shape::BlankSeparated
    } else {
        Shape::Lines
    };
    let items = lines
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                Item::Blank
            } else {
                Item::Line(l.trim().to_string())
            }
        })
        .collect();
    (items, shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_heading(_: &str) -> bool {
        false
    }

    #[test]
    fn wrapped_tab_cells_are_joined() {
        let mut text = String::from("表\n\n");
        for _ in 0..10 {
            text.push_str("\t商业\n\n企业\n\t0\n\n");
        }
        let (items, shape) = items(&text, &no_heading);
        assert_eq!(shape, Shape::Cells);
        assert!(items.contains(&Item::Cell("商业企业".into())), "{items:?}");
    }

    #[test]
    fn pipe_rows_and_blank_cells() {
        let text = "| 规章 | 0 |  | 0 |\n".repeat(10);
        let (items, _) = items(&text, &no_heading);
        assert_eq!(
            &items[..5],
            &[
                Item::Cell("规章".into()),
                Item::Cell("0".into()),
                Item::Cell("".into()),
                Item::Cell("0".into()),
                Item::RowEnd
            ]
        );
    }
}
