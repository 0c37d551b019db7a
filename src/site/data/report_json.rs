//! `/<year>/<slug>/report.json`: one report's figures with their ids and labels.

use serde::Serialize;

use crate::content::{Origin, Report, Value};

use super::super::summary::Summary;
use super::super::{OutFile, SiteConfig};
use super::*;

#[derive(Serialize)]
pub(super) struct ReportDoc<'a> {
    year: u16,
    township: &'a str,
    slug: &'a str,
    organ: &'a str,
    title: &'a str,
    region: Option<&'a str>,
    region_slug: Option<&'a str>,
    published: Option<String>,
    index_no: Option<&'a str>,
    format: FormatRef<'a>,
    url: String,
}

#[derive(Serialize)]
pub(super) struct FormatRef<'a> {
    id: &'a str,
    name: &'a str,
}

/// A figure as JSON: a count is a number; an amount keeps the text written
/// (with its unit, where one was printed).
pub(super) fn push_figure_json(v: &Value, out: &mut String) {
    match v {
        Value::Count(_) | Value::Signed(_) => v.push_to(out),
        Value::Amount(d) => out.push_str(&js(&d.text)),
        Value::AmountWithUnit(_) => out.push_str(&js(&v.to_string())),
    }
}

/// `report.json` of one report. `cat`: the catalog of the report's format.
/// The document is the report's metadata (serialised) followed by `tables`,
/// whose cells splice the catalog's pre-written id and labels.
pub fn report_json(r: &Report, s: &Summary, cfg: &SiteConfig, cat: &Catalog) -> OutFile {
    let head = ReportDoc {
        year: s.year,
        township: &s.township,
        slug: &s.slug,
        organ: &s.organ,
        title: &s.title,
        region: s.region.as_deref(),
        region_slug: s.region_slug.as_deref(),
        published: s.published.map(|d| d.to_string()),
        index_no: s.index_no.as_deref(),
        format: FormatRef {
            id: &s.format,
            name: &s.format_name,
        },
        url: abs_url(cfg, &s.url()),
    };
    let mut out = js(&head);
    out.pop(); // the closing brace; `tables` follows
    out.push_str(",\"tables\":[");
    for (i, (tc, (def, data))) in cat
        .tables
        .iter()
        .zip(r.format.tables.iter().zip(&r.tables))
        .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        for piece in &tc.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Row(idx) => row_json(&mut out, tc, def, data, idx),
            }
        }
    }
    out.push_str("]}");
    OutFile {
        path: s.json_url(),
        bytes: inert(out.into_bytes()),
    }
}

/// A row's figures (the `cells` array is open), then its `blank` and
/// `computed` column lists where there are any, closing the row.
pub(super) fn row_json(
    out: &mut String,
    tc: &TableCells,
    def: &crate::format::TableDef,
    data: &crate::content::TableData,
    idx: &[usize],
) {
    let mut blank = Vec::new();
    let mut computed = Vec::new();
    for (k, &ci) in idx.iter().enumerate() {
        let info = &tc.cells[ci];
        if k > 0 {
            out.push(',');
        }
        match data.cell(def, info.at) {
            None => out.push_str("null"),
            Some(c) => match c.origin {
                Origin::Blank(_) => {
                    out.push_str("null");
                    blank.push(info.json_col.as_str());
                }
                Origin::Computed => {
                    push_figure_json(&c.value, out);
                    computed.push(info.json_col.as_str());
                }
                _ => push_figure_json(&c.value, out),
            },
        }
    }
    out.push(']');
    // Which cells were blank in the original or computed by nianbao: rare, so listed.
    for (name, list) in [("blank", blank), ("computed", computed)] {
        if !list.is_empty() {
            out.push_str(",\"");
            out.push_str(name);
            out.push_str("\":[");
            out.push_str(&list.join(","));
            out.push(']');
        }
    }
    out.push('}');
}

/// JSON with `<`, `>` and `&` written as `\u003c` … (they can only occur
/// inside strings), so an author's markup stays inert even when a careless
/// portal embeds the file in a page. Parsers read the same text.
pub(super) fn inert(mut json: Vec<u8>) -> Vec<u8> {
    fn markup(json: &[u8]) -> memchr::Memchr3<'_> {
        memchr::memchr3_iter(b'<', b'>', b'&', json)
    }
    if markup(&json).next().is_none() {
        json.push(b'\n');
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 16);
    let mut from = 0;
    for at in markup(&json) {
        out.extend_from_slice(json.get(from..at).unwrap_or_default());
        out.extend_from_slice(match json.get(at) {
            Some(b'<') => b"\\u003c",
            Some(b'>') => b"\\u003e",
            _ => b"\\u0026",
        });
        from = at + 1;
    }
    out.extend_from_slice(json.get(from..).unwrap_or_default());
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    /// Byte by byte, as the file has always been written.
    fn plainly(json: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for &b in json {
            match b {
                b'<' => out.extend_from_slice(b"\\u003c"),
                b'>' => out.extend_from_slice(b"\\u003e"),
                b'&' => out.extend_from_slice(b"\\u0026"),
                b => out.push(b),
            }
        }
        out.push(b'\n');
        out
    }

    #[test]
    fn markup_is_written_as_escapes_and_nothing_else_changes() {
        for json in [
            "",
            "{}",
            "{\"t\":\"平安镇\"}",
            "<",
            "{\"t\":\"<script>&amp;</script>\"}",
            "&&<<>>",
            "{\"t\":\"a<b\",\"u\":\"年报>\"}>",
            "<年报&",
        ] {
            let made = super::inert(json.as_bytes().to_vec());
            assert_eq!(made, plainly(json.as_bytes()), "{json}");
        }
    }
}
