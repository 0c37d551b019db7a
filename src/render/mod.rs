//! Rendering: Tera templates over plain, serialisable contexts.
//!
//! The default theme is compiled into the binary, so a site needs nothing but
//! `site.toml` and `content/`. A site's `themes/<name>/templates/` replaces it
//! and `<root>/templates/` overrides single templates; templates are parsed
//! once per build.

pub mod grid;
pub mod markdown;

use std::path::Path;

use tera::{Context, Tera};

use crate::content::Report;
use crate::content::body::placeholder;
use crate::diag::{Diagnostic, Msg};

/// The default theme's files, compiled in.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "report.html",
        include_str!("../../themes/default/templates/report.html"),
    ),
    (
        "table.html",
        include_str!("../../themes/default/templates/table.html"),
    ),
    (
        "year.html",
        include_str!("../../themes/default/templates/year.html"),
    ),
    (
        "township.html",
        include_str!("../../themes/default/templates/township.html"),
    ),
    (
        "home.html",
        include_str!("../../themes/default/templates/home.html"),
    ),
    (
        "region.html",
        include_str!("../../themes/default/templates/region.html"),
    ),
    (
        "summary_table.html",
        include_str!("../../themes/default/templates/summary_table.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
];
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[(
    "style.css",
    include_bytes!("../../themes/default/static/style.css"),
)];

pub struct Theme {
    pub tera: Tera,
    /// Static files to copy to `/static/`: (relative path, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
}

fn template_error(name: &str, e: &tera::Error) -> Diagnostic {
    Diagnostic::error(
        "T001",
        Msg::new(
            format!("模板 {name} 有误：{e}"),
            format!("template {name} is invalid: {e}"),
        ),
    )
}

fn read_dir_files(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || crate::content::is_editor_temp(&name) {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            read_dir_files(&path, &format!("{prefix}{name}/"), out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((format!("{prefix}{name}"), bytes));
        }
    }
}

impl Theme {
    /// Load the theme `name` for the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let mut templates: Vec<(String, String)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut statics: Vec<(String, Vec<u8>)> = DEFAULT_STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        let theme_dir = root.join("themes").join(name);
        if name != "default" && !theme_dir.is_dir() {
            return Err(Diagnostic::error(
                "T002",
                Msg::new(
                    format!("找不到主题 {name}（应在 themes/{name}/）"),
                    format!("theme {name} not found (expected themes/{name}/)"),
                ),
            ));
        }
        let mut overrides = Vec::new();
        read_dir_files(&theme_dir.join("templates"), "", &mut overrides);
        read_dir_files(&root.join("templates"), "", &mut overrides);
        for (n, bytes) in overrides {
            let text = String::from_utf8(bytes)
                .map_err(|_| template_error(&n, &tera::Error::message("not UTF-8")))?;
            templates.retain(|(x, _)| x != &n);
            templates.push((n, text));
        }
        let mut own_static = Vec::new();
        read_dir_files(&theme_dir.join("static"), "", &mut own_static);
        read_dir_files(&root.join("static"), "", &mut own_static);
        for (n, b) in own_static {
            statics.retain(|(x, _)| x != &n);
            statics.push((n, b));
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| template_error("", &e))?;
        Ok(Theme { tera, statics })
    }

    pub fn render(&self, template: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map_err(|e| template_error(template, &e))
    }

    /// The report's prose and tables as one HTML fragment.
    pub fn report_body(&self, report: &Report) -> Result<String, Diagnostic> {
        let mut html = markdown::to_html(&report.markdown);
        for &t in &report.table_order {
            let (Some(def), Some(data)) = (report.format.tables.get(t), report.tables.get(t))
            else {
                continue;
            };
            let g = grid::build(def, data);
            let mut ctx = Context::new();
            ctx.insert("grid", &g);
            let table = self.render("table.html", &ctx)?;
            html = html.replacen(&format!("<p>{}</p>", placeholder(t)), &table, 1);
        }
        Ok(html)
    }
}
