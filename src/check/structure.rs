//! The six section headings (W10, W11) and where the tables stand.
//!
//! Headings are matched loosely — numbering, width, spaces and the 的 of the
//! common drift `二、主动公开政府信息的情况` are ignored (gov-2021.md §2) — so a
//! copied report is recognised; a heading that only matches loosely is named
//! (W11) so the author can restore the official wording.

use crate::content::Report;
use crate::diag::{Diagnostic, Loc, Msg};
use crate::format::labels::{distance, heading_key as key, normalize, strip_numbering};

/// How a written heading differs from the official one, for the W11 message.
fn difference(written: &str, official: &str) -> (String, String) {
    let (w, o) = (normalize(written), normalize(official));
    let numbered = |s: &str| strip_numbering(s).len() != s.len();
    if numbered(&o) && !numbered(&w) {
        ("缺少序号".into(), "the numbering is missing".into())
    } else if w.replace('的', "") == o.replace('的', "") && w != o {
        ("多了或少了“的”字".into(), "a 的 is added or missing".into())
    } else {
        (
            "文字与官方标题不同".into(),
            "the wording differs from the official heading".into(),
        )
    }
}

/// A heading that names a section: the section's index, the heading as
/// written, and where.
type Found<'r> = (usize, &'r str, Loc);

/// W10: a section heading missing, repeated or out of order, or a table
/// standing under another section. W11: a heading recognised only loosely.
pub fn headings(report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let found = sections_found(report);
    let (seen, disordered) = in_order(report, &found, &mut out);
    missing_sections(report, &found, &seen, &mut out);
    // A table under another section's heading (by position in the file);
    // not when the headings themselves are out of order (one cause, one message).
    if !disordered {
        misplaced_tables(report, &found, &mut out);
    }
    out
}

/// The headings that name a section, in file order.
fn sections_found(report: &Report) -> Vec<Found<'_>> {
    let keys = &report.format.section_keys;
    let mut found: Vec<Found> = Vec::new();
    let mut unmatched = Vec::new();
    for (text, loc) in &report.headings {
        // A heading written as the form prints it has the section's key.
        let k = match report.format.sections.iter().position(|s| s == text) {
            Some(j) => keys.get(j).cloned().unwrap_or_else(|| key(text)),
            None => key(text),
        };
        match keys.iter().position(|s| *s == k) {
            Some(i) => found.push((i, text.as_str(), *loc)),
            None => unmatched.push((k, text.as_str(), *loc)),
        }
    }
    // A heading one or two characters off an official one that no heading
    // matched (及 → 和, a dropped character) is that section, worded differently.
    for (k, text, loc) in unmatched {
        let near = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| !found.iter().any(|(j, _, _)| j == i))
            .map(|(i, s)| (distance(&k, s), i))
            .filter(|(d, _)| *d <= 2)
            .min();
        if let Some((_, i)) = near {
            found.push((i, text, loc));
        }
    }
    found.sort_by_key(|(_, _, l)| l.line);
    found
}

/// W11 for each heading worded differently from the official one, and W10
/// for each section written twice or out of order. Returns where each
/// section's heading was first written, and whether any was out of order.
fn in_order(
    report: &Report,
    found: &[Found],
    out: &mut Vec<Diagnostic>,
) -> (Vec<Option<Loc>>, bool) {
    let sections = &report.format.sections;
    let mut disordered = false;
    let mut highest: Option<(usize, &str)> = None;
    let mut seen: Vec<Option<Loc>> = vec![None; sections.len()];
    for &(i, text, loc) in found {
        let Some(official) = sections.get(i) else {
            continue;
        };
        if text != official {
            let (zh, en) = difference(text, official);
            out.push(
                Diagnostic::warning(
                    "W11",
                    Msg::new(format!("标题「{text}」与官方标题「{official}」不同（{zh}）；已按同一部分处理"), format!("the heading “{text}” differs from the official “{official}” ({en}); read as that section")),
                )
                .at(&report.file, Some(loc))
                .expected_found(official, text)
                .hint(Msg::new(format!("改为「## {official}」"), format!("write “## {official}”"))),
            );
        }
        if let Some(Some(first)) = seen.get(i) {
            disordered = true;
            out.push(
                Diagnostic::warning(
                    "W10",
                    Msg::new(
                        format!("「{official}」写了两次"),
                        format!("the section “{official}” is written twice"),
                    ),
                )
                .at(&report.file, Some(loc))
                .related(
                    &report.file,
                    Some(*first),
                    Msg::new("第一次写在这里", "first written here"),
                ),
            );
            continue;
        }
        if let Some(slot) = seen.get_mut(i) {
            *slot = Some(loc);
        }
        match highest {
            Some((h, htext)) if h > i => {
                disordered = true;
                out.push(
                    Diagnostic::warning(
                        "W10",
                        Msg::new(
                            format!("「{official}」应在「{htext}」之前"),
                            format!("“{official}” belongs before “{htext}”"),
                        ),
                    )
                    .at(&report.file, Some(loc))
                    .hint(Msg::new(
                        "六个部分应按一至六的顺序排列",
                        "the six sections follow the order 一 to 六",
                    )),
                );
            }
            _ => highest = Some((i, text)),
        }
    }
    (seen, disordered)
}

/// W10 for each section whose heading was not written (`seen` holds none).
fn missing_sections(
    report: &Report,
    found: &[Found],
    seen: &[Option<Loc>],
    out: &mut Vec<Diagnostic>,
) {
    for (i, official) in report.format.sections.iter().enumerate() {
        if seen.get(i).is_some_and(Option::is_some) {
            continue;
        }
        // Point at the section's table when it has one, else at the next section present.
        let table_loc = report
            .format
            .tables
            .iter()
            .enumerate()
            .filter(|(_, d)| d.section == i + 1)
            .find_map(|(t, _)| report.tables.get(t).and_then(|d| d.written));
        let next_loc = found
            .iter()
            .filter(|(j, _, _)| *j > i)
            .map(|(_, _, l)| *l)
            .min();
        let mut d = Diagnostic::warning(
            "W10",
            Msg::new(
                format!("缺少第 {} 部分的标题「{official}」", i + 1),
                format!("the heading of section {} “{official}” is missing", i + 1),
            ),
        )
        .hint(Msg::new(
            format!("在这一部分之前写一行「## {official}」"),
            format!("write a line “## {official}” before that section"),
        ));
        d = d.at(&report.file, table_loc.or(next_loc));
        out.push(d);
    }
}

/// W10 for each table written below the heading of another section than its own.
fn misplaced_tables(report: &Report, found: &[Found], out: &mut Vec<Diagnostic>) {
    let sections = &report.format.sections;
    for (t, def) in report.format.tables.iter().enumerate() {
        let Some(at) = report.tables.get(t).and_then(|d| d.written) else {
            continue;
        };
        let Some(&(i, text, _)) = found
            .iter()
            .filter(|(_, _, l)| l.line < at.line)
            .max_by_key(|(_, _, l)| l.line)
        else {
            continue;
        };
        if i + 1 != def.section {
            let want = sections
                .get(def.section.saturating_sub(1))
                .map_or("", String::as_str);
            out.push(
                Diagnostic::warning(
                    "W10",
                    Msg::new(
                        format!("表格「{}」写在「{text}」下，应在「{want}」下", def.caption),
                        format!(
                            "the table “{}” stands under “{text}”; it belongs under “{want}”",
                            def.caption
                        ),
                    ),
                )
                .at(&report.file, Some(at)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_keys_match_known_drift() {
        assert_eq!(
            key("二、主动公开政府信息的情况"),
            key("二、主动公开政府信息情况")
        );
        assert_eq!(key("总计情况"), key("总计情况"));
        assert_eq!(key("总体情况"), key("一、总体情况"));
        assert_eq!(
            key("（六）其他需要报告的事项"),
            key("六、其他需要报告的事项")
        );
        assert_ne!(
            key("三、收到和处理政府信息公开申请情况"),
            key("四、政府信息公开行政复议、行政诉讼情况")
        );
    }

    #[test]
    fn differences_are_named() {
        assert_eq!(
            difference("总体情况", "一、总体情况").1,
            "the numbering is missing"
        );
        assert_eq!(
            difference("二、主动公开政府信息的情况", "二、主动公开政府信息情况").1,
            "a 的 is added or missing"
        );
    }
}
