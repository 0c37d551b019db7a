//! The check codes and their severities, and `site.toml` `[check]` overrides.
//!
//! Every code a check can produce is listed here once, with its default
//! severity and whether a site may change it. docs/checks.md explains each.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, Loc, Msg, Severity, SourceFile, codes};
use crate::format::labels;

/// The codes a site may configure (`configurable` in the registry): the
/// identities (so an archive can republish a report exactly as it was
/// printed) and every plausibility warning, with their default severity.
/// Parse and value errors (E…, D…, S…) are not configurable: the figures
/// are unknown.
pub fn configurable() -> impl Iterator<Item = (&'static str, Severity)> {
    codes::CODES
        .iter()
        .filter(|c| c.configurable)
        .map(|c| (c.code, c.severity))
}

/// The `&'static` form of a configurable code, for codes named in data.
pub fn known(code: &str) -> Option<&'static str> {
    codes::lookup(code)
        .filter(|c| c.configurable)
        .map(|c| c.code)
}

/// What a site set for one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Off,
    Warning,
    Error,
}

/// The `[check]` table of `site.toml`, validated.
#[derive(Debug, Clone, Default)]
pub struct Severities {
    set: BTreeMap<&'static str, Setting>,
}

impl Severities {
    /// Validate `[check]`. Every bad entry is named in the one error returned
    /// (a site that cannot be configured cannot be checked: exit 2).
    pub fn from_config(
        check: &BTreeMap<String, String>,
        root: &Path,
    ) -> Result<Severities, Diagnostic> {
        let mut set = BTreeMap::new();
        let mut problems_zh = Vec::new();
        let mut problems_en = Vec::new();
        let mut first_key: Option<&str> = None;
        for (code, value) in check {
            let setting = match value.trim() {
                "off" | "allow" | "关闭" => Some(Setting::Off),
                "warning" | "warn" | "警告" => Some(Setting::Warning),
                "error" | "deny" | "错误" => Some(Setting::Error),
                _ => None,
            };
            match (known(code.trim()), setting) {
                (Some(c), Some(s)) => {
                    set.insert(c, s);
                }
                (None, _) => {
                    first_key.get_or_insert(code);
                    let near = labels::nearest(code, configurable().map(|(c, _)| c))
                        .filter(|n| *n != code.as_str());
                    let all: Vec<&str> = configurable().map(|(c, _)| c).collect();
                    problems_zh.push(match near {
                        Some(n) => format!("“{code}” 不是可设置的检查代码（是否想写 {n}？）"),
                        None => format!(
                            "“{code}” 不是可设置的检查代码（可设置：{}）",
                            all.join("、")
                        ),
                    });
                    problems_en.push(match near {
                        Some(n) => {
                            format!("`{code}` is not a configurable check code (did you mean {n}?)")
                        }
                        None => format!(
                            "`{code}` is not a configurable check code (configurable: {})",
                            all.join(", ")
                        ),
                    });
                }
                (Some(_), None) => {
                    first_key.get_or_insert(code);
                    problems_zh.push(format!(
                        "{code} = “{value}”：只能写 \"off\"、\"warning\" 或 \"error\""
                    ));
                    problems_en.push(format!(
                        "{code} = `{value}`: use \"off\", \"warning\" or \"error\""
                    ));
                }
            }
        }
        if problems_zh.is_empty() {
            return Ok(Severities { set });
        }
        let mut d = Diagnostic::error(
            "S003",
            Msg::new(
                format!("site.toml 的 [check] 有误：{}", problems_zh.join("；")),
                format!(
                    "[check] in site.toml is invalid: {}",
                    problems_en.join("; ")
                ),
            ),
        );
        // Point at the first bad line of site.toml when it can be found.
        let path = root.join("site.toml");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let loc = first_key.and_then(|k| find_key_line(&text, k));
            let file = Arc::new(SourceFile {
                rel: "site.toml".into(),
                path,
                text,
            });
            d = d.at(&file, loc);
        }
        Err(d)
    }

    /// Apply the overrides: drop what is off, re-grade the rest.
    pub fn apply(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diags
            .into_iter()
            .filter_map(|mut d| match self.set.get(d.code) {
                None => Some(d),
                Some(Setting::Off) => None,
                Some(Setting::Warning) => {
                    d.severity = Severity::Warning;
                    Some(d)
                }
                Some(Setting::Error) => {
                    d.severity = Severity::Error;
                    Some(d)
                }
            })
            .collect()
    }
}

/// The line of `key = …` inside the `[check]` table.
fn find_key_line(text: &str, key: &str) -> Option<Loc> {
    let mut in_check = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_check = t == "[check]";
            continue;
        }
        let k = t.split('=').next().unwrap_or("").trim().trim_matches('"');
        if in_check && k == key {
            let col = line
                .find(key)
                .map_or(1, |b| line[..b].chars().count() as u32 + 1);
            return Some(Loc {
                line: i as u32 + 1,
                col,
                len: key.chars().count() as u32,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn overrides_regrade_and_drop() {
        let s = Severities::from_config(
            &cfg(&[("W4", "off"), ("W1", "error")]),
            Path::new("/nonexistent"),
        )
        .unwrap();
        let diags = vec![
            Diagnostic::warning("W4", Msg::default()),
            Diagnostic::warning("W1", Msg::default()),
            Diagnostic::warning("W5", Msg::default()),
        ];
        let out = s.apply(diags);
        let codes: Vec<(&str, Severity)> = out.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            codes,
            vec![("W1", Severity::Error), ("W5", Severity::Warning)]
        );
    }

    #[test]
    fn bad_entries_are_all_named() {
        let err = Severities::from_config(
            &cfg(&[("W44", "off"), ("W1", "loud"), ("E001", "off")]),
            Path::new("/nonexistent"),
        )
        .unwrap_err();
        assert_eq!(err.code, "S003");
        assert!(
            err.message.zh.contains("W44")
                && err.message.zh.contains("loud")
                && err.message.zh.contains("E001"),
            "{}",
            err.message.zh
        );
        assert!(
            err.message.en.contains("did you mean W4"),
            "{}",
            err.message.en
        );
    }

    #[test]
    fn key_line_in_check_table() {
        let text = "title = \"x\"\nW4 = \"no\"\n[check]\n\"W4\" = \"off\"\n";
        assert_eq!(find_key_line(text, "W4").map(|l| l.line), Some(4));
    }
}
