//! HTML minification (opt-in feature `minify`): closing tags and the
//! doctype are kept so validators and portal CMS importers read the pages.
//!
//! Templates are minified once, when the theme is loaded ([`template`]), so
//! a page rendered from them is minified already but for the HTML it
//! inserts unescaped (a report's prose, minified on its own). Minifying
//! every whole page instead was a third of a build's time, and most of it
//! went on the same template text over and over.

#[cfg(feature = "minify")]
use std::ops::Range;

#[cfg(feature = "minify")]
fn page_cfg() -> minify_html::Cfg {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_css = true;
    cfg.minify_doctype = false;
    cfg
}

/// `page` (a whole page or a fragment of one) minified.
#[cfg(feature = "minify")]
pub fn html(page: &str) -> String {
    use std::sync::OnceLock;
    static CFG: OnceLock<minify_html::Cfg> = OnceLock::new();
    minified(page, CFG.get_or_init(page_cfg))
}

#[cfg(feature = "minify")]
fn minified(page: &str, cfg: &minify_html::Cfg) -> String {
    let out = minify_html::minify(page.as_bytes(), cfg);
    crate::content::utf8_owned(out).unwrap_or_else(|_| page.to_string())
}

#[cfg(not(feature = "minify"))]
pub fn html(page: &str) -> String {
    page.to_string()
}

/// The Tera template `source` minified, its tags (`{{ }}`, `{% %}`,
/// `{# #}`) kept as written; `None` when it cannot be done safely, and the
/// page is then minified whole after rendering.
///
/// Each tag is swapped for a placeholder: its number between two
/// private-use characters, with a space, and a statement's (`{% %}`,
/// `{# #}`, which print nothing) inside an HTML comment, so that the
/// whitespace around it is minified as if it were not there. The space
/// makes the minifier keep the quotes of any attribute value with a tag in
/// it, so the value a tag prints can hold spaces. Anything the minifier
/// dropped or rewrote (a tag in a boolean attribute's value, or in CSS)
/// shows as a placeholder missing or changed, and the template is then not
/// used; so does a tag between a start tag's attributes (see [`placed`]).
#[cfg(feature = "minify")]
pub fn template(source: &str) -> Option<String> {
    // The minifier keeps comments here (statements are masked as comments),
    // so a template with comments of its own is minified whole per page,
    // which drops them.
    if source.contains([OPEN, CLOSE]) || source.contains("<!--") {
        return None;
    }
    let tags = tags(source)?;
    let mut masked = String::with_capacity(source.len());
    let mut at = 0;
    for (i, t) in tags.iter().enumerate() {
        masked.push_str(&source[at..t.start]);
        let statement = !source[t.clone()].starts_with("{{");
        masked.push_str(&mask(i, statement));
        at = t.end;
    }
    masked.push_str(&source[at..]);
    // Comments kept: they are what a statement's placeholder is.
    let mut cfg = page_cfg();
    cfg.keep_comments = true;
    let minified = minified(&masked, &cfg);
    unmask(&minified, source, &tags)
}

#[cfg(not(feature = "minify"))]
pub fn template(_source: &str) -> Option<String> {
    None
}

#[cfg(feature = "minify")]
const OPEN: char = '\u{E000}';
#[cfg(feature = "minify")]
const CLOSE: char = '\u{E001}';

#[cfg(feature = "minify")]
fn mask(i: usize, statement: bool) -> String {
    match statement {
        // A statement prints nothing: as a comment, the whitespace around
        // it is minified as if it were not there.
        true => format!("<!--{OPEN}{i} {CLOSE}-->"),
        false => format!("{OPEN}{i} {CLOSE}"),
    }
}

/// Put the tags back where their placeholders are in `minified`, if the
/// minifier kept their meaning (see [`placed`]).
#[cfg(feature = "minify")]
fn unmask(minified: &str, source: &str, tags: &[Range<usize>]) -> Option<String> {
    let found = placed(minified)?;
    if !in_template_order(&found, source, tags) {
        return None;
    }
    // A statement's comment must be whole (not escaped as text, say).
    let wrapped = |p: &Placed| minified[p.span.clone()].starts_with("<!--");
    if found
        .iter()
        .any(|p| wrapped(p) == source[tags[p.index].clone()].starts_with("{{"))
    {
        return None;
    }
    let mut out = String::with_capacity(minified.len() + source.len() / 4);
    let mut at = 0;
    for p in &found {
        out.push_str(&minified[at..p.span.start]);
        out.push_str(&source[tags[p.index].clone()]);
        at = p.span.end;
    }
    out.push_str(&minified[at..]);
    Some(out)
}

/// A placeholder found in the minified template.
#[cfg(feature = "minify")]
struct Placed {
    index: usize,
    span: Range<usize>,
    /// (start tag, attribute) of the quoted value it is in; `None` in text.
    attr: Option<(usize, usize)>,
}

/// Every placeholder in `minified` (which minify-html wrote, so its markup
/// is regular): `None` if one is out of place, i.e. where an attribute's
/// name or an unquoted value goes (the minifier keeps attributes in a map,
/// so it may merge or drop what such a tag would have switched).
#[cfg(feature = "minify")]
fn placed(minified: &str) -> Option<Vec<Placed>> {
    let b = minified.as_bytes();
    let mut found = Vec::new();
    let mut tag_no = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<' && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            tag_no += 1;
            let (end, name) = start_tag(minified, i, tag_no, &mut found)?;
            i = end;
            if matches!(name.as_str(), "script" | "style") {
                let close = format!("</{name}");
                let stop = minified[i..].find(&close).map_or(b.len(), |o| i + o);
                text_placeholders(minified, i..stop, &mut found)?;
                i = stop;
            }
            continue;
        }
        let next = memchr::memchr(b'<', &b[i + 1..]).map_or(b.len(), |o| i + 1 + o);
        text_placeholders(minified, i..next, &mut found)?;
        i = next;
    }
    Some(found)
}

/// The placeholders in the text `range` of `s`.
#[cfg(feature = "minify")]
fn text_placeholders(s: &str, range: Range<usize>, found: &mut Vec<Placed>) -> Option<()> {
    let mut at = range.start;
    while let Some(o) = s[at..range.end].find(OPEN) {
        let (index, span) = placeholder(s, at + o)?;
        at = span.end;
        found.push(Placed {
            index,
            span,
            attr: None,
        });
    }
    Some(())
}

/// The placeholder starting at `at`: its number and byte span.
#[cfg(feature = "minify")]
fn placeholder(s: &str, at: usize) -> Option<(usize, Range<usize>)> {
    let rest = &s[at + OPEN.len_utf8()..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let index: usize = rest[..digits].parse().ok()?;
    let tail = &rest[digits..];
    let close = format!(" {CLOSE}");
    if !tail.starts_with(&close) {
        return None;
    }
    let end = at + OPEN.len_utf8() + digits + close.len();
    // A statement's comment around it goes with it.
    Some(
        match s[..at].ends_with("<!--") && s[end..].starts_with("-->") {
            true => (index, at - 4..end + 3),
            false => (index, at..end),
        },
    )
}

/// Read the start tag at `at`: where it ends and its name. Placeholders in
/// its quoted values are added to `found`; one anywhere else is `None`.
#[cfg(feature = "minify")]
fn start_tag(
    s: &str,
    at: usize,
    tag_no: usize,
    found: &mut Vec<Placed>,
) -> Option<(usize, String)> {
    let b = s.as_bytes();
    let is_name = |c: u8| !c.is_ascii_whitespace() && !matches!(c, b'>' | b'/' | b'=');
    let mut i = at + 1;
    while i < b.len() && is_name(b[i]) {
        i += 1;
    }
    let name = s[at + 1..i].to_ascii_lowercase();
    let mut attr_no = 0;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        match b.get(i) {
            None => return None,
            Some(b'>') => return Some((i + 1, name)),
            _ => {}
        }
        let name_start = i;
        while i < b.len() && is_name(b[i]) {
            i += 1;
        }
        if s[name_start..i].contains([OPEN, CLOSE]) {
            return None;
        }
        attr_no += 1;
        if b.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        let value = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr::memchr(q, &b[i + 1..]).map(|o| i + 1 + o)?;
                let v = i + 1..end;
                i = end + 1;
                v
            }
            _ => {
                let start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                if s[start..i].contains([OPEN, CLOSE]) {
                    return None;
                }
                continue;
            }
        };
        let before = found.len();
        text_placeholders(s, value, found)?;
        for p in &mut found[before..] {
            p.attr = Some((tag_no, attr_no));
        }
    }
}

/// Whether the tags are where the template had them: in text, in the same
/// order; in a start tag (whose attributes the minifier sorts), each
/// attribute value's tags still together, in order, and a whole `if` or
/// `for` at most, so that moving the attribute moves nothing else.
#[cfg(feature = "minify")]
fn in_template_order(found: &[Placed], source: &str, tags: &[Range<usize>]) -> bool {
    let mut order = Vec::with_capacity(found.len());
    let mut i = 0;
    while i < found.len() {
        let Some((tag_no, _)) = found[i].attr else {
            order.push(found[i].index);
            i += 1;
            continue;
        };
        let mut units: Vec<&[Placed]> = Vec::new();
        while i < found.len() && found[i].attr.is_some_and(|(t, _)| t == tag_no) {
            let a = found[i].attr;
            let start = i;
            while i < found.len() && found[i].attr == a {
                i += 1;
            }
            units.push(&found[start..i]);
        }
        for u in &units {
            let contiguous = u.windows(2).all(|w| w[1].index == w[0].index + 1);
            let texts: Vec<&str> = u.iter().map(|p| &source[tags[p.index].clone()]).collect();
            if !contiguous || !self_contained(&texts) {
                return false;
            }
        }
        units.sort_by_key(|u| u[0].index);
        order.extend(units.iter().flat_map(|u| u.iter().map(|p| p.index)));
    }
    order.len() == tags.len() && order.iter().enumerate().all(|(n, &i)| n == i)
}

/// Whether the tags of one attribute value make a whole: its `if`s and
/// `for`s closed in it, and no other statement (`set`, `include`, ...).
#[cfg(feature = "minify")]
fn self_contained(tags: &[&str]) -> bool {
    let mut depth = 0usize;
    for t in tags {
        if !t.starts_with("{%") {
            continue;
        }
        let inner = t[2..t.len() - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or("");
        match word {
            "if" | "for" => depth += 1,
            "endif" | "endfor" => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            "elif" | "else" | "break" | "continue" if depth > 0 => {}
            _ => return false,
        }
    }
    depth == 0
}

#[cfg(feature = "minify")]
/// The byte ranges of the Tera tags in `source`, in order; `None` for an
/// unclosed tag or a `raw` block (whose text is not HTML to minify safely).
fn tags(source: &str) -> Option<Vec<Range<usize>>> {
    let b = source.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'{', &b[i..]) {
        let start = i + off;
        let close = match b.get(start + 1) {
            Some(b'{') => b'}',
            Some(b'%') => b'%',
            Some(b'#') => b'#',
            _ => {
                i = start + 1;
                continue;
            }
        };
        let end = tag_end(b, start + 2, close)?;
        let inner =
            source[start + 2..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if close == b'%' && (inner.starts_with("raw") || inner.starts_with("endraw")) {
            return None;
        }
        found.push(start..end);
        i = end;
    }
    Some(found)
}

#[cfg(feature = "minify")]
/// Where the tag whose body starts at `i` ends (after its `close` and `}`).
/// Quoted strings in expressions may hold the closing pair.
fn tag_end(b: &[u8], mut i: usize, close: u8) -> Option<usize> {
    let mut quote = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if close != b'#' && matches!(c, b'"' | b'\'' | b'`') => quote = Some(c),
            None if c == close && b.get(i + 1) == Some(&b'}') => return Some(i + 2),
            None => {}
        }
        i += 1;
    }
    None
}

/// The templates `source` extends, includes or imports; `None` when one of
/// them is not named by a plain string.
#[cfg(feature = "minify")]
pub fn references(source: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for t in tags(source).unwrap_or_default() {
        let tag = &source[t];
        if !tag.starts_with("{%") {
            continue;
        }
        let inner = tag[2..tag.len() - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or("");
        if !matches!(word, "extends" | "include" | "import") {
            continue;
        }
        let quoted: Vec<&str> = inner.split(['"', '\'', '`']).skip(1).step_by(2).collect();
        if quoted.is_empty() {
            return None;
        }
        names.extend(quoted.into_iter().map(str::to_string));
    }
    Some(names)
}

#[cfg(not(feature = "minify"))]
pub fn references(_source: &str) -> Option<Vec<String>> {
    None
}

#[cfg(all(test, feature = "minify"))]
mod tests {
    use super::*;

    #[test]
    fn tags_are_kept_as_written_and_the_html_around_them_is_minified() {
        let src = "<ul>\n  {% for y in ys %}\n  <li class=\"a {{ c }}\">{{ y | upper }}</li>\n  {% endfor %}\n</ul>\n{# note #}";
        let out = template(src).unwrap();
        assert!(!out.contains("\n  <li"), "{out}");
        for tag in [
            "{% for y in ys %}",
            "{{ y | upper }}",
            "{% endfor %}",
            "{# note #}",
        ] {
            assert!(out.contains(tag), "{tag} in {out}");
        }
        // The value a tag prints may hold spaces: its attribute stays quoted.
        assert!(out.contains("class=\"a {{ c }}\""), "{out}");
    }

    #[test]
    fn a_tag_the_minifier_would_drop_means_no_template() {
        assert_eq!(template("<p>a</p><!-- {{ x }} --><p>b</p>"), None);
        assert_eq!(template("<p>{% raw %}{{ x }}{% endraw %}</p>"), None);
        assert_eq!(template("<p>{{ x </p>"), None);
    }

    #[test]
    fn a_statement_leaves_no_space_where_the_page_would_have_none() {
        let src = "<head>\n<title>{% block t %}{{ a }}{% endblock t %}</title>\n{% if b %}<meta name=\"x\" content=\"{{ b }}\">{% endif %}\n</head>";
        let out = template(src).unwrap();
        assert_eq!(
            out,
            "<head><title>{% block t %}{{ a }}{% endblock t %}</title>{% if b %}<meta content=\"{{ b }}\" name=x>{% endif %}</head>"
        );
    }

    #[test]
    fn sorted_attributes_take_their_tags_with_them() {
        let out = template(
            "<a title=\"{{ t }}\" href=\"{{ u }}\" class=\"c{% if x %} on{% endif %}\">a</a>",
        )
        .unwrap();
        assert_eq!(
            out,
            "<a class=\"c{% if x %} on{% endif %}\" href=\"{{ u }}\" title=\"{{ t }}\">a</a>"
        );
    }

    #[test]
    fn a_tag_between_attributes_means_no_template() {
        // The minifier keeps attributes in a map: the branches would merge.
        let src = "<td {% if a %}class=\"x\"{% else %}class=\"y\"{% endif %}>1</td>";
        assert_eq!(template(src), None);
        assert_eq!(template("<td {{ attrs }}>1</td>"), None);
        // A statement in a value must be whole, and only `if` or `for`.
        assert_eq!(
            template("<a title=\"{% if a %}x\" href=\"{% endif %}\">"),
            None
        );
        assert_eq!(template("<a title=\"{% set x = 1 %}{{ x }}\">a</a>"), None);
    }

    #[test]
    fn included_and_extended_templates_are_named() {
        let src = "{% extends \"base.html\" %}{% block m %}{% include \"a.html\" %}{% import 'm.html' as m %}{% endblock m %}";
        assert_eq!(references(src).unwrap(), ["base.html", "a.html", "m.html"]);
        assert_eq!(references("{% include name %}"), None);
    }

    #[test]
    fn a_closing_pair_in_a_string_does_not_end_the_tag() {
        let out = template("<p>{{ \"a}}b\" }}</p>").unwrap();
        assert_eq!(out, "<p>{{ \"a}}b\" }}</p>");
    }
}
