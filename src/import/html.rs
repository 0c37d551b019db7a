//! A published page (or a fragment of one) into items.
//!
//! Pages come from every CMS there is: unclosed tags, `&nbsp;` in empty
//! cells, `<br>` inside labels, spans everywhere. An HTML5 parser (scraper,
//! on html5ever) gives the same tree a browser would; this module only walks
//! it: block text becomes lines, each `<tr>` a row of cells.

use scraper::{ElementRef, Html, Node};

use super::Item;

/// Elements whose text starts and ends a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "tr",
    "table",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "title",
    "center",
    "form",
    "hr",
    "caption",
];
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "svg", "object", "select", "button",
    "textarea",
];

pub fn items(text: &str) -> Vec<Item> {
    let doc = Html::parse_document(text);
    let mut w = Walker {
        items: Vec::new(),
        line: String::new(),
    };
    w.walk(doc.root_element());
    w.flush();
    w.items
}

struct Walker {
    items: Vec<Item>,
    line: String,
}

/// Collapse whitespace the way a browser shows it; `&nbsp;` counts as space.
fn squash(s: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

fn cell_text(e: ElementRef) -> String {
    let mut s = String::new();
    for t in e.text() {
        s.push_str(t);
    }
    squash(&s)
}

impl Walker {
    fn flush(&mut self) {
        let t = squash(&self.line);
        if !t.is_empty() {
            self.items.push(Item::Line(t));
        }
        self.line.clear();
    }

    fn walk(&mut self, e: ElementRef) {
        for child in e.children() {
            match child.value() {
                Node::Text(t) => self.line.push_str(t),
                Node::Element(el) => {
                    let name = el.name();
                    if SKIP.contains(&name) {
                        continue;
                    }
                    let Some(ce) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if name == "br" {
                        self.flush();
                        continue;
                    }
                    if name == "table" {
                        self.flush();
                        self.table(ce);
                        continue;
                    }
                    let block = BLOCKS.contains(&name);
                    if block {
                        self.flush();
                    }
                    self.walk(ce);
                    if block {
                        self.flush();
                    }
                }
                _ => {}
            }
        }
    }

    /// Every row of the table as cells; a blank cell spanning several
    /// columns stands for that many blank cells (a figure that spans columns
    /// is one figure, as printed).
    fn table(&mut self, table: ElementRef) {
        for row in rows_of(table) {
            let mut cells = 0;
            for cell in row.children().filter_map(ElementRef::wrap) {
                let name = cell.value().name();
                if name != "td" && name != "th" {
                    continue;
                }
                let text = cell_text(cell);
                // Many CMS pages lay the whole article out in a table: a cell
                // holding a table or a long text is a page region, not a figure.
                if holds_table(cell) || text.chars().count() > 150 {
                    self.flush();
                    if cells > 0 {
                        self.items.push(Item::RowEnd);
                        cells = 0;
                    }
                    self.walk(cell);
                    self.flush();
                    continue;
                }
                cells += 1;
                let span = cell
                    .value()
                    .attr("colspan")
                    .and_then(|s| s.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let copies = if text.is_empty() { span } else { 1 };
                for _ in 0..copies {
                    self.items.push(Item::Cell(text.clone()));
                }
            }
            if cells > 0 {
                self.items.push(Item::RowEnd);
            }
        }
    }
}

fn holds_table(e: ElementRef) -> bool {
    e.descendants()
        .filter_map(ElementRef::wrap)
        .any(|d| d.value().name() == "table")
}

/// The `<tr>` elements of a table, through `<thead>/<tbody>/<tfoot>`, not
/// those of nested tables.
fn rows_of(table: ElementRef) -> Vec<ElementRef> {
    let mut out = Vec::new();
    for child in table.children().filter_map(ElementRef::wrap) {
        match child.value().name() {
            "tr" => out.push(child),
            "thead" | "tbody" | "tfoot" => out.extend(
                child
                    .children()
                    .filter_map(ElementRef::wrap)
                    .filter(|e| e.value().name() == "tr"),
            ),
            _ => {}
        }
    }
    out
}

/// Whether decoded text is HTML rather than copied page text.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    let t = head.trim_start();
    if t.starts_with("<!doctype") || t.starts_with("<html") {
        return true;
    }
    let tags = [
        "<table", "<tr", "<td", "<p>", "<p ", "<div", "<br", "<span", "<body", "<h1", "<h2", "<h3",
    ];
    let lower = text.to_ascii_lowercase();
    let hits: usize = tags.iter().map(|tag| lower.matches(tag).count()).sum();
    hits >= 3 || (t.starts_with('<') && hits >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_nbsp() {
        let items = items(
            "<p>标题</p><table><tr><td rowspan=2>规章</td><td>&nbsp;</td><td colspan=2>&nbsp;</td></tr></table><p>无</p>",
        );
        assert_eq!(
            items,
            vec![
                Item::Line("标题".into()),
                Item::Cell("规章".into()),
                Item::Cell("".into()),
                Item::Cell("".into()),
                Item::Cell("".into()),
                Item::RowEnd,
                Item::Line("无".into()),
            ]
        );
    }

    #[test]
    fn layout_tables_are_walked_into() {
        let long = "正文。".repeat(60);
        let items = items(&format!(
            "<table><tr><td><p>标题</p><p>{long}</p><table><tr><td>规章</td><td>0</td></tr></table></td></tr></table>"
        ));
        assert_eq!(items[0], Item::Line("标题".into()));
        assert_eq!(items[1], Item::Line(long));
        assert_eq!(
            &items[2..],
            &[
                Item::Cell("规章".into()),
                Item::Cell("0".into()),
                Item::RowEnd
            ]
        );
    }

    #[test]
    fn detection() {
        assert!(looks_like_html("<table><tr><td>1</td></tr></table>"));
        assert!(!looks_like_html(
            "大洼区平安镇\n\n2021年度政府信息公开工作报告\n"
        ));
    }
}
