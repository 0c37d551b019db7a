//! What the preview adds to the pages it serves (never to the files on
//! disk): the live-reload script, the overlay while the last build failed,
//! and the editor's links: 「编辑本报告」 on a report page, and on the home
//! page the list of reports to edit with a button to start next year's.

use super::editor::{self, Entry};
use super::{LIVERELOAD_PATH, Status};
use crate::html::escape_html as esc;

/// The live-reload script, and the overlay while the last build failed.
pub fn injection(status: &Status) -> String {
    let mut s = format!(
        "<script>(function(){{var g={};function c(){{var w=new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'{LIVERELOAD_PATH}?generation='+g);\
w.onmessage=function(e){{if(e.data==='reload')location.reload();}};w.onclose=function(){{setTimeout(c,1000);}};}}c();}})();</script>",
        status.generation
    );
    // `failure` is HTML made by diag::render_html (every text escaped there).
    // Opaque: the page under it must not show through and be mistaken for
    // the current state.
    if let Some(html) = &status.failure {
        s.push_str(&format!(
            "<div id=\"nianbao-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#141414;color:#fff;padding:1.5em;font:15px/1.6 sans-serif\">\
<style>#nianbao-overlay pre{{white-space:pre-wrap;font:14px/1.5 monospace;background:#000;padding:.5em}}#nianbao-overlay mark{{background:#ffd24d;color:#000;outline:2px solid #ffd24d}}#nianbao-overlay .error strong{{color:#ff8080}}#nianbao-overlay .warning strong{{color:#ffd24d}}</style>\
<p style=\"font-size:16px;font-weight:bold;color:#ff8080\">未能生成：页面仍是上一次成功生成的结果。改正后保存，页面会自动刷新。<br>Not built: this is the last good build; save a fix and the page reloads.</p>\
{html}\
<button type=\"button\" onclick=\"this.parentNode.remove()\">关闭 / Close</button></div>"
        ));
    }
    s
}

pub fn inject(html: Vec<u8>, status: &Status) -> Vec<u8> {
    let snippet = injection(status);
    let mut html = html;
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, snippet.into_bytes());
    html
}

/// Insert `snippet` right after the opening `<main …>` tag (or nowhere).
pub fn after_main(mut html: Vec<u8>, snippet: &str) -> Vec<u8> {
    let Some(open) = html
        .windows(5)
        .position(|w| w.eq_ignore_ascii_case(b"<main"))
    else {
        return html;
    };
    let Some(close) = html[open..].iter().position(|&b| b == b'>') else {
        return html;
    };
    let at = open + close + 1;
    html.splice(at..at, snippet.bytes());
    html
}

/// The link on a report page.
pub fn edit_link(e: &Entry) -> String {
    format!(
        "<p class=\"nianbao-edit\"><a href=\"{}\">编辑本报告</a>（仅在本机预览中显示）</p>",
        esc(&e.edit_url())
    )
}

/// The home page's list: each township's reports with their editor, and a
/// button that starts the township's next report.
pub fn home_panel(entries: &[Entry], token: &str) -> String {
    let mut s = String::from(
        "<section class=\"nianbao-editor-list\" aria-labelledby=\"nianbao-editor-title\"><h2 id=\"nianbao-editor-title\">编辑报告（仅在本机预览中显示）</h2><ul>",
    );
    for list in editor::by_township(entries).values() {
        let Some(latest) = list.first() else { continue };
        s.push_str(&format!("<li>{}：", esc(&latest.township)));
        for e in list {
            s.push_str(&format!(
                "<a href=\"{}\">编辑本报告（{}年度{}）</a> ",
                esc(&e.edit_url()),
                e.year,
                if e.draft { "，草稿" } else { "" }
            ));
        }
        s.push_str(&format!(
            "<form method=\"post\" action=\"{}/new\"><input type=\"hidden\" name=\"_token\" value=\"{}\"><input type=\"hidden\" name=\"township\" value=\"{}\"><button type=\"submit\">开始 {}年度报告（{}）</button></form></li>",
            editor::PREFIX,
            esc(token),
            esc(&latest.slug),
            latest.year + 1,
            esc(&latest.township)
        ));
    }
    s.push_str("</ul></section>");
    s
}
