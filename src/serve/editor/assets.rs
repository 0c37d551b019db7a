//! The editor's script and stylesheet, shipped inside the binary and served
//! by the preview itself (no CDN, no framework, no web font).

pub const EDITOR_JS: &str = include_str!("editor.js");
pub const EDITOR_CSS: &str = include_str!("editor.css");
