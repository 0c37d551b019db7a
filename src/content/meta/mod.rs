//! Front matter: who reports, for which year, and how the page is titled.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::{Diagnostic, Loc, Msg, SourceFile};
use crate::format::{Registry, labels};
use crate::yaml::{self, Kind, Node};

use super::body::Split;

mod keys;

pub use keys::{KEYS, KeySpec};
use keys::{Read, Reading, Stage};

/// A calendar date as written in front matter (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().split('-');
        let year: u16 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        if parts.next().is_some()
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Date { year, month, day })
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// What kind of body reports: it decides the publication deadline (Art. 49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// A department of a government at county level or above: 31 January.
    Department,
    /// A government at county level or above: 31 March.
    Government,
    /// A township or street office: no statutory date; the county's rule applies.
    Township,
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub organ: String,
    pub township: String,
    pub slug: String,
    pub region: Option<String>,
    pub region_slug: Option<String>,
    pub year: u16,
    pub published: Option<Date>,
    pub title: String,
    pub format: String,
    /// Whether `format:` was written (rather than chosen by year).
    pub format_written: bool,
    pub index_no: Option<String>,
    pub draft: bool,
    pub body_kind: Option<BodyKind>,
    /// Where each key was written, for diagnostics.
    pub locs: BTreeMap<&'static str, Loc>,
}

impl Meta {
    pub fn loc(&self, key: &str) -> Option<Loc> {
        self.locs.get(key).copied()
    }
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

/// The current year, for the "year out of range" check.
pub fn this_year() -> u16 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Days to civil year (good for any date after 1970).
    let days = secs / 86_400;
    let mut year = 1970u16;
    let mut left = days;
    loop {
        let len =
            if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) {
                366
            } else {
                365
            };
        if left < len {
            return year;
        }
        left -= len;
        year += 1;
    }
}

/// The likely cause of a YAML error on a front-matter line, in Chinese
/// (the parser's English stays in the English message).
fn front_matter_cause(line: &str) -> &'static str {
    if line.starts_with('\t') || line.starts_with(' ') && line.trim_start().starts_with('\t') {
        "用了 Tab 缩进；请删去行首的 Tab"
    } else if line.contains('：') && !line.contains(':') {
        "冒号是全角的「：」；请改为半角「: 」"
    } else if !line.contains(':') {
        "缺少冒号（键后应有 : 和一个空格）"
    } else if line.matches('"').count() % 2 == 1 || line.matches('\'').count() % 2 == 1 {
        "引号不配对"
    } else {
        "缩进或冒号的位置不对（值里有冒号时请用引号括起来）"
    }
}

/// The front matter as a [`Meta`]: every key of [`KEYS`] is read, the
/// required ones must be written, then each key's check runs, stage by
/// stage. `None` when the report cannot become a page (the reasons are in
/// `diags`).
pub fn parse(
    file: &Arc<SourceFile>,
    split: &Split,
    stem: &str,
    registry: &Registry,
    diags: &mut Vec<Diagnostic>,
) -> Option<Meta> {
    let offset = split.yaml_first_line - 1;
    let entries = front_matter_entries(file, split, offset, diags)?;
    let written = known_keys(file, &entries, offset, diags);
    let mut r = Reading::new(file, offset, stem, registry, diags, written);
    for spec in KEYS.iter().filter(|s| s.read == Read::Text) {
        r.read_text(spec.name);
    }
    for spec in KEYS.iter().filter(|s| s.required) {
        if !r.is_written(spec.name) {
            r.missing(spec);
        }
    }
    for stage in [Stage::Basis, Stage::Own, Stage::Last] {
        for (_, run) in KEYS.iter().filter_map(|s| s.check).filter(|c| c.0 == stage) {
            run(&mut r)?;
        }
    }
    r.finish()
}

/// The front matter's `key: value` entries, or `None` once it is reported
/// as malformed YAML (E030) or not a mapping (E031).
fn front_matter_entries<'t>(
    file: &Arc<SourceFile>,
    split: &'t Split,
    offset: u32,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(Node<'t>, Node<'t>)>> {
    let root = match yaml::parse(&split.yaml) {
        Ok(r) => r,
        Err(e) => {
            diags.push(malformed(file, &split.yaml, offset, &e));
            return None;
        }
    };
    match root.kind {
        Kind::Map(e) => Some(e),
        Kind::Null => Some(Vec::new()),
        _ => {
            diags.push(
                Diagnostic::error(
                    "E031",
                    Msg::new(
                        "front matter 应逐行写「键: 值」",
                        "front matter is a mapping of `key: value` lines",
                    ),
                )
                .at(file, Some(node_loc(&root, offset))),
            );
            None
        }
    }
}

/// E030: the front matter is not YAML, pointed at the line that causes it.
fn malformed(file: &Arc<SourceFile>, yaml: &str, offset: u32, e: &yaml::Error) -> Diagnostic {
    // A tab or a full-width colon is the cause wherever the parser
    // happened to stop (it often notices one line early or late).
    let lines: Vec<&str> = yaml.lines().collect();
    let culprit = lines.iter().position(|l| {
        l.trim_start_matches(' ').starts_with('\t') || (l.contains('：') && !l.contains(':'))
    });
    let (line, col) = match culprit {
        Some(i) => (i as u32 + 1, 1),
        None => (e.pos.line, e.pos.col),
    };
    let text = lines
        .get(line.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("");
    Diagnostic::error(
        "E030",
        Msg::new(
            format!("front matter 这一行写法有误：{}", front_matter_cause(text)),
            format!("the front matter is malformed YAML: {}", e.message),
        ),
    )
    .hint(Msg::new(
        "每行写「键: 值」，冒号后空一格，不用 Tab；值里有冒号时用引号括起来",
        "write `key: value` per line, a space after the colon, no tabs; quote values that contain a colon",
    ))
    .at(
        file,
        Some(Loc {
            line: line + offset,
            col,
            len: 1,
        }),
    )
}

/// Where a node was written, in lines of the whole file.
fn node_loc(n: &Node, offset: u32) -> Loc {
    Loc {
        line: n.pos.line + offset,
        col: n.pos.col,
        len: n.len,
    }
}

/// Each known key written once, with its value and where the key is; a key
/// written twice (E032) or not known (E033) is reported and left out.
fn known_keys<'t>(
    file: &Arc<SourceFile>,
    entries: &[(Node<'t>, Node<'t>)],
    offset: u32,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<&'static str, (Node<'t>, Loc)> {
    let mut values: BTreeMap<&'static str, (Node<'t>, Loc)> = BTreeMap::new();
    for (k, v) in entries {
        let key = k.as_key().unwrap_or("");
        let Some(spec) = KEYS.iter().find(|s| s.name == key) else {
            diags.push(unknown_key(file, key, node_loc(k, offset)));
            continue;
        };
        if let Some((_, prev)) = values.get(spec.name) {
            diags.push(
                Diagnostic::error(
                    "E032",
                    Msg::new(format!("{key} 写了两次"), format!("{key} is written twice")),
                )
                .at(file, Some(node_loc(k, offset)))
                .related(
                    file,
                    Some(*prev),
                    Msg::new("第一次写在这里", "first written here"),
                ),
            );
        } else {
            values.insert(spec.name, (v.clone(), node_loc(k, offset)));
        }
    }
    values
}

/// E033, with the nearest known key or else the list of them.
fn unknown_key(file: &Arc<SourceFile>, key: &str, at: Loc) -> Diagnostic {
    let d = Diagnostic::error(
        "E033",
        Msg::new(
            format!("未知的 front matter 键 “{key}”"),
            format!("unknown front matter key `{key}`"),
        ),
    )
    .at(file, Some(at));
    if let Some(n) = labels::nearest(key, KEYS.iter().map(|s| s.name)) {
        d.hint(Msg::new(
            format!("是否想写 {n}？"),
            format!("did you mean `{n}`?"),
        ))
    } else {
        let all: Vec<&str> = KEYS.iter().map(|s| s.name).collect();
        d.hint(Msg::new(
            format!("可用的键：{}", all.join("、")),
            format!("known keys: {}", all.join(", ")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2022-01-15"),
            Some(Date {
                year: 2022,
                month: 1,
                day: 15
            })
        );
        assert_eq!(Date::parse("2022-02-30"), None);
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()),
            Some("2024-02-29".into())
        );
        assert_eq!(Date::parse("2022/01/15"), None);
    }

    #[test]
    fn slugs() {
        assert!(is_slug("pingan"));
        assert!(is_slug("ping-an-2"));
        assert!(!is_slug("../etc"));
        assert!(!is_slug("平安"));
        assert!(!is_slug("PingAn"));
        assert!(!is_slug(""));
    }

    #[test]
    fn this_year_is_plausible() {
        assert!(this_year() >= 2025);
    }
}
