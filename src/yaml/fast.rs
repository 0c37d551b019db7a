//! The plain subset of YAML that reports use, read line by line.
//!
//! Columns are in characters: each line's are counted once, left to right,
//! by a [`Cols`] cursor (keys are mostly Chinese, so a byte offset is not a
//! column), and the indicator checks look at bytes, not at `&str` patterns.

use std::borrow::Cow;

use super::{Kind, Node, Pos};

struct Line<'a> {
    no: u32,
    indent: usize,
    text: &'a str,
}

/// The character column of byte offsets along one line, asked in
/// increasing order: each character is counted once however many nodes
/// the line holds. An offset before the last one asked is counted afresh.
struct Cols<'a> {
    line: &'a Line<'a>,
    byte: usize,
    col: u32,
}

impl<'a> Cols<'a> {
    fn new(line: &'a Line<'a>) -> Cols<'a> {
        Cols {
            line,
            byte: 0,
            col: line.indent as u32 + 1,
        }
    }

    /// 1-based column of byte `byte` of the line's text.
    fn at(&mut self, byte: usize) -> u32 {
        if byte < self.byte {
            *self = Cols::new(self.line);
        }
        let between = self.line.text.get(self.byte..byte).unwrap_or_default();
        // Mostly a figure or two: counting the bytes that start a character
        // costs less than std's call, which pays off on long texts.
        self.col += if between.len() < 32 {
            between.bytes().filter(|&b| (b as i8) >= -0x40).count()
        } else {
            between.chars().count()
        } as u32;
        self.byte = byte;
        self.col
    }
}

pub fn parse(text: &str) -> Option<Node<'_>> {
    let mut lines = Vec::new();
    for (i, raw) in crate::lines::split(text).enumerate() {
        let trimmed = raw.trim_start_matches(' ');
        if trimmed.starts_with('\t') || trimmed.trim_end().is_empty() || trimmed.starts_with('#') {
            if trimmed.starts_with('\t') && !trimmed.trim().is_empty() {
                return None;
            }
            continue;
        }
        if memchr::memchr2(b'\t', b'\r', raw.as_bytes()).is_some() {
            return None;
        }
        lines.push(Line {
            no: i as u32 + 1,
            indent: raw.len() - trimmed.len(),
            text: trimmed.trim_end(),
        });
    }
    let first = lines.first()?;
    let (node, next) = map(&lines, 0, first.indent)?;
    (next == lines.len()).then_some(node)
}

fn map<'t>(lines: &[Line<'t>], mut i: usize, indent: usize) -> Option<(Node<'t>, usize)> {
    let first = lines.get(i)?;
    let pos = Pos {
        line: first.no,
        col: first.indent as u32 + 1,
    };
    // As many entries as lines at this indent before the map ends.
    let entries_len = lines
        .get(i..)
        .unwrap_or_default()
        .iter()
        .take_while(|l| l.indent >= indent)
        .filter(|l| l.indent == indent)
        .count();
    let mut entries = Vec::with_capacity(entries_len);
    while let Some(line) = lines.get(i) {
        if line.indent < indent {
            break;
        }
        if line.indent > indent {
            return None;
        }
        let (key, colon, rest) = split_key(line.text)?;
        let mut cols = Cols::new(line);
        let key_col = cols.at(0);
        let key_node = Node {
            kind: Kind::Scalar {
                text: Cow::Borrowed(key),
                plain: true,
            },
            pos: Pos {
                line: line.no,
                col: key_col,
            },
            len: (cols.at(key.len()) - key_col).max(1),
        };
        let rest_start = line.text.len() - rest.len();
        let value_text = strip_comment(rest);
        let value;
        if value_text.is_empty() {
            match lines.get(i + 1) {
                Some(next) if next.indent > indent => {
                    let (v, n) = map(lines, i + 1, next.indent)?;
                    value = v;
                    i = n;
                }
                _ => {
                    value = Node {
                        kind: Kind::Null,
                        pos: Pos {
                            line: line.no,
                            col: cols.at(colon),
                        },
                        len: 1,
                    };
                    i += 1;
                }
            }
        } else {
            value = scalar_or_seq(&mut cols, rest_start, value_text)?;
            i += 1;
            if lines.get(i).is_some_and(|n| n.indent > indent) {
                return None; // a continuation line: leave it to the full parser
            }
        }
        entries.push((key_node, value));
    }
    Some((
        Node {
            kind: Kind::Map(entries),
            pos,
            len: 1,
        },
        i,
    ))
}

/// `key: rest` → (key, byte offset of the colon, rest after the colon and spaces).
fn split_key(text: &str) -> Option<(&str, usize, &str)> {
    let bytes = text.as_bytes();
    let colon =
        memchr::memchr_iter(b':', bytes).find(|&i| bytes.get(i + 1).is_none_or(|n| *n == b' '))?;
    let key = text[..colon].trim_end();
    let k = key.as_bytes();
    if key.is_empty()
        || !plain_start(key)
        || has_pair(key, b" #")
        || memchr::memchr3(b'[', b']', b'{', k).is_some()
        || memchr::memchr2(b'}', b',', k).is_some()
    {
        return None;
    }
    Some((key, colon, text[colon + 1..].trim_start_matches(' ')))
}

/// Whether the two bytes `pair` (ASCII) follow one another in `s`.
fn has_pair(s: &str, pair: &[u8; 2]) -> bool {
    find_pair(s, pair).is_some()
}

/// The byte offset of the first `pair` (two ASCII bytes) in `s`.
fn find_pair(s: &str, pair: &[u8; 2]) -> Option<usize> {
    let b = s.as_bytes();
    // A figure is a few bytes: a plain loop costs less than a call. A key of
    // Chinese characters is long, and its second byte (`#`, or the space
    // after a colon) rare: memchr's vector search.
    if b.len() < 16 {
        return b.windows(2).position(|w| w == pair);
    }
    memchr::memchr_iter(pair[1], b)
        .find(|&i| i > 0 && b.get(i - 1) == Some(&pair[0]))
        .map(|i| i - 1)
}

fn strip_comment(rest: &str) -> &str {
    if rest.starts_with('#') {
        return "";
    }
    match find_pair(rest, b" #") {
        Some(i) => rest[..i].trim_end(),
        None => rest.trim_end(),
    }
}

/// Can a plain scalar start like this (no indicator character)?
fn plain_start(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        None => false,
        Some('-' | '?' | ':') => chars.next().is_some_and(|c| c != ' '),
        Some(c) => !matches!(
            c,
            '[' | ']'
                | '{'
                | '}'
                | ','
                | '#'
                | '&'
                | '*'
                | '!'
                | '|'
                | '>'
                | '\''
                | '"'
                | '%'
                | '@'
                | '`'
        ),
    }
}

/// A plain scalar at byte `byte` of the line.
fn scalar<'t>(cols: &mut Cols, byte: usize, text: &'t str) -> Option<Node<'t>> {
    if !plain_start(text) || has_pair(text, b": ") || text.ends_with(':') {
        return None;
    }
    let col = cols.at(byte);
    let pos = Pos {
        line: cols.line.no,
        col,
    };
    let chars = cols.at(byte + text.len()) - col;
    let kind = match text {
        "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ => Kind::Scalar {
            text: Cow::Borrowed(text),
            plain: true,
        },
    };
    let len = if matches!(kind, Kind::Null | Kind::Bool(_)) {
        chars
    } else {
        chars.max(1)
    };
    Some(Node { kind, pos, len })
}

/// `s` without its leading and trailing ASCII spaces, and how many led.
fn trim_spaces(s: &str) -> (usize, &str) {
    let b = s.as_bytes();
    let start = b.iter().position(|&c| c != b' ').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != b' ').map_or(start, |e| e + 1);
    (start, s.get(start..end).unwrap_or_default())
}

fn scalar_or_seq<'t>(cols: &mut Cols, start: usize, text: &'t str) -> Option<Node<'t>> {
    let Some(inner) = text.strip_prefix('[') else {
        return scalar(cols, start, text);
    };
    let inner = inner.strip_suffix(']')?;
    let pos = Pos {
        line: cols.line.no,
        col: cols.at(start),
    };
    let mut items = Vec::with_capacity(memchr::memchr_iter(b',', inner.as_bytes()).count() + 1);
    if !inner.trim().is_empty() {
        let mut offset = start + 1;
        for part in crate::lines::split_ascii(inner, b',') {
            let (lead, item) = trim_spaces(part);
            if item.is_empty()
                || item
                    .bytes()
                    .any(|b| matches!(b, b'[' | b']' | b'{' | b'}' | b'#'))
            {
                return None;
            }
            items.push(scalar(cols, offset + lead, item)?);
            offset += part.len() + 1;
        }
    }
    Some(Node {
        kind: Kind::Seq(items),
        pos,
        len: 1,
    })
}
