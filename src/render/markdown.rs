//! Report prose: Markdown to HTML.
//!
//! comrak, not pulldown-cmark: Chinese prose bolds a run that ends in
//! full-width punctuation (`**（一）主动公开情况。**2022年`), which CommonMark's
//! flanking rules leave as literal asterisks; comrak's `cjk_friendly_emphasis`
//! renders it. Raw HTML from authors is escaped, never passed through.

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, format_html, parse_document};

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.footnotes = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.extension.cjk_friendly_emphasis = true;
    // Author HTML is shown as text; links keep only safe schemes (comrak drops javascript: etc.).
    o.render.escape = true;
    o.render.r#unsafe = false;
    o
}

/// CJK ideographs, kana, full-width forms and CJK punctuation: between two of
/// these a line break in the source is not a word space.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

fn edge_char<'a>(node: &'a AstNode<'a>, last: bool) -> Option<char> {
    let texts: Vec<&'a AstNode<'a>> = node
        .descendants()
        .filter(|n| matches!(n.data().value, NodeValue::Text(_)))
        .collect();
    let pick = if last { texts.last() } else { texts.first() };
    let n = pick?;
    let data = n.data();
    match &data.value {
        NodeValue::Text(t) => {
            if last {
                t.chars().last()
            } else {
                t.chars().next()
            }
        }
        _ => None,
    }
}

/// Render Markdown prose to HTML.
pub fn to_html(markdown: &str) -> String {
    let arena = Arena::new();
    let opts = options();
    let root = parse_document(&arena, markdown, &opts);
    let soft: Vec<&AstNode> = root
        .descendants()
        .filter(|n| matches!(n.data().value, NodeValue::SoftBreak))
        .collect();
    for n in soft {
        let before = n.previous_sibling().and_then(|p| edge_char(p, true));
        let after = n.next_sibling().and_then(|p| edge_char(p, false));
        if before.is_some_and(is_cjk) && after.is_some_and(is_cjk) {
            n.detach();
        }
    }
    let mut html = String::new();
    if format_html(root, &opts, &mut html).is_err() {
        html.clear();
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_bold_next_to_fullwidth_punctuation() {
        let html = to_html("**（一）主动公开情况。**2022年，本镇……\n");
        assert!(
            html.contains("<strong>（一）主动公开情况。</strong>2022年"),
            "{html}"
        );
        let html = to_html("根据**《条例》**规定\n");
        assert!(html.contains("根据<strong>《条例》</strong>规定"), "{html}");
    }

    #[test]
    fn soft_breaks_between_chinese_are_dropped() {
        let html = to_html("第一行中文\n第二行中文\n");
        assert!(html.contains("第一行中文第二行中文"), "{html}");
        let html = to_html("English line\nnext line\n");
        assert!(html.contains("English line\nnext line"), "{html}");
    }

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn footnotes_and_tables_render() {
        let html = to_html("正文[^1]\n\n[^1]: 注释\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("footnote"), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }
}
