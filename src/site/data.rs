//! Open data: every figure of every report, machine-readable.
//!
//! - `/<year>/<slug>/report.json`: one report; per table its column labels by
//!   id, per row its id, official label and cells by column id. A figure's
//!   id is `table.row.column`; its labels are the row's and the column's.
//!   Blank (in the original) and computed cells are listed per row.
//! - `/data/<year>.csv`: one row per report, one column per cell id; UTF-8
//!   with BOM so spreadsheet programs pick the encoding, RFC 4180 quoting.
//! - `/data/fields.csv`: the dictionary — per format and id, the official
//!   table, row and column labels (what a spreadsheet user reads the ids by).
//! - `/data/reports.json`: the list of reports with their summary figures.
//! - `/datapackage.json`: a Frictionless Data Package describing the CSVs,
//!   naming the format(s) each year file follows.
//!
//! A year whose reports follow different formats gets the union of their
//! columns; a cell a report's format lacks is left empty, never zero-filled,
//! and the row's `format` column says which format applies.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::content::{Origin, Report, Value};
use crate::format::{CellRef, FormatDef, TableDef, ValueKind};

use super::summary::Summary;
use super::{OutFile, SUMMARY, SiteConfig};

/// Leading columns of a year CSV, before the cell ids.
pub const LEAD: &[(&str, &str, &str)] = &[
    ("year", "报告年度", "integer"),
    ("township", "单位简称", "string"),
    ("slug", "网址名", "string"),
    ("organ", "发布机构", "string"),
    ("region", "所属地区", "string"),
    ("published", "发布日期", "date"),
    ("format", "报告格式", "string"),
    ("url", "报告网页", "string"),
];

/// Every cell of a table, in cell-index order.
pub fn cells(def: &TableDef) -> impl Iterator<Item = CellRef> + '_ {
    (0..def.rows.len())
        .filter(move |&r| !def.is_group(r))
        .flat_map(move |row| (0..def.columns_of(row).len()).map(move |col| CellRef { row, col }))
}

/// Every cell id of a format, in table and cell order.
pub fn cell_ids(format: &FormatDef) -> Vec<String> {
    format
        .tables
        .iter()
        .flat_map(|t| cells(t).map(|c| t.cell_id(c)))
        .collect()
}

fn kind_name(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Count => "count",
        ValueKind::Signed => "signed",
        ValueKind::Amount => "amount",
        ValueKind::AmountWithUnit => "amount_with_unit",
    }
}

fn frictionless_type(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Count | ValueKind::Signed => "integer",
        ValueKind::Amount => "number",
        ValueKind::AmountWithUnit => "string",
    }
}

/// A cell as the CSV prints it: empty when blank in the original.
fn csv_text(c: &crate::content::Cell) -> String {
    match c.origin {
        Origin::Blank(_) => String::new(),
        _ => c.value.to_string(),
    }
}

/// `base_url` + `path`: absolute when `base_url` is (it should be, for feeds
/// and the sitemap), else at least independent of where the file is read.
pub fn abs_url(cfg: &SiteConfig, path: &str) -> String {
    format!("{}{path}", cfg.base_url)
}

/// Ids, labels and kinds of every cell of a format, computed once per build
/// (not once per report: labels are the bulk of the work).
pub struct Catalog {
    pub tables: Vec<TableCells>,
}

pub struct TableCells {
    pub id: String,
    pub caption: String,
    pub cells: Vec<CellInfo>,
    /// The table's JSON in order: fixed text (ids, labels, headers, written
    /// once per format) and, between, the rows whose figures are spliced in.
    pieces: Vec<Piece>,
}

enum Piece {
    Text(String),
    /// The figures of one row, as indices into `cells`, in column order.
    Row(Vec<usize>),
}

pub struct CellInfo {
    pub at: CellRef,
    pub id: String,
    pub labels: [String; 2],
    pub kind: ValueKind,
    /// The column's id as JSON (`"natural_person"`).
    json_col: String,
}

fn js<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// How a table is printed, for a reader rebuilding it.
fn layout_name(l: crate::format::Layout) -> &'static str {
    match l {
        crate::format::Layout::Blocks => "blocks",
        crate::format::Layout::Matrix => "matrix",
        crate::format::Layout::Transposed => "transposed",
    }
}

/// A block's fixed head: caption, corner note, column header, column groups
/// and columns, all in the form's order; then `"rows":[`.
fn block_head(t: &crate::format::TableDef, b: &crate::format::BlockDef) -> String {
    #[derive(Serialize)]
    struct Col<'a> {
        id: &'a str,
        label: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        group: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        kind: Option<&'static str>,
    }
    #[derive(Serialize)]
    struct Group<'a> {
        id: &'a str,
        label: &'a str,
        columns: Vec<&'a str>,
    }
    let columns: Vec<Col> = b
        .columns
        .iter()
        .map(|c| Col {
            id: &c.id,
            label: &c.label,
            group: c.group.as_deref(),
            kind: (c.value != ValueKind::Count).then(|| kind_name(c.value)),
        })
        .collect();
    let groups: Vec<Group> = b
        .column_groups
        .iter()
        .map(|g| Group {
            id: &g.id,
            label: &g.label,
            columns: b
                .columns
                .iter()
                .filter(|c| c.group.as_deref() == Some(g.id.as_str()))
                .map(|c| c.id.as_str())
                .collect(),
        })
        .collect();
    let _ = t;
    format!(
        "{{\"caption\":{},\"corner\":{},\"column_header\":{},\"column_groups\":{},\"columns\":{},\"rows\":[",
        js(&b.caption),
        js(&b.corner),
        js(&b.column_header),
        js(&groups),
        js(&columns)
    )
}

impl Catalog {
    pub fn of(format: &FormatDef) -> Catalog {
        let tables = format.tables.iter().map(table_cells).collect();
        Catalog { tables }
    }
}

/// One table's catalog: its cells, and its JSON as fixed pieces around rows.
fn table_cells(t: &crate::format::TableDef) -> TableCells {
    let cells: Vec<CellInfo> = cells(t)
        .map(|at| {
            let col = t.columns_of(at.row).get(at.col);
            CellInfo {
                at,
                id: t.cell_id(at),
                labels: t.cell_labels(at),
                kind: col.map_or(ValueKind::Count, |c| c.value),
                json_col: js(col.map_or("", |c| c.id.as_str())),
            }
        })
        .collect();
    let mut by_row: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, c) in cells.iter().enumerate() {
        by_row.entry(c.at.row).or_default().push(i);
    }
    let mut pieces = vec![Piece::Text(format!(
        "{{\"id\":{},\"caption\":{},\"layout\":{},\"blocks\":[",
        js(&t.id),
        js(&t.caption),
        js(layout_name(t.layout))
    ))];
    let mut text = String::new();
    for (bi, b) in t.blocks.iter().enumerate() {
        if bi > 0 {
            text.push(',');
        }
        text.push_str(&block_head(t, b));
        let rows = (0..t.rows.len()).filter(|&r| t.rows[r].block == bi);
        for (k, r) in rows.enumerate() {
            let d = t.row_def(r);
            let parent = t.rows[r].parent.map(|p| t.row_def(p).id.as_str());
            if k > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                "{{\"id\":{},\"label\":{},\"path\":{}",
                js(&d.id),
                js(&t.row_label(r)),
                js(&t.row_path(r))
            ));
            if let Some(p) = parent {
                text.push_str(&format!(",\"parent\":{}", js(p)));
            }
            if let Some(g) = &d.group {
                text.push_str(&format!(",\"group\":{}", js(g)));
            }
            text.push_str(",\"cells\":[");
            match by_row.get(&r) {
                Some(idx) => {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                    pieces.push(Piece::Row(idx.clone()));
                }
                None => text.push_str("]}"),
            }
        }
        text.push_str("]}");
    }
    text.push_str("]}");
    pieces.push(Piece::Text(text));
    TableCells {
        id: t.id.clone(),
        caption: t.caption.clone(),
        cells,
        pieces,
    }
}

/// The catalogs of the formats `reports` use, by format id.
pub fn catalogs<'a>(reports: impl Iterator<Item = &'a Report>) -> BTreeMap<String, Catalog> {
    let mut out = BTreeMap::new();
    for r in reports {
        if !out.contains_key(&r.format.id) {
            out.insert(r.format.id.clone(), Catalog::of(&r.format));
        }
    }
    out
}

#[derive(Serialize)]
struct ReportDoc<'a> {
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
struct FormatRef<'a> {
    id: &'a str,
    name: &'a str,
}

/// A figure as JSON: a count is a number; an amount keeps the text written
/// (with its unit, where one was printed).
fn figure_json(v: &Value) -> String {
    match v {
        Value::Count(n) => n.to_string(),
        Value::Signed(n) => n.to_string(),
        Value::Amount(d) => js(&d.text),
        Value::AmountWithUnit(_) => js(&v.to_string()),
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
fn row_json(
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
                    out.push_str(&figure_json(&c.value));
                    computed.push(info.json_col.as_str());
                }
                _ => out.push_str(&figure_json(&c.value)),
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
fn inert(mut json: Vec<u8>) -> Vec<u8> {
    if !json.iter().any(|b| matches!(b, b'<' | b'>' | b'&')) {
        json.push(b'\n');
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 16);
    for b in json {
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

/// The small listing files stay pretty-printed for people reading them.
fn pretty(v: &impl Serialize) -> Vec<u8> {
    inert(serde_json::to_vec_pretty(v).unwrap_or_default())
}

/// A report's figures as CSV texts, in its format's cell order. Made when
/// its year file is written and dropped with the row: a million small
/// strings held for the whole build cost tens of MiB on a large site.
fn figure_texts(r: &Report) -> Vec<String> {
    let mut texts = Vec::new();
    for (def, data) in r.format.tables.iter().zip(&r.tables) {
        texts.extend(cells(def).map(|at| data.cell(def, at).map(csv_text).unwrap_or_default()));
    }
    texts
}

/// A hash of a report's figures as its row of the year CSV shows them (the
/// watcher rewrites a year file only when one changed).
pub fn figures_hash(r: &Report) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    figure_texts(r).hash(&mut h);
    h.finish()
}

/// Where the site-wide data files are published.
pub const FIELDS: &str = "data/fields.csv";
pub const REPORTS: &str = "data/reports.json";
pub const DATAPACKAGE: &str = "datapackage.json";

/// Where a year's CSV is published.
pub fn year_csv_path(year: u16) -> String {
    format!("data/{year}.csv")
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
fn push_csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn csv_line(out: &mut String, fields: impl IntoIterator<Item = String>) {
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

pub fn year_columns<'a>(rows: &[(&'a Report, &Summary)]) -> YearColumns<'a> {
    let mut count: BTreeMap<&str, (usize, &FormatDef)> = BTreeMap::new();
    for (r, _) in rows {
        count
            .entry(r.format.id.as_str())
            .or_insert((0, &r.format))
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
pub fn year_csv(year: u16, rows: &[(&Report, &Summary)], cfg: &SiteConfig) -> OutFile {
    let cols = year_columns(rows);
    let mut out = String::from("\u{FEFF}");
    csv_line(
        &mut out,
        LEAD.iter()
            .map(|(id, _, _)| id.to_string())
            .chain(cols.ids.iter().map(|(id, _)| id.clone())),
    );
    // Per format: for each column of the file, where that cell is in the
    // format's tables (None: the format lacks it).
    let index: BTreeMap<&str, Vec<Option<(usize, CellRef)>>> = cols
        .formats
        .iter()
        .map(|f| {
            let pos: HashMap<String, (usize, CellRef)> = f
                .tables
                .iter()
                .enumerate()
                .flat_map(|(t, def)| cells(def).map(move |at| (def.cell_id(at), (t, at))))
                .collect();
            let by_col = cols
                .ids
                .iter()
                .map(|(id, _)| pos.get(id).copied())
                .collect();
            (f.id.as_str(), by_col)
        })
        .collect();
    let mut text = String::new();
    for (r, s) in rows {
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
        let own = index.get(r.format.id.as_str());
        for c in 0..cols.ids.len() {
            text.clear();
            let cell = own
                .and_then(|m| m.get(c).copied().flatten())
                .and_then(|(t, at)| {
                    let def = r.format.tables.get(t)?;
                    r.tables.get(t)?.cell(def, at)
                });
            if let Some(cell) = cell
                && !matches!(cell.origin, Origin::Blank(_))
            {
                use std::fmt::Write;
                let _ = write!(text, "{}", cell.value);
            }
            out.push(',');
            push_csv_field(&mut out, &text);
        }
        out.push_str("\r\n");
    }
    OutFile {
        path: year_csv_path(year),
        bytes: out.into_bytes(),
    }
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
        path: FIELDS.into(),
        bytes: out.into_bytes(),
    }
}

/// `/data/reports.json`: every report with its summary figures.
pub fn reports_json(
    summaries: &[&Summary],
    cfg: &SiteConfig,
    registry: &crate::format::Registry,
) -> OutFile {
    // Typed, not built as `json!` trees: the watcher writes this file after
    // every save that changes a summary, and a 5,000-entry tree of maps cost
    // more than the rest of such a rebuild. Fields in name order, as before.
    #[derive(Serialize)]
    struct Listed<'a> {
        data: String,
        format: &'a str,
        index_no: Option<&'a str>,
        organ: &'a str,
        published: Option<String>,
        region: Option<&'a str>,
        region_slug: Option<&'a str>,
        slug: &'a str,
        summary: BTreeMap<&'static str, Option<i64>>,
        title: &'a str,
        township: &'a str,
        url: String,
        year: u16,
    }
    /// A summary column: its label, and per format the year-CSV columns
    /// whose sum it is (so a reader can recompute it from the CSVs).
    #[derive(Serialize)]
    struct Column {
        columns: BTreeMap<String, Vec<String>>,
        label: &'static str,
    }
    #[derive(Serialize)]
    struct Listing<'a> {
        reports: Vec<Listed<'a>>,
        summary_columns: Vec<Column>,
        title: &'a str,
    }
    let reports = summaries
        .iter()
        .map(|s| Listed {
            data: abs_url(cfg, &s.json_url()),
            format: &s.format,
            index_no: s.index_no.as_deref(),
            organ: &s.organ,
            published: s.published.map(|d| d.to_string()),
            region: s.region.as_deref(),
            region_slug: s.region_slug.as_deref(),
            slug: &s.slug,
            summary: SUMMARY
                .iter()
                .zip(&s.figures)
                .map(|((label, _), v)| (*label, v.map(|n| n as i64)))
                .collect(),
            title: &s.title,
            township: &s.township,
            url: abs_url(cfg, &s.url()),
            year: s.year,
        })
        .collect();
    let mut used: Vec<&str> = summaries.iter().map(|s| s.format.as_str()).collect();
    used.sort_unstable();
    used.dedup();
    let summary_columns = SUMMARY
        .iter()
        .map(|(label, cells)| Column {
            columns: used
                .iter()
                .filter_map(|f| registry.get(f))
                .map(|f| (f.id.clone(), super::summary_cells(f, cells)))
                .collect(),
            label,
        })
        .collect();
    OutFile {
        path: REPORTS.into(),
        bytes: pretty(&Listing {
            reports,
            summary_columns,
            title: &cfg.title,
        }),
    }
}

/// Per cell id, its title and type, from the first format (of `formats`)
/// that has it.
fn field_meta(formats: &[&FormatDef]) -> HashMap<String, (String, &'static str)> {
    let mut out = HashMap::new();
    for f in formats {
        for t in &f.tables {
            for at in cells(t) {
                out.entry(t.cell_id(at)).or_insert_with(|| {
                    let [row, col] = t.cell_labels(at);
                    let ty = t
                        .columns_of(at.row)
                        .get(at.col)
                        .map_or("integer", |c| frictionless_type(c.value));
                    (format!("{}｜{row}｜{col}", t.caption), ty)
                });
            }
        }
    }
    out
}

/// One resource of `datapackage.json`: the year file's schema.
pub fn year_resource(year: u16, rows: &[(&Report, &Summary)]) -> Json {
    let cols = year_columns(rows);
    let mixed = cols.formats.len() > 1;
    let mut fields: Vec<Json> = LEAD
        .iter()
        .map(|(id, title, ty)| json!({ "name": id, "title": title, "type": ty }))
        .collect();
    let meta = field_meta(&cols.formats);
    for (id, has) in &cols.ids {
        let (title, ty) = meta
            .get(id)
            .cloned()
            .unwrap_or_else(|| (id.clone(), "string"));
        let mut f = json!({ "name": id, "title": title, "type": ty });
        if mixed
            && has.len() < cols.formats.len()
            && let Some(m) = f.as_object_mut()
        {
            m.insert(
                "description".into(),
                json!(format!("仅 {} 格式的报告有此项，其他报告此列留空（不是 0） / only reports in {} have this cell; empty for the others", has.join("、"), has.join(", "))),
            );
        }
        fields.push(f);
    }
    let formats: Vec<Json> = cols
        .formats
        .iter()
        .map(|f| json!({ "id": f.id, "name": f.name }))
        .collect();
    let names: Vec<String> = cols
        .formats
        .iter()
        .map(|f| format!("{}（{}）", f.id, f.name))
        .collect();
    json!({
        "name": format!("reports-{year}"),
        "title": format!("{year}年度各单位政府信息公开工作年度报告数据"),
        "description": format!("每行一份报告，每列一个表格单元格（字段名为单元格编号，含义见 data/fields.csv）。报告格式：{}。空单元格：原报告留空（按 0 计入合计），或该行报告的格式没有此项（见 format 列）。", names.join("；")),
        "path": format!("data/{year}.csv"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "dialect": { "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true },
        "nianbao:formats": formats,
        "schema": { "fields": fields, "missingValues": [""], "primaryKey": ["slug"] },
    })
}

/// `/datapackage.json`.
pub fn datapackage(resources: Vec<Json>, cfg: &SiteConfig, created: Option<String>) -> OutFile {
    let mut resources = resources;
    resources.push(json!({
        "name": "fields",
        "title": "字段说明：单元格编号与表格的正式行、列名称",
        "path": FIELDS,
        "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
        "schema": { "fields": [
            { "name": "format", "title": "报告格式", "type": "string" },
            { "name": "id", "title": "单元格编号", "type": "string" },
            { "name": "table", "title": "表格", "type": "string" },
            { "name": "row", "title": "行", "type": "string" },
            { "name": "column", "title": "列", "type": "string" },
            { "name": "kind", "title": "数值类型", "type": "string" },
        ], "primaryKey": ["format", "id"] },
    }));
    let mut doc = json!({
        "profile": "tabular-data-package",
        "name": "nianbao-annual-reports",
        "title": cfg.title,
        "licenses": cfg.open_data.licenses,
        "resources": resources,
    });
    if let Some(m) = doc.as_object_mut() {
        if cfg.has_absolute_base() {
            m.insert("id".into(), json!(format!("{}{DATAPACKAGE}", cfg.base_url)));
        }
        if let Some(c) = created {
            m.insert("created".into(), json!(c));
        }
    }
    if let (Some(d), Some(m)) = (&cfg.description, doc.as_object_mut()) {
        m.insert("description".into(), json!(d));
    }
    if cfg.base_url.starts_with("http")
        && let Some(m) = doc.as_object_mut()
    {
        m.insert("homepage".into(), json!(cfg.base_url));
    }
    OutFile {
        path: DATAPACKAGE.into(),
        bytes: pretty(&doc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("平安镇"), "平安镇");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formulas_are_defused_and_markup_escaped_in_json() {
        assert_eq!(csv_text_field("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_text_field("平安镇"), "平安镇");
        let b = pretty(&json!({ "organ": "<script>&" }));
        let text = String::from_utf8(b).unwrap();
        assert!(
            !text.contains('<') && text.contains("\\u003cscript\\u003e\\u0026"),
            "{text}"
        );
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back["organ"], "<script>&");
    }

    #[test]
    fn gov2021_has_every_cell_once() {
        let reg = crate::format::Registry::builtin();
        let f = reg.get("gov-2021").unwrap();
        let ids = cell_ids(f);
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len());
        // 6 + 1 + 2 + 1 active, 25×7 applications, 15 reviews.
        assert_eq!(ids.len(), 10 + 175 + 15);
    }
}
