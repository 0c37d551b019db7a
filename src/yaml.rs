//! The one place that knows which YAML crate nianbao uses.
//!
//! Everything else sees [`Node`]: a YAML tree in which every node keeps the
//! line and column it was written at and the exact source text of scalars, so
//! that a figure that parsed fine can still be pointed at when it does not add
//! up. Numbers are *not* interpreted here: a cell's rules (count, amount,
//! signed) belong to the format definition, and the raw text lets those rules
//! tell `3` from `3.0`, `"3"` or `0x3`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// 1-based line and column (in characters, not bytes) inside the YAML text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A node borrows its scalars from the text it was read from where it can
/// (the fast reader: every cell of every table, a few hundred a report).
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'t> {
    pub kind: Kind<'t>,
    pub pos: Pos,
    /// Length of the node's source text in characters (at least 1), for underlining.
    pub len: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind<'t> {
    /// `~`, `null` or nothing at all.
    Null,
    Bool(bool),
    /// A scalar as written; `plain` is false for quoted scalars.
    Scalar {
        text: Cow<'t, str>,
        plain: bool,
    },
    Seq(Vec<Node<'t>>),
    /// Entries in source order; duplicate keys are kept so callers can report them.
    Map(Vec<(Node<'t>, Node<'t>)>),
}

impl Node<'_> {
    /// The key text of a scalar node (quoted or not), for use as a mapping key.
    pub fn as_key(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A short description in Chinese of what kind of value this is, for messages.
    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Null => "空值",
            Kind::Bool(_) => "布尔值",
            Kind::Scalar { .. } => "单个值",
            Kind::Seq(_) => "列表",
            Kind::Map(_) => "键值表",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub pos: Pos,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.col, self.message)
    }
}

/// Parse one YAML document. Bounded: alias bombs and deep nesting fail with an
/// error instead of exhausting memory or the stack.
pub fn parse(text: &str) -> Result<Node<'_>, Error> {
    // Report tables and front matter are almost always the plain subset
    // (`key: value`, `key: [a, b]`, nested mappings). Reading that subset
    // directly is several times faster than a full YAML parser and gives the
    // same tree (a differential test holds both to it); anything else —
    // quotes, anchors, block sequences, multi-line scalars, syntax errors —
    // goes to serde-saphyr.
    if let Some(node) = fast::parse(text) {
        return Ok(node);
    }
    parse_saphyr(text)
}

/// The two readers side by side, for the differential fuzz target and
/// tests: `None` when the fast reader leaves `text` to serde-saphyr,
/// otherwise both trees (which must be equal).
#[doc(hidden)]
pub fn both(text: &str) -> Option<(Node<'_>, Result<Node<'_>, Error>)> {
    fast::parse(text).map(|f| (f, parse_saphyr(text)))
}

fn parse_saphyr(text: &str) -> Result<Node<'static>, Error> {
    if text.trim().is_empty() {
        return Ok(Node {
            kind: Kind::Null,
            pos: Pos { line: 1, col: 1 },
            len: 1,
        });
    }
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::options::DuplicateKeyPolicy::PassThrough;
    options.alias_limits.max_total_replayed_events = 10_000;
    options.alias_limits.max_replay_stack_depth = 16;
    options.with_snippet = false;
    if let Some(budget) = options.budget.as_mut() {
        budget.max_depth = 32;
        budget.max_nodes = 200_000;
    }
    let raw: Spanned<Raw> = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let pos = e
            .location()
            .map(|l| Pos {
                line: l.line() as u32,
                col: l.column() as u32,
            })
            .unwrap_or(Pos { line: 1, col: 1 });
        Error {
            pos,
            message: first_line(&e.to_string()),
        }
    })?;
    Ok(convert(raw, text))
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or("").trim().to_string()
}

fn convert(spanned: Spanned<Raw>, source: &str) -> Node<'static> {
    let loc = spanned.referenced;
    let pos = Pos {
        line: loc.line() as u32,
        col: loc.column() as u32,
    };
    let span = loc.span();
    let mut len = span.len().max(1) as u32;
    let kind = match spanned.value {
        Raw::Null => Kind::Null,
        Raw::Bool(b) => Kind::Bool(b),
        Raw::Scalar(value) => {
            // Prefer the source text: it keeps what the author wrote (`12.50`, `0x3`).
            let written = span
                .byte_offset()
                .zip(span.byte_len())
                .and_then(|(off, blen)| source.get(off as usize..(off + blen) as usize));
            match written {
                Some(w) if !w.is_empty() => {
                    let w = w.trim_end();
                    len = w.chars().count().max(1) as u32;
                    let quoted = w.starts_with('"') || w.starts_with('\'');
                    if quoted {
                        Kind::Scalar {
                            text: Cow::Owned(value),
                            plain: false,
                        }
                    } else {
                        Kind::Scalar {
                            text: Cow::Owned(w.to_string()),
                            plain: true,
                        }
                    }
                }
                _ => Kind::Scalar {
                    text: Cow::Owned(value),
                    plain: true,
                },
            }
        }
        Raw::Seq(items) => Kind::Seq(items.into_iter().map(|i| convert(i, source)).collect()),
        Raw::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(k, source), convert(v, source)))
                .collect(),
        ),
    };
    Node { kind, pos, len }
}

/// What serde hands us; positions come from the surrounding `Spanned`.
enum Raw {
    Null,
    Bool(bool),
    Scalar(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Scalar(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Scalar(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Raw>>()? {
            let value = map.next_value::<Spanned<Raw>>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

mod fast;

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reader and serde-saphyr agree on every input the fast one accepts.
    fn agree(text: &str) -> bool {
        match fast::parse(text) {
            Some(f) => {
                let s = parse_saphyr(text).expect("the fast path accepted invalid YAML");
                assert_eq!(f, s, "fast and full parsers differ on:\n{text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn fast_path_matches_the_full_parser() {
        let sample = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content/2021/pingan.md"
        ))
        .unwrap();
        let mut blocks = Vec::new();
        let mut cur: Option<String> = None;
        for line in sample.lines() {
            if line.starts_with("```") {
                match cur.take() {
                    Some(b) => blocks.push(b),
                    None => cur = Some(String::new()),
                }
            } else if let Some(b) = cur.as_mut() {
                b.push_str(line);
                b.push('\n');
            }
        }
        let front = sample.split("---\n").nth(1).unwrap().to_string();
        blocks.push(front);
        assert_eq!(blocks.len(), 4);
        for b in &blocks {
            assert!(agree(b), "the fast path should take:\n{b}");
        }
        for text in [
            "a: 1\nb: ~\nc:\n",
            "a:\n  b: [1, 22]\n  c: 3 # note\nd: ~\ne:\n",
            "列:   [ 3 ,0,  12 ]   # 注释\n",
            "x: true\ny: False\nz: null\nw: yes\nv: -8\nu: 12.50\nt: 0x10\n",
            "a: []\nb: 危及“三安全一稳定”\n",
            "# only a comment\na: 1\n",
            // Columns after wide and 4-byte characters, counted once per line.
            "键名: [甲, 乙乙, 🙂x]\n甲乙: 丙 # 注释\n",
            "🙂: 1\n組:\n  子项目: [1,  22 , 333]\n  空:\n",
            "a: [x🙂, y]\nb: 乙 :c\n",
        ] {
            assert!(agree(text), "the fast path should take:\n{text}");
        }
        for text in [
            "a: \"quoted\"\n",
            "a: &x [1]\nb: *x\n",
            "- 1\n- 2\n",
            "a: [1, [2]]\n",
            "a: [1, 2\n",
            "a: b\n  c: d\n",
            "a:\n  b: 1\n c: 2\n",
            "a: |\n  text\n",
            "a: {b: 1}\n",
            "a: [1,,2]\n",
            "\ta: 1\n",
            "a: 1\na: 2\n:\n",
        ] {
            assert!(
                !agree(text),
                "the fast path should leave to the full parser:\n{text}"
            );
        }
    }

    fn scalar<'n>(n: &'n Node<'_>) -> (&'n str, bool) {
        match &n.kind {
            Kind::Scalar { text, plain } => (text.as_ref(), *plain),
            other => panic!("not a scalar: {other:?}"),
        }
    }

    #[test]
    fn flow_sequence_items_keep_their_columns() {
        let root = parse("本年新收:  [3, 0, 12]\n").unwrap();
        let Kind::Map(entries) = &root.kind else {
            panic!()
        };
        let (k, v) = &entries[0];
        assert_eq!(k.as_key(), Some("本年新收"));
        assert_eq!(k.pos, Pos { line: 1, col: 1 });
        let Kind::Seq(items) = &v.kind else { panic!() };
        assert_eq!(items[0].pos, Pos { line: 1, col: 9 });
        assert_eq!(items[2].pos, Pos { line: 1, col: 15 });
        assert_eq!(items[2].len, 2);
        assert_eq!(scalar(&items[2]), ("12", true));
    }

    #[test]
    fn raw_text_is_kept() {
        let root = parse("a: 12.50\nb: \"3\"\nc: ~\nd: 0x10\n").unwrap();
        let Kind::Map(e) = &root.kind else { panic!() };
        assert_eq!(scalar(&e[0].1), ("12.50", true));
        assert_eq!(scalar(&e[1].1), ("3", false));
        assert_eq!(e[2].1.kind, Kind::Null);
        assert_eq!(scalar(&e[3].1), ("0x10", true));
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let root = parse("a: 1\na: 2\n").unwrap();
        let Kind::Map(e) = &root.kind else { panic!() };
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].0.pos.line, 2);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            bomb.push_str(&format!("{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = n;
        }
        assert!(parse(&bomb).is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn syntax_error_has_a_position() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.pos.line >= 1);
    }
}
