//! The page cut at the headings of the six sections (as any known format
//! spells them), and each section's items as tokens and prose.

use crate::format::FormatDef;
use crate::format::labels::{normalize, strip_numbering};

use super::cells::{self, Tok};
use super::{Item, Shape};

/// Which section (0-based) a line heads, across the known formats.
pub(super) fn heading_index(line: &str, registry_sections: &[Vec<String>]) -> Option<usize> {
    let t = line
        .trim()
        .trim_start_matches('#')
        .trim()
        .trim_end_matches([':', '：']);
    if t.is_empty() || t.chars().count() > 40 {
        return None;
    }
    let key = |s: &str| strip_numbering(&normalize(s)).replace('的', "");
    let k = key(t);
    registry_sections
        .iter()
        .find_map(|secs| secs.iter().position(|s| key(s) == k))
}

/// The page cut at the headings of the format's six sections.
pub(super) struct Sections {
    /// The items under each heading.
    pub parts: Vec<Vec<Item>>,
    /// Which headings the page has.
    pub found: [bool; 6],
    /// The lines before the first heading.
    pub title: Vec<String>,
}

impl Sections {
    /// The headings in order; what comes before the first is the title.
    pub(super) fn of(items: &[Item], all_sections: &[Vec<String>]) -> Sections {
        let mut parts: Vec<Vec<Item>> = vec![Vec::new(); 6];
        let mut found = [false; 6];
        let mut title: Vec<String> = Vec::new();
        let mut current: Option<usize> = None;
        for item in items {
            if let Item::Line(l) = item
                && let Some(s) = heading_index(l, all_sections)
                && current.is_none_or(|c| s > c)
                && s < 6
            {
                current = Some(s);
                found[s] = true;
                continue;
            }
            match current {
                Some(s) => parts[s].push(item.clone()),
                None => {
                    if let Item::Line(l) = item {
                        title.push(l.clone());
                    }
                }
            }
        }
        Sections {
            parts,
            found,
            title,
        }
    }
}

/// Tokens per section, and the prose lines among them; without any heading,
/// the whole page serves every table.
pub(super) fn section_tokens(
    items: &[Item],
    parts: &[Vec<Item>],
    any_heading: bool,
    shape: Shape,
) -> (Vec<Vec<Tok>>, Vec<Vec<String>>) {
    let mut toks: Vec<Vec<Tok>> = Vec::new();
    let mut prose: Vec<Vec<String>> = vec![Vec::new(); 6];
    if any_heading {
        for (s, part) in parts.iter().enumerate() {
            let (t, p) = cells::tokens(part, shape);
            toks.push(t);
            prose[s] = p;
        }
    } else {
        let (t, p) = cells::tokens(items, shape);
        toks = vec![t; 6];
        prose[0] = p;
    }
    (toks, prose)
}

/// Sections without tables are prose: every line of the section, cells too.
pub(super) fn whole_prose(format: &FormatDef, parts: &[Vec<Item>], prose: &mut [Vec<String>]) {
    for s in 0..6 {
        if !format.tables.iter().any(|t| t.section == s + 1) {
            prose[s] = parts[s]
                .iter()
                .filter_map(|i| match i {
                    Item::Line(l) => Some(l.clone()),
                    Item::Cell(c) if !c.trim().is_empty() => Some(c.clone()),
                    _ => None,
                })
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::format::Registry;

    #[test]
    fn headings_with_drift() {
        let secs = vec![
            Registry::builtin()
                .get("gov-2021")
                .unwrap()
                .sections
                .clone(),
        ];
        assert_eq!(heading_index("二、主动公开政府信息的情况", &secs), Some(1));
        assert_eq!(heading_index("总体情况", &secs), Some(0));
        assert_eq!(heading_index("## 六、其他需要报告的事项", &secs), Some(5));
        assert_eq!(heading_index("（一）主动公开情况", &secs), None);
    }
}
