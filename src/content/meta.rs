//! Front matter: who reports, for which year, and how the page is titled.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::{Diagnostic, Loc, Msg, SourceFile};
use crate::format::{Registry, labels};
use crate::yaml::{self, Kind, Node};

use super::body::Split;

/// The keys of the authoring contract, with what each means (for messages).
pub const KEYS: &[(&str, &str)] = &[
    ("organ", "发布机构"),
    ("township", "乡镇（街道、部门）简称"),
    ("slug", "网址名"),
    ("region", "所属地区"),
    ("region_slug", "所属地区的网址名"),
    ("year", "报告年度"),
    ("published", "发布日期"),
    ("title", "标题"),
    ("format", "报告格式"),
    ("index_no", "索引号"),
    ("draft", "草稿"),
    ("body_kind", "机关类别"),
];

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

pub fn parse(
    file: &Arc<SourceFile>,
    split: &Split,
    stem: &str,
    registry: &Registry,
    diags: &mut Vec<Diagnostic>,
) -> Option<Meta> {
    let offset = split.yaml_first_line - 1;
    let loc = |n: &Node| Loc {
        line: n.pos.line + offset,
        col: n.pos.col,
        len: n.len,
    };
    let root = match yaml::parse(&split.yaml) {
        Ok(r) => r,
        Err(e) => {
            // A tab or a full-width colon is the cause wherever the parser
            // happened to stop (it often notices one line early or late).
            let lines: Vec<&str> = split.yaml.lines().collect();
            let culprit = lines.iter().position(|l| {
                l.trim_start_matches(' ').starts_with('\t')
                    || (l.contains('：') && !l.contains(':'))
            });
            let (line, col) = match culprit {
                Some(i) => (i as u32 + 1, 1),
                None => (e.pos.line, e.pos.col),
            };
            let text = lines
                .get(line.saturating_sub(1) as usize)
                .copied()
                .unwrap_or("");
            diags.push(
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
                ),
            );
            return None;
        }
    };
    let entries = match &root.kind {
        Kind::Map(e) => e.clone(),
        Kind::Null => Vec::new(),
        _ => {
            diags.push(
                Diagnostic::error(
                    "E031",
                    Msg::new(
                        "front matter 应逐行写「键: 值」",
                        "front matter is a mapping of `key: value` lines",
                    ),
                )
                .at(file, Some(loc(&root))),
            );
            return None;
        }
    };
    let mut values: BTreeMap<&'static str, (Node, Loc)> = BTreeMap::new();
    for (k, v) in &entries {
        let key = k.as_key().unwrap_or("");
        match KEYS.iter().find(|(name, _)| *name == key) {
            Some((name, _)) => {
                if let Some((_, prev)) = values.get(name) {
                    let prev = *prev;
                    diags.push(
                        Diagnostic::error(
                            "E032",
                            Msg::new(format!("{key} 写了两次"), format!("{key} is written twice")),
                        )
                        .at(file, Some(loc(k)))
                        .related(
                            file,
                            Some(prev),
                            Msg::new("第一次写在这里", "first written here"),
                        ),
                    );
                } else {
                    values.insert(name, (v.clone(), loc(k)));
                }
            }
            None => {
                let mut d = Diagnostic::error(
                    "E033",
                    Msg::new(
                        format!("未知的 front matter 键 “{key}”"),
                        format!("unknown front matter key `{key}`"),
                    ),
                )
                .at(file, Some(loc(k)));
                if let Some(n) = labels::nearest(key, KEYS.iter().map(|(n, _)| *n)) {
                    d = d.hint(Msg::new(
                        format!("是否想写 {n}？"),
                        format!("did you mean `{n}`?"),
                    ));
                } else {
                    let all: Vec<&str> = KEYS.iter().map(|(n, _)| *n).collect();
                    d = d.hint(Msg::new(
                        format!("可用的键：{}", all.join("、")),
                        format!("known keys: {}", all.join(", ")),
                    ));
                }
                diags.push(d);
            }
        }
    }
    let mut locs = BTreeMap::new();
    for (k, (_, l)) in &values {
        locs.insert(*k, *l);
    }

    let text = |key: &'static str, diags: &mut Vec<Diagnostic>| -> Option<String> {
        let (v, _) = values.get(key)?;
        match &v.kind {
            Kind::Scalar { text, .. } if crate::diag::has_controls(text) => {
                diags.push(
                    Diagnostic::error(
                        "E016",
                        Msg::new(
                            format!("{key} 含有控制字符（如 \\0、\\e），已删去；请改为普通文字"),
                            format!("{key} contains control characters (such as \\0 or \\e); they were removed; write plain text"),
                        ),
                    )
                    .at(file, Some(loc(v))),
                );
                let clean: String = text
                    .chars()
                    .filter(|&c| !crate::diag::is_control(c))
                    .collect();
                Some(clean.trim().to_string()).filter(|t| !t.is_empty())
            }
            Kind::Scalar { text, .. } if !text.trim().is_empty() => Some(text.trim().to_string()),
            Kind::Null => None,
            _ => {
                diags.push(
                    Diagnostic::error(
                        "E034",
                        Msg::new(format!("{key} 应是一段文字"), format!("{key} must be text")),
                    )
                    .at(file, Some(loc(v))),
                );
                None
            }
        }
    };
    let organ = text("organ", diags);
    let township = text("township", diags);
    let slug_written = text("slug", diags);
    let region = text("region", diags);
    let region_slug = text("region_slug", diags);
    let year_text = text("year", diags);
    let published_text = text("published", diags);
    let title = text("title", diags);
    let format_text = text("format", diags);
    let index_no = text("index_no", diags);
    let draft_node = values.get("draft").map(|(v, _)| v.clone());
    let kind_text = text("body_kind", diags);
    let value_loc = |key: &str| values.get(key).map(|(v, _)| loc(v));

    let whole = Loc {
        line: 1,
        col: 1,
        len: 3,
    };
    for (key, val) in [
        ("organ", &organ),
        ("township", &township),
        ("year", &year_text),
    ] {
        if val.is_none() && !values.contains_key(key) {
            let meaning = KEYS.iter().find(|(n, _)| *n == key).map_or("", |(_, m)| *m);
            diags.push(
                Diagnostic::error(
                    "E035",
                    Msg::new(
                        format!("front matter 缺少必填的 {key}（{meaning}）"),
                        format!("the front matter lacks the required key `{key}`"),
                    ),
                )
                .at(file, Some(whole)),
            );
        }
    }

    let max_year = this_year() + 1;
    let year = match &year_text {
        Some(t) => match t.parse::<u16>() {
            Ok(y) if (2008..=max_year).contains(&y) => Some(y),
            _ => {
                diags.push(
                    Diagnostic::error(
                        "E036",
                        Msg::new(
                            format!("year 应是 2008 至 {max_year} 之间的年份，写的是 “{t}”"),
                            format!("year must be between 2008 and {max_year}, found `{t}`"),
                        ),
                    )
                    .at(file, value_loc("year")),
                );
                None
            }
        },
        None => None,
    };

    let slug = slug_written.clone().unwrap_or_else(|| stem.to_string());
    if !is_slug(&slug) {
        let (at, how) = if slug_written.is_some() {
            (value_loc("slug"), "slug")
        } else {
            (Some(whole), "文件名")
        };
        diags.push(
            Diagnostic::error(
                "E037",
                Msg::new(
                    format!("网址名 “{slug}”（来自{how}）只能由小写英文字母、数字和 - 组成"),
                    format!(
                        "the URL name `{slug}` (from the {}) may only use a-z, 0-9 and -",
                        if slug_written.is_some() {
                            "slug"
                        } else {
                            "file name"
                        }
                    ),
                ),
            )
            .at(file, at)
            .hint(Msg::new(
                "在 front matter 中写 slug: pingan 这样的拼音名",
                "write a pinyin name such as `slug: pingan` in the front matter",
            )),
        );
    }
    if let Some(rs) = &region_slug
        && !is_slug(rs)
    {
        diags.push(
            Diagnostic::error(
                "E037",
                Msg::new(
                    format!("region_slug “{rs}” 只能由小写英文字母、数字和 - 组成"),
                    format!("region_slug `{rs}` may only use a-z, 0-9 and -"),
                ),
            )
            .at(file, value_loc("region_slug")),
        );
    }

    let published = match &published_text {
        Some(t) => match Date::parse(t) {
            Some(d) => {
                if let Some(y) = year
                    && d.year <= y
                {
                    diags.push(
                            Diagnostic::error(
                                "E038",
                                Msg::new(format!("发布日期 {d} 早于 {y} 年度结束；年度报告应在次年发布"), format!("published {d} is before the end of {y}; a report is published the next year")),
                            )
                            .at(file, value_loc("published")),
                        );
                }
                Some(d)
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        "E039",
                        Msg::new(
                            format!("published 应写成 YYYY-MM-DD，写的是 “{t}”"),
                            format!("published must be YYYY-MM-DD, found `{t}`"),
                        ),
                    )
                    .at(file, value_loc("published")),
                );
                None
            }
        },
        None => None,
    };

    let draft = match draft_node.as_ref().map(|n| &n.kind) {
        None | Some(Kind::Null) => false,
        Some(Kind::Bool(b)) => *b,
        Some(_) => {
            diags.push(
                Diagnostic::error(
                    "E040",
                    Msg::new("draft 只能写 true 或 false", "draft must be true or false"),
                )
                .at(file, value_loc("draft")),
            );
            false
        }
    };

    let body_kind = match kind_text.as_deref() {
        None => None,
        Some("department" | "部门") => Some(BodyKind::Department),
        Some("government" | "政府") => Some(BodyKind::Government),
        Some("township" | "乡镇" | "街道") => Some(BodyKind::Township),
        Some(other) => {
            diags.push(
                Diagnostic::error(
                    "E041",
                    Msg::new(
                        format!(
                            "body_kind 可写 department、government 或 township，写的是 “{other}”"
                        ),
                        format!("body_kind is department, government or township, found `{other}`"),
                    ),
                )
                .at(file, value_loc("body_kind")),
            );
            None
        }
    };

    let year = year?;
    let format_written = format_text.is_some();
    let format = match format_text {
        Some(f) => {
            if registry.get(&f).is_none() {
                diags.push(
                    Diagnostic::error(
                        "E042",
                        Msg::new(
                            format!("未知的报告格式 “{f}”；可用：{}", registry.ids().join("、")),
                            format!("unknown format `{f}`; known: {}", registry.ids().join(", ")),
                        ),
                    )
                    .at(file, value_loc("format")),
                );
                return None;
            }
            f
        }
        None => match registry.for_year(year) {
            Some(f) => f.id.clone(),
            None => {
                diags.push(
                    Diagnostic::error(
                        "E042",
                        Msg::new(
                            format!("没有适用于 {year} 年度的报告格式；请写 format:"),
                            format!("no format applies to {year}; write `format:`"),
                        ),
                    )
                    .at(file, value_loc("year")),
                );
                return None;
            }
        },
    };
    let organ = organ?;
    let township = township?;
    let title = title.unwrap_or_else(|| format!("{organ}{year}年度政府信息公开工作报告"));
    Some(Meta {
        organ,
        township,
        slug,
        region,
        region_slug,
        year,
        published,
        title,
        format,
        format_written,
        index_no,
        draft,
        body_kind,
        locs,
    })
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
