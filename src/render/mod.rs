//! Rendering: Tera templates over plain, serialisable contexts.
//!
//! The default theme is compiled into the binary, so a site needs nothing but
//! `site.toml` and `content/`. A site's `themes/<name>/templates/` replaces it
//! and `<root>/templates/` overrides single templates; templates are parsed
//! once per build.

pub mod grid;
pub mod markdown;
pub mod minify;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, RwLock};

use tera::{Context, Tera};

use crate::content::body::placeholder;
use crate::content::{Report, TableData};
use crate::diag::{Diagnostic, Msg};
use crate::format::{CellRef, FormatDef, TableDef};

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
        "summary_row.html",
        include_str!("../../themes/default/templates/summary_row.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "sitemap.xml",
        include_str!("../../themes/default/templates/sitemap.xml"),
    ),
    (
        "atom.xml",
        include_str!("../../themes/default/templates/atom.xml"),
    ),
    (
        "robots.txt",
        include_str!("../../themes/default/templates/robots.txt"),
    ),
];
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
];

/// Table skeletons by (format id, table index); `None`: the theme's table
/// template cannot be split into one (see [`Skeleton`]).
type Skeletons = HashMap<(String, usize), Option<Arc<Skeleton>>>;

pub struct Theme {
    pub tera: Tera,
    /// Static files to copy to `/static/`: (relative path, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
    /// Minify pages (site.toml `minify`, on by default).
    pub minify: bool,
    /// The same templates minified once ([`minify::template`]), for pages
    /// when `minify` is on; `None` without the feature, or when one of the
    /// theme's HTML templates cannot be minified so (pages are then
    /// minified whole).
    premini: Option<Premini>,
    /// What reading the theme's and site's files skipped (E010), for the
    /// build's report.
    pub warnings: Vec<Diagnostic>,
    skeletons: RwLock<Skeletons>,
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

/// Every file under `dir` (a theme's or the site's templates or static
/// folder) as (path relative to `dir`, bytes), read by the rules of
/// [`crate::files`]: nothing outside the site `root` is read.
fn read_dir_files(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, Vec<u8>)>,
    diags: &mut Vec<Diagnostic>,
) {
    let w = crate::files::walk(root, dir, &|_| true);
    diags.extend(w.diagnostics);
    for path in w.files {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        match crate::files::read_site_file(&path) {
            Ok(bytes) => out.push((rel, bytes)),
            Err(d) => diags.push(d),
        }
    }
}

/// A Tera instance over `templates`, with the theme's escaping rules.
fn new_tera<'a>(
    templates: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Tera, tera::Error> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    // XML's own escaping for the feeds (`&apos;`, no control characters).
    tera.register_filter("xml", |s: &str, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&crate::html::xml_escape(s))
    });
    tera.add_raw_templates(templates)?;
    Ok(tera)
}

/// The theme's templates minified once (see [`minify::template`]), and the
/// pages that can be rendered from them whole.
struct Premini {
    tera: Tera,
    /// Page templates that extend, include and import only templates that
    /// could be minified.
    whole: HashSet<String>,
}

/// `templates` with every HTML one that can be minified once so; `None`
/// without the `minify` feature.
fn premini(templates: &[(String, String)]) -> Option<Premini> {
    if !cfg!(feature = "minify") {
        return None;
    }
    let mut unminified = HashSet::new();
    let mut mini = Vec::with_capacity(templates.len());
    for (n, t) in templates {
        let m = match n.ends_with(".html") {
            true => minify::template(t),
            false => Some(t.clone()),
        };
        let m = m.unwrap_or_else(|| {
            unminified.insert(n.as_str());
            t.clone()
        });
        mini.push((n.as_str(), m));
    }
    let refs: HashMap<&str, Option<Vec<String>>> = templates
        .iter()
        .map(|(n, t)| (n.as_str(), minify::references(t)))
        .collect();
    let whole = templates
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.ends_with(".html") && all_minified(n, &refs, &unminified))
        .map(str::to_string)
        .collect();
    let tera = new_tera(mini.iter().map(|(n, t)| (*n, t.as_str()))).ok()?;
    Some(Premini { tera, whole })
}

/// Whether `name` and every template it reaches were minified.
fn all_minified(
    name: &str,
    refs: &HashMap<&str, Option<Vec<String>>>,
    unminified: &HashSet<&str>,
) -> bool {
    let mut seen = HashSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(n) = todo.pop() {
        if unminified.contains(n.as_str()) {
            return false;
        }
        match refs.get(n.as_str()) {
            Some(Some(names)) => {
                todo.extend(names.iter().filter(|x| seen.insert(x.to_string())).cloned())
            }
            // Named dynamically, or not a template of the theme.
            _ => return false,
        }
    }
    true
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
        let mut warnings = Vec::new();
        read_dir_files(
            root,
            &theme_dir.join("templates"),
            &mut overrides,
            &mut warnings,
        );
        read_dir_files(root, &root.join("templates"), &mut overrides, &mut warnings);
        for (n, bytes) in overrides {
            let text = String::from_utf8(bytes)
                .map_err(|_| template_error(&n, &tera::Error::message("not UTF-8")))?;
            templates.retain(|(x, _)| x != &n);
            templates.push((n, text));
        }
        let mut own_static = Vec::new();
        read_dir_files(
            root,
            &theme_dir.join("static"),
            &mut own_static,
            &mut warnings,
        );
        read_dir_files(root, &root.join("static"), &mut own_static, &mut warnings);
        // A theme file that cannot be read fails the build (a page would
        // silently lack its style or template otherwise).
        if let Some(e) = warnings
            .iter()
            .find(|d| d.severity == crate::diag::Severity::Error)
        {
            return Err(e.clone());
        }
        for (n, b) in own_static {
            statics.retain(|(x, _)| x != &n);
            statics.push((n, b));
        }
        let tera = new_tera(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| template_error("", &e))?;
        Ok(Theme {
            tera,
            premini: premini(&templates),
            statics,
            warnings,
            minify: cfg!(feature = "minify"),
            skeletons: RwLock::new(HashMap::new()),
        })
    }

    pub fn render(&self, template: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map_err(|e| template_error(template, &e))
    }

    /// Render a whole page, minified when the site asks for it: from the
    /// minified templates when there are some, else minified whole.
    pub fn page(&self, template: &str, ctx: &Context) -> Result<String, Diagnostic> {
        if let Some(mini) = self.minified(template) {
            return mini
                .render(template, ctx)
                .map_err(|e| template_error(template, &e));
        }
        let html = self.render(template, ctx)?;
        Ok(if self.minify {
            minify::html(&html)
        } else {
            html
        })
    }

    /// A part of the page `page` rendered on its own from `template`, to go
    /// into it unescaped: minified when the page is rendered from minified
    /// templates (a page minified whole after rendering minifies it then).
    pub fn fragment(
        &self,
        page: &str,
        template: &str,
        ctx: &Context,
    ) -> Result<String, Diagnostic> {
        let error = |e: tera::Error| template_error(template, &e);
        match (self.minified(page), self.minified(template)) {
            (Some(mini), Some(_)) => mini.render(template, ctx).map_err(error),
            // A template that could not be minified once is minified here.
            (Some(_), None) => Ok(minify::html(
                &self.tera.render(template, ctx).map_err(error)?,
            )),
            (None, _) => self.tera.render(template, ctx).map_err(error),
        }
    }

    /// The report's prose as HTML, with a placeholder paragraph where each table goes.
    /// Minified on its own when the page around it is rendered from
    /// minified templates (it is the one HTML value they print unescaped).
    pub fn report_body(&self, report: &Report) -> String {
        let body = markdown::to_html(&report.markdown);
        if self.minified("report.html").is_some() {
            minify::html(&body)
        } else {
            body
        }
    }

    /// The minified templates, when the page `template` is to be rendered
    /// minified and can be from them.
    fn minified(&self, template: &str) -> Option<&Tera> {
        let p = self.premini.as_ref().filter(|_| self.minify)?;
        p.whole.contains(template).then_some(&p.tera)
    }

    /// Put the report's tables into its rendered (and minified) page.
    ///
    /// Tables are filled in after the page is minified: the minifier then only
    /// reads the small page around them, and each table comes from a skeleton
    /// rendered and minified once per format (see [`Skeleton`]).
    pub fn fill_tables(&self, page: String, report: &Report) -> Result<String, Diagnostic> {
        // Where each table goes, then the page written once around them.
        let mut spots: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for &t in &report.table_order {
            let (Some(def), Some(data)) = (report.format.tables.get(t), report.tables.get(t))
            else {
                continue;
            };
            let marker = placeholder(t);
            let wrapped = format!("<p>{marker}</p>");
            let Some(at) = [wrapped, marker].into_iter().find_map(|m| {
                memchr::memmem::find(page.as_bytes(), m.as_bytes()).map(|i| i..i + m.len())
            }) else {
                continue;
            };
            spots.push((at, self.table(report, def, data, t)?));
        }
        spots.sort_by_key(|(at, _)| at.start);
        let mut out = String::with_capacity(
            page.len() + spots.iter().map(|(_, html)| html.len()).sum::<usize>(),
        );
        let mut from = 0;
        for (at, html) in &spots {
            out.push_str(page.get(from..at.start).unwrap_or_default());
            out.push_str(html);
            from = at.end;
        }
        out.push_str(page.get(from..).unwrap_or_default());
        Ok(out)
    }

    /// Table `t` of `report` as HTML, from its skeleton when there is one.
    fn table(
        &self,
        report: &Report,
        def: &TableDef,
        data: &TableData,
        t: usize,
    ) -> Result<String, Diagnostic> {
        Ok(match self.skeleton(&report.format, t)? {
            Some(sk) => sk.fill(def, data),
            None => {
                let mut ctx = Context::new();
                ctx.insert("grid", &grid::build(def, data, &format!("t{t}")));
                let html = self.render("table.html", &ctx)?;
                if self.minify {
                    minify::html(&html)
                } else {
                    html
                }
            }
        })
    }

    /// The skeleton of table `t` of `format`, built on first use. `None` when
    /// the theme's table template does not print each figure exactly once (it
    /// is then rendered per report).
    fn skeleton(&self, format: &FormatDef, t: usize) -> Result<Option<Arc<Skeleton>>, Diagnostic> {
        let key = (format.id.clone(), t);
        if let Some(found) = self
            .skeletons
            .read()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return Ok(found);
        }
        let built = match format.tables.get(t) {
            Some(def) => Skeleton::build(self, def, t)?.map(Arc::new),
            None => None,
        };
        if let Ok(mut m) = self.skeletons.write() {
            m.insert(key, built.clone());
        }
        Ok(built)
    }
}

/// A table's HTML with its figures left out, split where they go.
///
/// The grid of a table (spans, ids, `headers`) depends only on the format
/// definition, so it is rendered through the theme's `table.html` once, with
/// a marker in each data cell, and every report only interleaves its figures.
pub struct Skeleton {
    parts: Vec<String>,
    cells: Vec<CellRef>,
}

pub use crate::html::{escape_html, escape_into};

fn marker(i: usize) -> String {
    format!("\u{E001}{i}\u{E002}")
}

impl Skeleton {
    fn build(theme: &Theme, def: &TableDef, t: usize) -> Result<Option<Skeleton>, Diagnostic> {
        let mut g = grid::build(def, &TableData::empty(def), &format!("t{t}"));
        let mut cells = Vec::new();
        for body in &mut g.bodies {
            for row in body.iter_mut() {
                for c in row.iter_mut() {
                    if let Some(at) = c.at {
                        c.text = marker(cells.len());
                        cells.push(at);
                    }
                }
            }
        }
        let mut ctx = Context::new();
        ctx.insert("grid", &g);
        let mut html = theme.render("table.html", &ctx)?;
        if theme.minify {
            html = minify::html(&html);
        }
        let mut parts = Vec::with_capacity(cells.len() + 1);
        let mut rest = html.as_str();
        for i in 0..cells.len() {
            let m = marker(i);
            let Some(at) = rest.find(&m) else {
                return Ok(None);
            };
            parts.push(rest[..at].to_string());
            rest = &rest[at + m.len()..];
            if rest.contains(&m) {
                return Ok(None);
            }
        }
        if rest.contains('\u{E001}') {
            return Ok(None);
        }
        parts.push(rest.to_string());
        Ok(Some(Skeleton { parts, cells }))
    }

    fn fill(&self, def: &TableDef, data: &TableData) -> String {
        let mut out = String::with_capacity(
            self.parts.iter().map(String::len).sum::<usize>() + 4 * self.cells.len(),
        );
        let mut text = String::new();
        for (i, part) in self.parts.iter().enumerate() {
            out.push_str(part);
            if let Some(&at) = self.cells.get(i) {
                text.clear();
                data.push_written(def, at, &mut text);
                escape_into(&mut out, &text);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Registry;

    fn sample() -> Report {
        let reg = Registry::builtin();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content/2021/pingan.md"
        ))
        .unwrap();
        // Give the tables a blank, a decimal and distinct figures so misplaced cells would show.
        let text = text
            .replace("行政事业性收费: 0", "行政事业性收费: 12.50")
            .replace("行政许可:       0", "行政许可:       ~")
            .replace(
                "复议后起诉:        [0, 0, 0, 0, 0]",
                "复议后起诉:        [1, 2, 3, 4, 10]",
            );
        let (r, d) = crate::content::parse("a.md", Path::new("a.md"), text.as_bytes(), &reg);
        assert!(d.is_empty(), "{d:?}");
        let mut r = r.unwrap();
        crate::check::complete(&mut r);
        r
    }

    fn direct(theme: &Theme, r: &Report, t: usize) -> String {
        let mut ctx = Context::new();
        ctx.insert(
            "grid",
            &grid::build(&r.format.tables[t], &r.tables[t], &format!("t{t}")),
        );
        theme.render("table.html", &ctx).unwrap()
    }

    #[test]
    fn skeleton_tables_equal_directly_rendered_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut theme = Theme::load(dir.path(), "default").unwrap();
        theme.minify = false;
        let r = sample();
        for t in 0..r.format.tables.len() {
            let sk = theme
                .skeleton(&r.format, t)
                .unwrap()
                .expect("the default theme has skeletons");
            assert_eq!(
                sk.fill(&r.format.tables[t], &r.tables[t]),
                direct(&theme, &r, t),
                "table {t}"
            );
        }
    }

    #[test]
    fn a_template_that_prints_figures_twice_is_rendered_per_report() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/table.html"),
            "<table>{% for body in grid.bodies %}{% for row in body %}<tr>{% for c in row %}<td title=\"{{ c.text }}\">{{ c.text }}</td>{% endfor %}</tr>{% endfor %}{% endfor %}</table>",
        )
        .unwrap();
        let mut theme = Theme::load(dir.path(), "default").unwrap();
        theme.minify = false;
        let r = sample();
        assert!(theme.skeleton(&r.format, 0).unwrap().is_none());
        let page = theme
            .fill_tables(
                format!("<p>{}</p>", placeholder(0)),
                &Report {
                    table_order: vec![0],
                    ..r
                },
            )
            .unwrap();
        assert!(page.contains("title=\"12.50\">12.50</td>"), "{page}");
    }
}
