//! Diagnostics: what nianbao tells an author, in Chinese first.
//!
//! Every problem becomes a [`Diagnostic`] value carrying its file, position,
//! the cell's official labels, and expected/found figures. Printing is
//! separate: rustc-style text (annotate-snippets, which counts columns in
//! characters so underlines sit right under Chinese text) or JSON for editors.

use std::fmt::Write as _;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

pub mod codes;

/// A report file as read, shared by the report and its diagnostics.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to the author: relative to the site root, `/`-separated.
    pub rel: String,
    pub path: std::path::PathBuf,
    /// The text after decoding (BOM removed, CRLF folded to LF).
    pub text: String,
}

impl SourceFile {
    pub fn line(&self, line: u32) -> Option<&str> {
        self.text.lines().nth((line as usize).checked_sub(1)?)
    }

    /// The same file cut before line `body_start_line`: its front matter,
    /// which is all that a site-wide diagnostic about a report points at, so
    /// holding one per report costs a few hundred bytes, not the report.
    pub fn front_matter(&self, body_start_line: u32) -> SourceFile {
        let keep: usize = self
            .text
            .split_inclusive('\n')
            .take(body_start_line.saturating_sub(1) as usize)
            .map(str::len)
            .sum();
        SourceFile {
            rel: self.rel.clone(),
            path: self.path.clone(),
            text: self.text.get(..keep).unwrap_or_default().to_string(),
        }
    }
}

/// A place in a file: 1-based line and character column, and a length to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
    pub len: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A sentence in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Related {
    pub file: Arc<SourceFile>,
    pub loc: Option<Loc>,
    pub note: Msg,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, one of [`codes::CODES`] (identities A…/R1, values D…,
    /// plausibility W…, files and parsing E…, site S…, output O…, …).
    pub code: &'static str,
    pub file: Option<Arc<SourceFile>>,
    pub loc: Option<Loc>,
    /// Official labels of the cell concerned (row path, column path), if any.
    pub labels: Vec<String>,
    pub message: Msg,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub hint: Option<Msg>,
    /// Further facts, one line each (`= note:`), e.g. each identity a cell breaks.
    pub notes: Vec<Msg>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, message: Msg) -> Diagnostic {
        // Every code is registered (and so documented): tests run debug builds.
        debug_assert!(
            codes::lookup(code).is_some(),
            "diagnostic code {code} is not in diag::codes::CODES"
        );
        Diagnostic {
            severity,
            code,
            file: None,
            loc: None,
            labels: Vec::new(),
            message,
            expected: None,
            found: None,
            hint: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }
    pub fn error(code: &'static str, message: Msg) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }
    pub fn warning(code: &'static str, message: Msg) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }
    pub fn at(mut self, file: &Arc<SourceFile>, loc: Option<Loc>) -> Diagnostic {
        self.file = Some(file.clone());
        self.loc = loc;
        self
    }
    pub fn labels(mut self, labels: impl IntoIterator<Item = String>) -> Diagnostic {
        self.labels = labels.into_iter().collect();
        self
    }
    pub fn expected_found(mut self, expected: impl ToString, found: impl ToString) -> Diagnostic {
        self.expected = Some(expected.to_string());
        self.found = Some(found.to_string());
        self
    }
    pub fn hint(mut self, hint: Msg) -> Diagnostic {
        self.hint = Some(hint);
        self
    }
    pub fn note(mut self, note: Msg) -> Diagnostic {
        self.notes.push(note);
        self
    }
    pub fn related(mut self, file: &Arc<SourceFile>, loc: Option<Loc>, note: Msg) -> Diagnostic {
        self.related.push(Related {
            file: file.clone(),
            loc,
            note,
        });
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, then position, so output reads top to bottom.
    pub fn sort_key(&self) -> (String, Loc, &'static str) {
        (
            self.file
                .as_ref()
                .map(|f| f.rel.clone())
                .unwrap_or_default(),
            self.loc.unwrap_or_default(),
            self.code,
        )
    }

    /// `file:line:col` for one-line summaries.
    pub fn location(&self) -> String {
        match (&self.file, self.loc) {
            (Some(f), Some(l)) => format!("{}:{}:{}", f.rel, l.line, l.col),
            (Some(f), None) => f.rel.clone(),
            _ => String::new(),
        }
    }
}

/// Byte range in `line` of `len` characters starting at 1-based character column `col`.
fn byte_range(line: &str, col: u32, len: u32) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(col.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let end = line[start..]
        .char_indices()
        .nth(len.max(1) as usize)
        .map_or(line.len(), |(i, _)| start + i);
    start..end.max(start)
}

/// The diagnostics as HTML for the preview's overlay: each message, its
/// file position, and the source line with the span marked by `<mark>`
/// (a caret drawn under monospace text lands beside the character when the
/// line holds Chinese, whose glyphs are not two Latin columns wide in every
/// font). All text is escaped.
pub fn render_html(diags: &[Diagnostic], lang: Lang) -> String {
    let esc = |s: &str| crate::html::escape_html(&escape_controls(s));
    let mut out = String::new();
    for d in diags {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut title = d.message.get(lang).to_string();
        if !d.labels.is_empty() && !title.contains(&format!("「{}」", d.labels[0])) {
            title = format!("{} {title}", labels_text(&d.labels));
        }
        let _ = write!(
            out,
            "<section class=\"nianbao-diag {kind}\"><p><strong>{kind}[{}]</strong>: {}</p>",
            d.code,
            esc(&title)
        );
        if let (Some(f), Some(l)) = (&d.file, d.loc) {
            let _ = write!(out, "<p>{}:{}:{}</p>", esc(&f.rel), l.line, l.col);
            if let Some(src) = f.line(l.line) {
                let r = byte_range(src, l.col, l.len);
                let _ = write!(
                    out,
                    "<pre>{}<mark>{}</mark>{}</pre>",
                    esc(&src[..r.start]),
                    esc(&src[r.clone()]),
                    esc(&src[r.end..])
                );
            }
        }
        if let (Some(e), Some(f)) = (&d.expected, &d.found) {
            let text = match lang {
                Lang::Zh => format!("应为 {e}，实为 {f}"),
                Lang::En => format!("expected {e}, found {f}"),
            };
            let _ = write!(out, "<p>{}</p>", esc(&text));
        }
        if let Some(h) = &d.hint {
            let _ = write!(out, "<p>{}</p>", esc(h.get(lang)));
        }
        out.push_str("</section>");
    }
    out
}

fn labels_text(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| format!("「{l}」"))
        .collect::<Vec<_>>()
        .join("×")
}

/// Render diagnostics as rustc-style text. `color` adds ANSI styling for terminals.
/// A control character that must not reach a page or a terminal: C0 except
/// tab and newline, DEL, and C1 (an author's `"\e[2J"` would clear the
/// author's terminal when a message quotes it).
pub fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

pub fn has_controls(s: &str) -> bool {
    s.chars().any(is_control)
}

/// `s` with control characters shown as their Unicode control pictures
/// (␀, ␛ …), for printing author text to a terminal.
pub fn escape_controls(s: &str) -> String {
    if !has_controls(s) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c as u32 {
            n @ 0..=0x1f if is_control(c) => char::from_u32(0x2400 + n).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            _ if is_control(c) => '\u{fffd}',
            _ => c,
        })
        .collect()
}

/// A source line for a snippet: control characters become `?`, one byte for
/// one, so the span's byte range still fits.
fn source_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if is_control(c) && c.len_utf8() == 1 {
                '?'
            } else if is_control(c) {
                '\u{fffd}' // C1: two bytes in, three out; rare enough to accept the shift
            } else {
                c
            }
        })
        .collect()
}

pub fn render_human(diags: &[Diagnostic], lang: Lang, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut title = escape_controls(d.message.get(lang));
        // Name the cell first, unless the message already does.
        let named = d
            .labels
            .first()
            .is_some_and(|l| title.contains(&format!("「{l}」")));
        if !d.labels.is_empty() && !named {
            title = format!("{} {}", escape_controls(&labels_text(&d.labels)), title);
        }
        let label = match (&d.expected, &d.found) {
            (Some(e), Some(f)) => match lang {
                Lang::Zh => escape_controls(&format!("应为 {e}，实为 {f}")),
                Lang::En => escape_controls(&format!("expected {e}, found {f}")),
            },
            _ => String::new(),
        };
        let mut group = Group::with_title(level.primary_title(title).id(d.code));
        let mut lines: Vec<(String, u32, String, std::ops::Range<usize>, String)> = Vec::new();
        if let (Some(f), Some(l)) = (&d.file, d.loc)
            && let Some(src) = f.line(l.line)
        {
            lines.push((
                escape_controls(&f.rel),
                l.line,
                source_line(src),
                byte_range(src, l.col, l.len),
                label.clone(),
            ));
        }
        for r in &d.related {
            if let Some(l) = r.loc
                && let Some(src) = r.file.line(l.line)
            {
                lines.push((
                    escape_controls(&r.file.rel),
                    l.line,
                    source_line(src),
                    byte_range(src, l.col, l.len),
                    r.note.get(lang).to_string(),
                ));
            }
        }
        for (i, (path, line, src, range, label)) in lines.iter().enumerate() {
            let kind = if i == 0 {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            group = group.element(
                Snippet::source(src.as_str())
                    .line_start(*line as usize)
                    .path(path.as_str())
                    .annotation(kind.span(range.clone()).label(label.as_str())),
            );
        }
        if lines.is_empty() {
            if let Some(f) = &d.file {
                // No source line to show: the file (and line, if known) as rustc prints it.
                let mut origin = annotate_snippets::Origin::path(f.rel.as_str());
                if let Some(l) = d.loc {
                    origin = origin.line(l.line as usize).char_column(l.col as usize);
                }
                group = group.element(origin);
            }
            if !label.is_empty() {
                group = group.element(Level::NOTE.message(label.clone()));
            }
        }
        for r in &d.related {
            if r.loc.is_none() {
                group = group.element(Level::NOTE.message(format!(
                    "{}: {}",
                    r.file.rel,
                    r.note.get(lang)
                )));
            }
        }
        for n in &d.notes {
            group = group.element(Level::NOTE.message(escape_controls(n.get(lang))));
        }
        if let Some(h) = &d.hint {
            group = group.element(Level::HELP.message(escape_controls(h.get(lang))));
        }
        let report: [Group; 1] = [group];
        let _ = writeln!(out, "{}\n", renderer.render(&report));
    }
    out
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    severity: Severity,
    code: &'a str,
    /// The code's short title and where docs/ explains it (the registry).
    title: Option<&'a str>,
    doc: Option<String>,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    labels: &'a [String],
    message: &'a str,
    expected: Option<&'a str>,
    found: Option<&'a str>,
    hint: Option<&'a str>,
    notes: Vec<&'a str>,
    /// Other places the message refers to (the other file of a pair, last year's report).
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

/// Render diagnostics as a JSON array (for CI and editors).
pub fn render_json(diags: &[Diagnostic], lang: Lang) -> String {
    let items: Vec<JsonDiag> = diags
        .iter()
        .map(|d| JsonDiag {
            severity: d.severity,
            code: d.code,
            title: codes::lookup(d.code).map(|c| match lang {
                Lang::Zh => c.zh,
                Lang::En => c.en,
            }),
            doc: codes::lookup(d.code).map(codes::Code::doc_link),
            file: d.file.as_ref().map(|f| f.rel.as_str()),
            line: d.loc.map(|l| l.line),
            column: d.loc.map(|l| l.col),
            labels: &d.labels,
            message: d.message.get(lang),
            expected: d.expected.as_deref(),
            found: d.found.as_deref(),
            hint: d.hint.as_ref().map(|h| h.get(lang)),
            notes: d.notes.iter().map(|n| n.get(lang)).collect(),
            related: d
                .related
                .iter()
                .map(|r| JsonRelated {
                    file: r.file.rel.as_str(),
                    line: r.loc.map(|l| l.line),
                    column: r.loc.map(|l| l.col),
                    message: r.note.get(lang),
                })
                .collect(),
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string())
}

/// "2 个错误，1 个警告" / "2 errors, 1 warning".
pub fn summary(diags: &[Diagnostic], lang: Lang) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match lang {
        Lang::Zh => format!("{errors} 个错误，{warnings} 个警告"),
        Lang::En => format!(
            "{errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underline_sits_under_chinese_text() {
        let f = Arc::new(SourceFile {
            rel: "content/a.md".into(),
            path: "a.md".into(),
            text: "总计:  [3, 0]\n".into(),
        });
        let d = Diagnostic::error("A3", Msg::new("不等于各项之和", "is not the sum"))
            .at(
                &f,
                Some(Loc {
                    line: 1,
                    col: 7,
                    len: 1,
                }),
            )
            .labels([
                "三、本年度办理结果（七）总计".to_string(),
                "自然人".to_string(),
            ])
            .expected_found(4, 3);
        let text = render_human(&[d], Lang::Zh, false);
        assert!(text.contains("error[A3]"), "{text}");
        assert!(text.contains("content/a.md:1:7"), "{text}");
        assert!(text.contains("应为 4，实为 3"), "{text}");
        // The caret line puts `^` under the `3`: the byte range was computed from characters.
        assert_eq!(
            byte_range("总计:  [3, 0]", 7, 1),
            "总计:  [".len().."总计:  [3".len()
        );
    }
}
