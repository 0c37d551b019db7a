//! The front-matter keys as a table of specifications, and the checks
//! that turn their values into the fields of a [`Meta`].

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{BodyKind, Date, Meta, is_slug, node_loc, this_year};
use crate::diag::{Diagnostic, Loc, Msg, SourceFile};
use crate::format::Registry;
use crate::yaml::{Kind, Node};

/// The keys of the authoring contract: what each means (for messages), how
/// its value is read, whether it must be written, and how it is checked.
///
/// Values are read in this order and checks run in this order within their
/// [`Stage`], so this order is also the order of the diagnostics.
pub const KEYS: &[KeySpec] = &[
    KeySpec::text("organ", "发布机构").required(),
    KeySpec::text("township", "乡镇（街道、部门）简称").required(),
    KeySpec::text("slug", "网址名").check(Stage::Own, check_slug),
    KeySpec::text("region", "所属地区"),
    KeySpec::text("region_slug", "所属地区的网址名").check(Stage::Own, check_region_slug),
    KeySpec::text("year", "报告年度")
        .required()
        .check(Stage::Basis, check_year),
    KeySpec::text("published", "发布日期").check(Stage::Own, check_published),
    KeySpec::text("title", "标题"),
    KeySpec::text("format", "报告格式").check(Stage::Last, check_format),
    KeySpec::text("index_no", "索引号"),
    KeySpec::node("draft", "草稿").check(Stage::Own, check_draft),
    KeySpec::text("body_kind", "机关类别").check(Stage::Own, check_body_kind),
];

/// One front-matter key: its name, what it means, and how it is read and checked.
#[derive(Clone, Copy)]
pub struct KeySpec {
    pub name: &'static str,
    /// What the key means, in Chinese, for messages.
    pub meaning: &'static str,
    pub(super) read: Read,
    pub(super) required: bool,
    pub(super) check: Option<(Stage, Check)>,
}

/// How a key's value is taken from its YAML node.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Read {
    /// Trimmed text: control characters are removed (E016), anything but a
    /// scalar is refused (E034), and empty text counts as not written.
    Text,
    /// Left as the node, for the key's check to interpret (`draft` is a
    /// boolean, not text).
    Node,
}

/// When a key's check runs: stage by stage, and in table order within a stage.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// First, because the publication date and the format are judged against it.
    Basis,
    /// Checked on its own (or against the basis).
    Own,
    /// Last, because a failure here means the report cannot become a page.
    Last,
}

/// A key's check. `None` means the report cannot become a page; the reason
/// has been reported, or was reported by an earlier check.
pub(super) type Check = fn(&mut Reading<'_>) -> Option<()>;

impl KeySpec {
    const fn text(name: &'static str, meaning: &'static str) -> KeySpec {
        KeySpec {
            name,
            meaning,
            read: Read::Text,
            required: false,
            check: None,
        }
    }
    const fn node(name: &'static str, meaning: &'static str) -> KeySpec {
        KeySpec {
            read: Read::Node,
            ..KeySpec::text(name, meaning)
        }
    }
    const fn required(self) -> KeySpec {
        KeySpec {
            required: true,
            ..self
        }
    }
    const fn check(self, stage: Stage, run: Check) -> KeySpec {
        KeySpec {
            check: Some((stage, run)),
            ..self
        }
    }
}

/// The front matter while its keys are read and checked into a [`Meta`].
pub(super) struct Reading<'a> {
    file: &'a Arc<SourceFile>,
    offset: u32,
    stem: &'a str,
    registry: &'a Registry,
    diags: &'a mut Vec<Diagnostic>,
    /// Each known key written once: its value, and where the key is.
    written: BTreeMap<&'static str, (Node<'a>, Loc)>,
    /// The text of each [`Read::Text`] key that has some.
    text: BTreeMap<&'static str, String>,
    year: Option<u16>,
    published: Option<Date>,
    draft: bool,
    body_kind: Option<BodyKind>,
    format: Option<String>,
}

/// Where a whole-file diagnostic points: the opening `---`.
const WHOLE: Loc = Loc {
    line: 1,
    col: 1,
    len: 3,
};

impl<'a> Reading<'a> {
    pub(super) fn new(
        file: &'a Arc<SourceFile>,
        offset: u32,
        stem: &'a str,
        registry: &'a Registry,
        diags: &'a mut Vec<Diagnostic>,
        written: BTreeMap<&'static str, (Node<'a>, Loc)>,
    ) -> Reading<'a> {
        Reading {
            file,
            offset,
            stem,
            registry,
            diags,
            written,
            text: BTreeMap::new(),
            year: None,
            published: None,
            draft: false,
            body_kind: None,
            format: None,
        }
    }

    pub(super) fn is_written(&self, key: &str) -> bool {
        self.written.contains_key(key)
    }

    /// Reads the text of a [`Read::Text`] key, keeping it if it has some.
    pub(super) fn read_text(&mut self, key: &'static str) {
        if let Some(t) = self.text_of(key) {
            self.text.insert(key, t);
        }
    }

    fn error(&mut self, d: Diagnostic, at: Option<Loc>) {
        self.diags.push(d.at(self.file, at));
    }

    /// Where the value of `key` was written.
    fn value_loc(&self, key: &str) -> Option<Loc> {
        self.written.get(key).map(|(v, _)| node_loc(v, self.offset))
    }

    /// The text of a [`Read::Text`] key, or `None` if it has none.
    fn text_of(&mut self, key: &'static str) -> Option<String> {
        let (v, _) = self.written.get(key)?;
        let at = Some(node_loc(v, self.offset));
        match &v.kind {
            Kind::Scalar { text, .. } if crate::diag::has_controls(text) => {
                let clean: String = text
                    .chars()
                    .filter(|&c| !crate::diag::is_control(c))
                    .collect();
                self.error(
                    Diagnostic::error(
                        "E016",
                        Msg::new(
                            format!("{key} 含有控制字符（如 \\0、\\e），已删去；请改为普通文字"),
                            format!("{key} contains control characters (such as \\0 or \\e); they were removed; write plain text"),
                        ),
                    ),
                    at,
                );
                Some(clean.trim().to_string()).filter(|t| !t.is_empty())
            }
            Kind::Scalar { text, .. } if !text.trim().is_empty() => Some(text.trim().to_string()),
            Kind::Null => None,
            _ => {
                self.error(
                    Diagnostic::error(
                        "E034",
                        Msg::new(format!("{key} 应是一段文字"), format!("{key} must be text")),
                    ),
                    at,
                );
                None
            }
        }
    }

    /// E035: a required key is not written at all.
    pub(super) fn missing(&mut self, spec: &KeySpec) {
        let (key, meaning) = (spec.name, spec.meaning);
        self.error(
            Diagnostic::error(
                "E035",
                Msg::new(
                    format!("front matter 缺少必填的 {key}（{meaning}）"),
                    format!("the front matter lacks the required key `{key}`"),
                ),
            ),
            Some(WHOLE),
        );
    }

    /// The URL name: as written, or else the file name.
    fn slug(&self) -> String {
        self.text
            .get("slug")
            .cloned()
            .unwrap_or_else(|| self.stem.to_string())
    }

    pub(super) fn finish(mut self) -> Option<Meta> {
        let year = self.year?;
        let format = self.format.take()?;
        let format_written = self.text.contains_key("format");
        let slug = self.slug();
        let organ = self.text.remove("organ")?;
        let township = self.text.remove("township")?;
        let title = self
            .text
            .remove("title")
            .unwrap_or_else(|| format!("{organ}{year}年度政府信息公开工作报告"));
        Some(Meta {
            organ,
            township,
            slug,
            region: self.text.remove("region"),
            region_slug: self.text.remove("region_slug"),
            year,
            published: self.published,
            title,
            format,
            format_written,
            index_no: self.text.remove("index_no"),
            draft: self.draft,
            body_kind: self.body_kind,
            locs: self.written.iter().map(|(k, (_, l))| (*k, *l)).collect(),
        })
    }
}

fn check_year(r: &mut Reading<'_>) -> Option<()> {
    let max_year = this_year() + 1;
    let Some(t) = r.text.get("year") else {
        return Some(());
    };
    match t.parse::<u16>() {
        Ok(y) if (2008..=max_year).contains(&y) => r.year = Some(y),
        _ => {
            let d = Diagnostic::error(
                "E036",
                Msg::new(
                    format!("year 应是 2008 至 {max_year} 之间的年份，写的是 “{t}”"),
                    format!("year must be between 2008 and {max_year}, found `{t}`"),
                ),
            );
            r.error(d, r.value_loc("year"));
        }
    }
    Some(())
}

fn check_slug(r: &mut Reading<'_>) -> Option<()> {
    let slug = r.slug();
    if is_slug(&slug) {
        return Some(());
    }
    let written = r.text.contains_key("slug");
    let (at, how, how_en) = if written {
        (r.value_loc("slug"), "slug", "slug")
    } else {
        (Some(WHOLE), "文件名", "file name")
    };
    let d = Diagnostic::error(
        "E037",
        Msg::new(
            format!("网址名 “{slug}”（来自{how}）只能由小写英文字母、数字和 - 组成"),
            format!("the URL name `{slug}` (from the {how_en}) may only use a-z, 0-9 and -"),
        ),
    )
    .at(r.file, at)
    .hint(Msg::new(
        "在 front matter 中写 slug: pingan 这样的拼音名",
        "write a pinyin name such as `slug: pingan` in the front matter",
    ));
    r.diags.push(d);
    Some(())
}

fn check_region_slug(r: &mut Reading<'_>) -> Option<()> {
    if let Some(rs) = r.text.get("region_slug")
        && !is_slug(rs)
    {
        let d = Diagnostic::error(
            "E037",
            Msg::new(
                format!("region_slug “{rs}” 只能由小写英文字母、数字和 - 组成"),
                format!("region_slug `{rs}` may only use a-z, 0-9 and -"),
            ),
        );
        r.error(d, r.value_loc("region_slug"));
    }
    Some(())
}

fn check_published(r: &mut Reading<'_>) -> Option<()> {
    let Some(t) = r.text.get("published") else {
        return Some(());
    };
    let at = r.value_loc("published");
    let Some(d) = Date::parse(t) else {
        let e = Diagnostic::error(
            "E039",
            Msg::new(
                format!("published 应写成 YYYY-MM-DD，写的是 “{t}”"),
                format!("published must be YYYY-MM-DD, found `{t}`"),
            ),
        );
        r.error(e, at);
        return Some(());
    };
    if let Some(y) = r.year
        && d.year <= y
    {
        let e = Diagnostic::error(
            "E038",
            Msg::new(
                format!("发布日期 {d} 早于 {y} 年度结束；年度报告应在次年发布"),
                format!(
                    "published {d} is before the end of {y}; a report is published the next year"
                ),
            ),
        );
        r.error(e, at);
    }
    r.published = Some(d);
    Some(())
}

fn check_draft(r: &mut Reading<'_>) -> Option<()> {
    match r.written.get("draft").map(|(v, _)| &v.kind) {
        None | Some(Kind::Null) => {}
        Some(Kind::Bool(b)) => r.draft = *b,
        Some(_) => {
            let d = Diagnostic::error(
                "E040",
                Msg::new("draft 只能写 true 或 false", "draft must be true or false"),
            );
            r.error(d, r.value_loc("draft"));
        }
    }
    Some(())
}

fn check_body_kind(r: &mut Reading<'_>) -> Option<()> {
    r.body_kind = match r.text.get("body_kind").map(String::as_str) {
        None => None,
        Some("department" | "部门") => Some(BodyKind::Department),
        Some("government" | "政府") => Some(BodyKind::Government),
        Some("township" | "乡镇" | "街道") => Some(BodyKind::Township),
        Some(other) => {
            let d = Diagnostic::error(
                "E041",
                Msg::new(
                    format!("body_kind 可写 department、government 或 township，写的是 “{other}”"),
                    format!("body_kind is department, government or township, found `{other}`"),
                ),
            );
            r.error(d, r.value_loc("body_kind"));
            None
        }
    };
    Some(())
}

/// The format as written, or else the one that applies to the year; with
/// neither (E042), or without a year, the report cannot become a page.
fn check_format(r: &mut Reading<'_>) -> Option<()> {
    let year = r.year?;
    if let Some(f) = r.text.get("format") {
        if r.registry.get(f).is_none() {
            let ids = r.registry.ids();
            let d = Diagnostic::error(
                "E042",
                Msg::new(
                    format!("未知的报告格式 “{f}”；可用：{}", ids.join("、")),
                    format!("unknown format `{f}`; known: {}", ids.join(", ")),
                ),
            );
            r.error(d, r.value_loc("format"));
            return None;
        }
        r.format = Some(f.clone());
        return Some(());
    }
    let Some(f) = r.registry.for_year(year) else {
        let d = Diagnostic::error(
            "E042",
            Msg::new(
                format!("没有适用于 {year} 年度的报告格式；请写 format:"),
                format!("no format applies to {year}; write `format:`"),
            ),
        );
        r.error(d, r.value_loc("year"));
        return None;
    };
    r.format = Some(f.id.clone());
    Some(())
}
