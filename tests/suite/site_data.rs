//! Open data of a built site: report.json, the year CSVs, the field
//! dictionary, reports.json and datapackage.json round-trip every figure.

use crate::support::site_common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::support::SUMMARY;
use nianbao::content::{Origin, Report};
use nianbao::format::CellRef;
use nianbao::site::summary_value;
use serde_json::Value as Json;
use site_common::{BASE_URL, Built, sel, text};

/// A 2022 report still on the 2019 tables (seen in the wild): the 2022 files mix formats.
const LATE_2019: &str = "---
organ: 大洼区新村镇人民政府
township: 新村镇
slug: xincun
region: 大洼区
year: 2022
format: gov-2019
published: 2023-02-10
---

## 一、总体情况

按要求公开。

## 二、主动公开政府信息情况

```yaml table=active
规章:                   [~, 0, 0]
规范性文件:             [1, 1, 4]
行政许可:               [10, 3, 21]
政府集中采购:           [2, 12.5万元]
```

## 三、收到和处理政府信息公开申请情况

```yaml table=applications
本年新收:           [2, 0, 0, 0, 0, 0, 2]
予以公开:           [2, 0, 0, 0, 0, 0, 2]
```

## 四、政府信息公开行政复议、行政诉讼情况

```yaml table=reviews
行政复议:          [0, 1, 0, 0]
```

## 五、存在的主要问题及改进情况

无

## 六、其他需要报告的事项

无
";

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        site_common::build("site_data", |root| {
            std::fs::write(root.join("content/2022/xincun.md"), LATE_2019).unwrap();
        })
    })
}

/// Every cell of a report: (id, labels, text as the CSV prints it, blank, computed).
fn cells(r: &Report) -> Vec<(String, [String; 2], String, bool, bool)> {
    let mut out = Vec::new();
    for (def, data) in r.format.tables.iter().zip(&r.tables) {
        for row in 0..def.rows.len() {
            if def.is_group(row) {
                continue;
            }
            for col in 0..def.columns_of(row).len() {
                let at = CellRef { row, col };
                let c = data.cell(def, at).unwrap();
                let blank = matches!(c.origin, Origin::Blank(_));
                let text = if blank {
                    String::new()
                } else {
                    c.value.to_string()
                };
                out.push((
                    def.cell_id(at),
                    def.cell_labels(at),
                    text,
                    blank,
                    matches!(c.origin, Origin::Computed),
                ));
            }
        }
    }
    out
}

fn json(s: &Built, path: &str) -> Json {
    serde_json::from_str(&s.read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn report_json_round_trips_every_figure() {
    let s = site();
    let mut blanks = 0;
    let mut computed = 0;
    for r in s.reports() {
        let path = format!("{}/{}/report.json", r.meta.year, r.meta.slug);
        let doc = json(s, &path);
        assert_eq!(doc["format"]["id"], r.format.id.as_str());
        assert_eq!(doc["year"], r.meta.year);
        assert_eq!(
            doc["url"],
            format!("{BASE_URL}{}/{}/index.html", r.meta.year, r.meta.slug).as_str()
        );
        // Rebuild each figure's id (`table.row.column`), value and origin
        // from the arrays alone: a row's `cells` follow its block's `columns`.
        let mut got: BTreeMap<String, (Json, bool, bool)> = BTreeMap::new();
        for t in doc["tables"].as_array().unwrap() {
            let tid = t["id"].as_str().unwrap();
            for block in t["blocks"].as_array().unwrap() {
                let cols: Vec<&str> = block["columns"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["id"].as_str().unwrap())
                    .collect();
                for row in block["rows"].as_array().unwrap() {
                    let rid = row["id"].as_str().unwrap();
                    let listed = |k: &str, col: &str| {
                        row[k]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|x| x == col))
                    };
                    let values = row["cells"].as_array().unwrap();
                    assert!(
                        values.is_empty() || values.len() == cols.len(),
                        "{path} {rid}"
                    );
                    for (col, v) in cols.iter().zip(values) {
                        got.insert(
                            format!("{tid}.{rid}.{col}"),
                            (v.clone(), listed("blank", col), listed("computed", col)),
                        );
                    }
                }
            }
        }
        let expected = cells(r);
        assert_eq!(got.len(), expected.len(), "{path}: one entry per cell");
        for (id, _labels, text, blank, comp) in expected {
            let (v, b, c) = got.get(&id).unwrap_or_else(|| panic!("{path}: no {id}"));
            assert_eq!(*b, blank, "{path} {id}");
            assert_eq!(*c, comp, "{path} {id}");
            if blank {
                assert!(v.is_null(), "{path} {id}: a blank cell is null");
                blanks += 1;
            } else {
                // The value: a number for counts, the written text for amounts.
                let shown = v
                    .as_i64()
                    .map(|n| n.to_string())
                    .or_else(|| v.as_str().map(str::to_string))
                    .unwrap();
                assert_eq!(shown, text, "{path} {id}");
            }
            computed += usize::from(comp);
        }
    }
    assert!(
        blanks >= 1 && computed >= 1,
        "the fixtures exercise blank and computed cells ({blanks}, {computed})"
    );
    let doc = json(s, "2022/xincun/report.json");
    let active = &doc["tables"][0];
    let procurement = active["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["rows"][0]["id"] == "procurement")
        .unwrap();
    assert_eq!(
        (
            procurement["rows"][0]["cells"][1].as_str(),
            procurement["columns"][1]["label"].as_str(),
            procurement["columns"][1]["kind"].as_str()
        ),
        (
            Some("12.5万元"),
            Some("采购总金额"),
            Some("amount_with_unit")
        )
    );
    // Linked from the report page.
    let page = s.html("2022/xincun/index.html");
    assert!(
        page.select(&sel("a"))
            .any(|a| a.value().attr("href") == Some("../../2022/xincun/report.json"))
    );
}

#[test]
fn year_csvs_round_trip_every_figure() {
    let s = site();
    for (year, reports) in s.by_year() {
        let path = format!("data/{year}.csv");
        let bytes = s.bytes(&path);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{path}: UTF-8 BOM");
        let mut rdr = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(
            &header[..8],
            [
                "year",
                "township",
                "slug",
                "organ",
                "region",
                "published",
                "format",
                "url"
            ]
        );
        let records: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), reports.len(), "{path}: one row per report");
        for rec in &records {
            let row: BTreeMap<&str, &str> =
                header.iter().map(String::as_str).zip(rec.iter()).collect();
            let r = reports
                .iter()
                .find(|r| r.meta.slug == row["slug"])
                .unwrap_or_else(|| panic!("{path}: unknown slug {}", row["slug"]));
            assert_eq!(
                (row["year"], row["township"], row["format"]),
                (
                    year.to_string().as_str(),
                    r.meta.township.as_str(),
                    r.format.id.as_str()
                )
            );
            let own = cells(r);
            for (id, _, text, _, _) in &own {
                assert_eq!(
                    row.get(id.as_str()).copied(),
                    Some(text.as_str()),
                    "{path} {} {id}",
                    r.meta.slug
                );
            }
            // Cells of another format are empty, never 0.
            for (id, v) in &row {
                if id.contains('.') && !own.iter().any(|(o, ..)| o == id) {
                    assert_eq!(
                        *v, "",
                        "{path} {} {id}: not in {}",
                        r.meta.slug, r.format.id
                    );
                }
            }
        }
    }
    // 2020 follows gov-2019 only; 2022 has both formats' columns.
    let h2020 = s.read("data/2020.csv");
    assert!(
        h2020.contains("active.rules.new_made")
            && h2020.contains("active.procurement.amount")
            && !h2020.contains("active.rules.issued")
    );
    let h2022 = s.read("data/2022.csv");
    assert!(h2022.contains("active.rules.new_made") && h2022.contains("active.rules.issued"));
}

#[test]
fn organ_names_with_commas_and_quotes_are_quoted() {
    let s = site_common::build("site_data_quoting", |root| {
        let p = root.join("content/2023/anping.md");
        let t = std::fs::read_to_string(&p).unwrap().replace(
            "organ: 盘山县安平镇人民政府",
            "organ: \"盘山县安平镇人民政府, \\\"试点\\\"\"",
        );
        std::fs::write(&p, t).unwrap();
    });
    let bytes = s.bytes("data/2023.csv");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains("\"盘山县安平镇人民政府, \"\"试点\"\"\""),
        "RFC 4180 quoting"
    );
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let organs: Vec<String> = rdr.records().map(|r| r.unwrap()[3].to_string()).collect();
    assert!(organs.contains(&"盘山县安平镇人民政府, \"试点\"".to_string()));
}

#[test]
fn datapackage_describes_each_csv_and_its_format() {
    let s = site();
    let pkg = json(s, "datapackage.json");
    let resources = pkg["resources"].as_array().unwrap();
    for year in s.by_year().keys() {
        let res = resources
            .iter()
            .find(|r| r["path"] == format!("data/{year}.csv").as_str())
            .unwrap_or_else(|| panic!("no resource for {year}"));
        assert_eq!(res["encoding"], "utf-8-sig");
        let names: Vec<&str> = res["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let bytes = s.bytes(&format!("data/{year}.csv"));
        let mut rdr = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(names, header, "{year}: schema fields are the CSV columns");
        let formats: Vec<&str> = res["nianbao:formats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        let expected: &[&str] = match year {
            2020 => &["gov-2019"],
            2022 => &["gov-2021", "gov-2019"],
            _ => &["gov-2021"],
        };
        assert_eq!(formats, expected, "{year}");
        assert!(res["description"].as_str().unwrap().contains(expected[0]));
    }
    let r2022 = resources
        .iter()
        .find(|r| r["path"] == "data/2022.csv")
        .unwrap();
    let marked = r2022["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "active.procurement.amount")
        .unwrap();
    assert!(
        marked["description"]
            .as_str()
            .unwrap()
            .contains("仅 gov-2019"),
        "format-specific columns are marked"
    );
    // The dictionary names every cell of both formats with its official labels.
    let bytes = s.bytes("data/fields.csv");
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let dict: BTreeMap<(String, String), (String, String)> = rdr
        .records()
        .map(|r| r.unwrap())
        .map(|r| {
            (
                (r[0].to_string(), r[1].to_string()),
                (r[3].to_string(), r[4].to_string()),
            )
        })
        .collect();
    for r in s.reports() {
        for (id, [row, col], ..) in cells(r) {
            assert_eq!(
                dict.get(&(r.format.id.clone(), id.clone())),
                Some(&(row, col)),
                "{} {id}",
                r.format.id
            );
        }
    }
}

#[test]
fn reports_json_lists_every_report_with_its_summary() {
    let s = site();
    let doc = json(s, "data/reports.json");
    let list = doc["reports"].as_array().unwrap();
    assert_eq!(list.len(), s.reports().count());
    for r in s.reports() {
        let e = list
            .iter()
            .find(|e| e["slug"] == r.meta.slug.as_str() && e["year"] == r.meta.year)
            .unwrap();
        assert_eq!(
            e["data"],
            format!("{BASE_URL}{}/{}/report.json", r.meta.year, r.meta.slug).as_str()
        );
        for (label, cells) in SUMMARY.iter() {
            assert_eq!(
                e["summary"][*label].as_i64().map(i128::from),
                summary_value(r, cells),
                "{} {label}",
                r.meta.slug
            );
        }
    }
}

#[test]
fn a_mixed_year_page_says_which_format_each_report_follows() {
    let s = site();
    let doc = s.html("2022/index.html");
    let heads: Vec<String> = doc
        .select(&sel("table.summary-table thead th"))
        .map(text)
        .collect();
    assert!(heads.contains(&"报告格式".to_string()));
    let row = doc
        .select(&sel("table.summary-table tbody tr"))
        .find(|tr| tr.text().any(|t| t.contains("新村镇")))
        .unwrap();
    // In words (the notice that set the format), not the internal id.
    assert!(
        row.select(&sel("td"))
            .any(|td| text(td) == "国办公开办函〔2019〕60号")
    );
}

#[test]
fn summary_columns_lead_to_real_csv_columns_that_sum_to_every_summary() {
    let s = site();
    let list: Json = serde_json::from_slice(&s.bytes("data/reports.json")).unwrap();
    let columns = list["summary_columns"].as_array().unwrap();
    assert!(!columns.is_empty());
    let mut checked = 0;
    for report in list["reports"].as_array().unwrap() {
        let year = report["year"].as_u64().unwrap();
        let format = report["format"].as_str().unwrap();
        let csv = s.read(&format!("data/{year}.csv"));
        let mut rdr = csv::Reader::from_reader(csv.as_bytes());
        let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        let row = rdr
            .records()
            .map(|r| r.unwrap())
            .find(|r| {
                let slug = headers.iter().position(|h| h == "slug").unwrap();
                r.get(slug) == report["slug"].as_str()
            })
            .unwrap_or_else(|| panic!("{year}: no CSV row for {}", report["slug"]));
        for col in columns {
            let label = col["label"].as_str().unwrap();
            let want = &report["summary"][label];
            let Some(ids) = col["columns"][format].as_array() else {
                assert!(
                    want.is_null(),
                    "{label}: no columns for {format} but a value"
                );
                continue;
            };
            let mut sum = 0i64;
            for id in ids {
                let id = id.as_str().unwrap();
                let i = headers
                    .iter()
                    .position(|h| h == id)
                    .unwrap_or_else(|| panic!("{label}: {id} is not a column of data/{year}.csv"));
                sum += row.get(i).unwrap().parse::<i64>().unwrap_or(0);
            }
            if !ids.is_empty() {
                assert_eq!(
                    Some(sum),
                    want.as_i64(),
                    "{year} {} {label}",
                    report["slug"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} values checked");
}

#[test]
fn report_json_keeps_the_form_s_order_headers_and_notes() {
    let s = site();
    let doc = json(s, "2021/pingan/report.json");
    let apps = &doc["tables"][1]["blocks"][0];
    let ids: Vec<&str> = apps["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "natural_person",
            "commercial",
            "research",
            "public_interest",
            "legal_service",
            "other",
            "total"
        ]
    );
    assert_eq!(apps["column_header"], "申请人情况");
    assert_eq!(apps["column_groups"][0]["label"], "法人或其他组织");
    assert_eq!(
        apps["column_groups"][0]["columns"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert!(apps["corner"].as_str().unwrap().contains("勾稽关系"));
    let rows: Vec<&str> = apps["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(&rows[..4], ["new", "carried_over", "results", "granted"]);
    assert_eq!(
        apps["rows"][2]["cells"],
        serde_json::json!([]),
        "a group row has no figures"
    );
    // The reviews table is printed as one row of column groups: its layout
    // and each row's group say how to rebuild that from the 3×5 rows.
    let reviews = &doc["tables"][2];
    assert_eq!(reviews["layout"], "transposed");
    let groups: Vec<Json> = reviews["blocks"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["group"].clone())
        .collect();
    assert_eq!(
        groups,
        [
            Json::Null,
            Json::from("litigation"),
            Json::from("litigation")
        ]
    );
    assert_eq!(
        reviews["blocks"][0]["column_groups"][0]["label"],
        "行政诉讼"
    );
}
