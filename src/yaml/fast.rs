//! The plain subset of YAML that reports use, read line by line.

use super::{Kind, Node, Pos};

struct Line<'a> {
    no: u32,
    indent: usize,
    text: &'a str,
}

fn col(line: &Line, byte: usize) -> u32 {
    (line.indent + line.text[..byte].chars().count() + 1) as u32
}

pub fn parse(text: &str) -> Option<Node> {
    let mut lines = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let trimmed = raw.trim_start_matches(' ');
        if trimmed.starts_with('\t') || trimmed.trim_end().is_empty() || trimmed.starts_with('#') {
            if trimmed.starts_with('\t') && !trimmed.trim().is_empty() {
                return None;
            }
            continue;
        }
        if raw.contains('\t') || raw.contains('\r') {
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

fn map(lines: &[Line], mut i: usize, indent: usize) -> Option<(Node, usize)> {
    let first = lines.get(i)?;
    let pos = Pos {
        line: first.no,
        col: first.indent as u32 + 1,
    };
    let mut entries = Vec::new();
    while let Some(line) = lines.get(i) {
        if line.indent < indent {
            break;
        }
        if line.indent > indent {
            return None;
        }
        let (key, colon, rest) = split_key(line.text)?;
        let key_node = Node {
            kind: Kind::Scalar {
                text: key.to_string(),
                plain: true,
            },
            pos: Pos {
                line: line.no,
                col: col(line, 0),
            },
            len: key.chars().count().max(1) as u32,
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
                            col: col(line, colon),
                        },
                        len: 1,
                    };
                    i += 1;
                }
            }
        } else {
            value = scalar_or_seq(line, rest_start, value_text)?;
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
    let mut colon = None;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b':' && bytes.get(i + 1).is_none_or(|n| *n == b' ') {
            colon = Some(i);
            break;
        }
    }
    let colon = colon?;
    let key = text[..colon].trim_end();
    if key.is_empty()
        || !plain_start(key)
        || key.contains(" #")
        || key.contains(['[', ']', '{', '}', ','])
    {
        return None;
    }
    Some((key, colon, text[colon + 1..].trim_start_matches(' ')))
}

fn strip_comment(rest: &str) -> &str {
    if rest.starts_with('#') {
        return "";
    }
    match rest.find(" #") {
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
        Some(c) => !"[]{},#&*!|>'\"%@`".contains(c),
    }
}

fn scalar(line: &Line, byte: usize, text: &str) -> Option<Node> {
    if !plain_start(text) || text.contains(": ") || text.ends_with(':') {
        return None;
    }
    let pos = Pos {
        line: line.no,
        col: col(line, byte),
    };
    let kind = match text {
        "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ => Kind::Scalar {
            text: text.to_string(),
            plain: true,
        },
    };
    let len = if matches!(kind, Kind::Null | Kind::Bool(_)) {
        text.chars().count() as u32
    } else {
        text.chars().count().max(1) as u32
    };
    Some(Node { kind, pos, len })
}

fn scalar_or_seq(line: &Line, start: usize, text: &str) -> Option<Node> {
    let Some(inner) = text.strip_prefix('[') else {
        return scalar(line, start, text);
    };
    let inner = inner.strip_suffix(']')?;
    let pos = Pos {
        line: line.no,
        col: col(line, start),
    };
    let mut items = Vec::new();
    if !inner.trim().is_empty() {
        let mut offset = start + 1;
        for part in inner.split(',') {
            let lead = part.len() - part.trim_start_matches(' ').len();
            let item = part.trim_matches(' ');
            if item.is_empty() || item.contains(['[', ']', '{', '}', '#']) {
                return None;
            }
            items.push(scalar(line, offset + lead, item)?);
            offset += part.len() + 1;
        }
    }
    Some(Node {
        kind: Kind::Seq(items),
        pos,
        len: 1,
    })
}
