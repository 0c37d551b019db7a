//! The CSV files: `/data/<year>.csv` (one row per report) and
//! `/data/fields.csv` (the dictionary of their columns).

use std::collections::{BTreeMap, HashMap};

use crate::content::Report;

use super::super::backend::Entry;
use crate::format::FormatDef;
use crate::layout::Output;

use super::super::{OutFile, SiteConfig};
use super::*;

/// A report's figures as CSV texts, in its format's cell order. Made when
/// its year file is written and dropped with the row: a million small
/// strings held for the whole build cost tens of MiB on a large site.
pub fn figure_texts(r: &Report) -> crate::content::PackedTexts {
    let mut texts = crate::content::Packer::default();
    for (def, data) in r.format.tables.iter().zip(&r.tables) {
        for at in cells(def) {
            texts.push_with(|out| data.push_written(def, at, out));
        }
    }
    texts.done()
}

/// A hash of a report's figures as its row of the year CSV shows them (the
/// watcher rewrites a year file only when one changed): of the texts the
/// report keeps for that row, so they are formatted once.
pub fn figures_hash(r: &Report) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    crate::site::backend::Figures::kept_by(r).hash(&mut h);
    h.finish()
}

/// A text field of a year CSV: a leading `=`, `+`, `-` or `@` would make a
/// spreadsheet program run it as a formula, so such text gets a leading `'`
/// (the OWASP advice). Figures are never touched (`-2` is a real 本年增/减).
pub fn csv_text_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// One CSV field, quoted when it must be (RFC 4180).
pub fn csv_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_csv_field(&mut out, s);
    out
}

/// [`csv_field`], appended to `out` (a year file has a quarter of a million
/// fields: no string each).
pub(super) fn push_csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

pub(super) fn csv_line(out: &mut String, fields: impl IntoIterator<Item = String>) {
    let mut first = true;
    for f in fields {
        if !first {
            out.push(',');
        }
        first = false;
        push_csv_field(out, &f);
    }
    out.push_str("\r\n");
}

/// The columns of one year file: formats in use (most reports first), and
/// the union of their cell ids with, per id, the formats that have it.
pub struct YearColumns<'a> {
    pub formats: Vec<&'a FormatDef>,
    pub ids: Vec<(String, Vec<&'a str>)>,
}

pub fn year_columns<'a>(rows: &[&'a Entry]) -> YearColumns<'a> {
    let mut count: BTreeMap<&str, (usize, &FormatDef)> = BTreeMap::new();
    for e in rows {
        count
            .entry(e.format.id.as_str())
            .or_insert((0, &e.format))
            .0 += 1;
    }
    let mut formats: Vec<(usize, &FormatDef)> = count.into_values().collect();
    formats.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let formats: Vec<&FormatDef> = formats.into_iter().map(|(_, f)| f).collect();
    let mut ids: Vec<(String, Vec<&str>)> = Vec::new();
    let mut pos: BTreeMap<String, usize> = BTreeMap::new();
    for f in &formats {
        for id in cell_ids(f) {
            match pos.get(&id) {
                Some(&i) => {
                    if let Some(e) = ids.get_mut(i) {
                        e.1.push(f.id.as_str());
                    }
                }
                None => {
                    pos.insert(id.clone(), ids.len());
                    ids.push((id, vec![f.id.as_str()]));
                }
            }
        }
    }
    YearColumns { formats, ids }
}

/// `/data/<year>.csv`. `rows` sorted by slug.
pub fn year_csv(year: u16, rows: &[&Entry], cfg: &SiteConfig) -> OutFile {
    let cols = year_columns(rows);
    let mut out = String::from("\u{FEFF}");
    csv_line(
        &mut out,
        LEAD.iter()
            .map(|(id, _, _)| id.to_string())
            .chain(cols.ids.iter().map(|(id, _)| id.clone())),
    );
    // Per format: for each column of the file, which of the format's cells
    // it is, in `Figures` order (None: the format lacks it).
    let index: BTreeMap<&str, Vec<Option<usize>>> = cols
        .formats
        .iter()
        .map(|f| {
            let pos: HashMap<String, usize> = f
                .tables
                .iter()
                .flat_map(|def| cells(def).map(move |at| def.cell_id(at)))
                .enumerate()
                .map(|(i, id)| (id, i))
                .collect();
            let by_col = cols
                .ids
                .iter()
                .map(|(id, _)| pos.get(id).copied())
                .collect();
            (f.id.as_str(), by_col)
        })
        .collect();
    // A row follows from its report and the year's columns: the watcher
    // keeps each with its summary, for columns of this hash.
    let layout = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (id, _) in &cols.ids {
            id.hash(&mut h);
        }
        h.finish()
    };
    for e in rows {
        let own = index.get(e.format.id.as_str());
        e.summary.keyed_piece(
            layout,
            |p| &p.csv_row,
            |_| csv_row(e, own, cols.ids.len(), cfg).into_boxed_str(),
            |row| out.push_str(row),
        );
    }
    OutFile {
        path: Output::YearCsv(year).path(),
        bytes: out.into_bytes(),
    }
}

/// One report's line of its year CSV (`own`: for each of the year's
/// `columns`, which of its figures it is).
fn csv_row(
    e: &Entry,
    own: Option<&Vec<Option<usize>>>,
    columns: usize,
    cfg: &SiteConfig,
) -> String {
    let mut out = String::with_capacity(512);
    let s = &e.summary;
    let lead = [
        s.year.to_string(),
        csv_text_field(&s.township),
        s.slug.clone(),
        csv_text_field(&s.organ),
        csv_text_field(s.region.as_deref().unwrap_or_default()),
        s.published.map(|d| d.to_string()).unwrap_or_default(),
        s.format.clone(),
        abs_url(cfg, &s.url()),
    ];
    for (i, f) in lead.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_field(&mut out, f);
    }
    e.with_figures(|figure| {
        for c in 0..columns {
            let text = own
                .and_then(|m| m.get(c).copied().flatten())
                .map_or("", figure);
            out.push(',');
            push_csv_field(&mut out, text);
        }
    });
    out.push_str("\r\n");
    out
}

/// `/data/fields.csv`: per format in use and cell id, the official labels.
pub fn fields_csv(formats: &[&FormatDef]) -> OutFile {
    let mut out = String::from("\u{FEFF}");
    csv_line(
        &mut out,
        ["format", "id", "table", "row", "column", "kind"].map(String::from),
    );
    for f in formats {
        for t in &f.tables {
            for at in cells(t) {
                let [row, col] = t.cell_labels(at);
                let kind = t
                    .columns_of(at.row)
                    .get(at.col)
                    .map_or("count", |c| kind_name(c.value));
                csv_line(
                    &mut out,
                    [
                        f.id.clone(),
                        t.cell_id(at),
                        t.caption.clone(),
                        row,
                        col,
                        kind.to_string(),
                    ],
                );
            }
        }
    }
    OutFile {
        path: Output::Fields.path(),
        bytes: out.into_bytes(),
    }
}
