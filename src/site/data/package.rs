//! The listings: `/data/reports.json` and the data package that describes
//! the CSVs.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::format::FormatDef;
use crate::layout::Output;

use super::super::backend::Entry;
use super::super::summary::Summary;
use super::super::{OutFile, SiteConfig};
use super::*;

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
    summary: BTreeMap<&'a str, Option<i64>>,
    title: &'a str,
    township: &'a str,
    url: String,
    year: u16,
}

/// A summary column: its label, and per format the year-CSV columns whose
/// sum it is (so a reader can recompute it from the CSVs).
#[derive(Serialize)]
struct Column<'a> {
    columns: BTreeMap<String, Vec<String>>,
    label: &'a str,
}

/// One entry of the report list, pretty-printed as it sits in the file
/// (four spaces in), markup made inert.
fn listed(s: &Summary, cfg: &SiteConfig, labels: &[String]) -> Box<[u8]> {
    let entry = Listed {
        data: abs_url(cfg, &s.json_url()),
        format: &s.format,
        index_no: s.index_no.as_deref(),
        organ: &s.organ,
        published: s.published.map(|d| d.to_string()),
        region: s.region.as_deref(),
        region_slug: s.region_slug.as_deref(),
        slug: &s.slug,
        summary: labels
            .iter()
            .zip(&s.figures)
            .map(|(label, v)| (label.as_str(), v.map(|n| n as i64)))
            .collect(),
        title: &s.title,
        township: &s.township,
        url: abs_url(cfg, &s.url()),
        year: s.year,
    };
    let mut out = Vec::with_capacity(1024);
    nested(&entry, "    ", &mut out);
    out.into_boxed_slice()
}

/// `v` pretty-printed as serde_json prints it `indent` deep in a document:
/// every line after the first indented (JSON strings hold no raw line
/// breaks), markup made inert. Appended to `out`.
fn nested(v: &impl Serialize, indent: &str, out: &mut Vec<u8>) {
    // Writing into memory fails only if `v` cannot be serialised, which
    // typed records always can; `null` would show it.
    let json = serde_json::to_vec_pretty(v).unwrap_or_else(|_| b"null".to_vec());
    out.extend_from_slice(indent.as_bytes());
    for &b in &json {
        match b {
            b'\n' => {
                out.push(b'\n');
                out.extend_from_slice(indent.as_bytes());
            }
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            b => out.push(b),
        }
    }
}

/// `/data/reports.json`: every report with its summary figures, the
/// summary columns and the site's title, as serde_json pretty-prints such a
/// record. Written from each report's entry ([`Held::listed`]): the
/// watcher keeps the entries of unchanged reports from save to save.
pub fn reports_json(
    entries: &[Entry],
    cfg: &SiteConfig,
    registry: &crate::format::Registry,
    labels: &[String],
) -> OutFile {
    let mut used: Vec<&str> = entries.iter().map(|e| e.summary.format.as_str()).collect();
    used.sort_unstable();
    used.dedup();
    let summary_columns: Vec<Column> = labels
        .iter()
        .map(|label| Column {
            columns: used
                .iter()
                .filter_map(|f| registry.get(f))
                .map(|f| {
                    let cells = f.summary_column(label).unwrap_or_default();
                    (f.id.clone(), crate::site::summary_cells(f, cells))
                })
                .collect(),
            label,
        })
        .collect();
    // About 850 bytes an entry: written once, not grown by doubling. Each
    // entry is copied in as it is made: a build keeps none of them.
    let mut out = Vec::with_capacity(entries.len() * 900 + 4096);
    out.extend_from_slice(b"{\n  \"reports\": [");
    for (i, e) in entries.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        out.extend_from_slice(&e.summary.piece(|p| &p.listed, |s| listed(s, cfg, labels)));
    }
    if !entries.is_empty() {
        out.extend_from_slice(b"\n  ");
    }
    out.extend_from_slice(b"],\n  \"summary_columns\": ");
    let mut columns = Vec::new();
    nested(&summary_columns, "  ", &mut columns);
    // `nested` indents the first line too: here it follows the key.
    out.extend_from_slice(columns.get(2..).unwrap_or_default());
    out.extend_from_slice(b",\n  \"title\": ");
    nested(&cfg.title, "", &mut out);
    out.extend_from_slice(b"\n}\n");
    OutFile {
        path: Output::ReportList.path(),
        bytes: out,
    }
}

/// Per cell id, its title and type, from the first format (of `formats`)
/// that has it.
pub(super) fn field_meta(formats: &[&FormatDef]) -> HashMap<String, (String, &'static str)> {
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
pub fn year_resource(year: u16, rows: &[&Entry]) -> Json {
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
        "description": format!("每行一份报告，每列一个表格单元格（字段名为单元格编号，含义见 {}）。报告格式：{}。空单元格：原报告留空（按 0 计入合计），或该行报告的格式没有此项（见 format 列）。", Output::Fields.path(), names.join("；")),
        "path": Output::YearCsv(year).path(),
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
        "path": Output::Fields.path(),
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
            m.insert(
                "id".into(),
                json!(abs_url(cfg, &Output::DataPackage.path())),
            );
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
        path: Output::DataPackage.path(),
        bytes: pretty(&doc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::backend::{FigureSource, Held};

    fn summary(year: u16, slug: &str, title: &str, figure: Option<i128>) -> Summary {
        Summary {
            township: "平安镇".into(),
            title: title.into(),
            region: Some("大洼区".into()),
            region_slug: Some("dawa".into()),
            figures: vec![figure, Some(3)],
            ..Summary::sample(year, slug)
        }
    }

    /// The file written from entries is byte for byte what serde_json
    /// pretty-prints for the same record (with markup made inert): parsed
    /// and printed again, it does not change.
    #[test]
    fn the_report_list_is_what_serde_json_prints() {
        let registry = crate::format::Registry::builtin();
        let format = registry.get("gov-2021").expect("built-in format").clone();
        let cfg: SiteConfig = toml::from_str("title = \"<站点> & 年报\"").expect("site.toml");
        let labels = vec!["收到申请".to_string(), "行政复议".to_string()];
        let made = |s: Summary| Entry {
            year: s.year,
            summary: Held::Made(Box::new(s)),
            format: format.clone(),
            figures: FigureSource::Packed(Default::default()),
        };
        let lists = [
            vec![],
            vec![made(summary(2021, "pingan", "年报", Some(7)))],
            vec![
                made(summary(2020, "a", "<script>alert(1)</script>", None)),
                made(summary(2021, "b", "\"引号\"\n换行", Some(-1))),
            ],
        ];
        for entries in &lists {
            let file = reports_json(entries, &cfg, &registry, &labels);
            let text = String::from_utf8(file.bytes.clone()).expect("UTF-8");
            assert!(!text.contains('<') && !text.contains('&'), "{text}");
            let value: Json = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(
                value["reports"].as_array().map(Vec::len),
                Some(entries.len())
            );
            assert_eq!(file.bytes, super::super::pretty(&value), "{text}");
        }
    }
}
