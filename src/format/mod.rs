//! Format definitions: the official tables as data.
//!
//! A format (gov-2021, gov-2019, a provincial variant) is a TOML file that
//! lists every table, row, column, label, accepted key, the grid layout kind and
//! the identities. The built-in ones are compiled into the binary; a site may
//! add its own under `<root>/formats/`. Nothing else in nianbao spells a label.

pub mod labels;
mod registry;
mod rules;
mod table;

pub use registry::{BUILTIN, Registry};
pub use rules::{Axis, Bound, Carry, Identity, Instance, NoRules, Rollover, Stock};
pub use table::{
    BlockDef, CellRef, ColumnDef, GroupDef, Layout, RowDef, RowInfo, RowKind, TableDef, ValueKind,
};

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatDef {
    pub id: String,
    pub name: String,
    /// First and last reporting year this format is the default for.
    pub years: [u16; 2],
    /// The six official section headings, in order.
    pub sections: Vec<String>,
    /// Each section's [`labels::heading_key`], as every report's headings
    /// are matched against them.
    #[serde(skip)]
    pub section_keys: Vec<String>,
    pub tables: Vec<TableDef>,
    #[serde(default)]
    pub identities: Vec<Identity>,
    #[serde(default)]
    pub carry: Vec<Carry>,
    #[serde(default)]
    pub stock: Vec<Stock>,
    #[serde(default)]
    pub no_rules: Vec<NoRules>,
    /// Within one report, one cell of a row at most another (W12).
    #[serde(default)]
    pub bound: Vec<Bound>,
    /// Across years, a column carried forward from last year's columns (W13).
    #[serde(default)]
    pub rollover: Vec<Rollover>,
    /// The columns of the index pages and the report list. A site's own
    /// format without them takes those of the newest built-in format.
    #[serde(default)]
    pub summary: Vec<SummaryColumn>,
    /// The township page chart's two series.
    #[serde(default)]
    pub series: Option<Series>,
}

/// A column of the index pages and `data/reports.json`: its label, and the
/// cells it sums (`table.row.column`; a group row stands for its sub-rows).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryColumn {
    pub label: String,
    pub cells: Vec<String>,
}

/// Applications received and handled: the township chart's two series.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    pub received: Vec<String>,
    pub handled: Vec<String>,
}

impl FormatDef {
    /// Parse and validate a definition; errors name what is inconsistent.
    pub fn from_toml(text: &str) -> Result<FormatDef, String> {
        let mut def: FormatDef = toml::from_str(text).map_err(|e| e.to_string())?;
        for t in &mut def.tables {
            t.index()?;
        }
        def.validate()?;
        def.section_keys = def
            .sections
            .iter()
            .map(|s| labels::heading_key(s))
            .collect();
        Ok(def)
    }

    pub fn table(&self, id: &str) -> Option<(usize, &TableDef)> {
        self.tables.iter().enumerate().find(|(_, t)| t.id == id)
    }

    /// The cells a summary cell id (`table.row.column`) stands for: the
    /// table's index and the cell itself, or for a group row the cells of
    /// its sub-rows. `None` when the format lacks it.
    pub fn summary_cells(&self, id: &str) -> Option<(usize, Vec<CellRef>)> {
        let (table, rest) = id.split_once('.')?;
        let (t, def) = self.table(table)?;
        let (row_id, col_id) = rest.rsplit_once('.')?;
        let row = def.row_by_id(row_id)?;
        let rows: Vec<usize> = if def.is_group(row) {
            def.children(row).collect()
        } else {
            vec![row]
        };
        let cells = rows
            .into_iter()
            .map(|r| def.col_by_id(r, col_id).map(|col| CellRef { row: r, col }))
            .collect::<Option<Vec<CellRef>>>()?;
        Some((t, cells))
    }

    /// The cells of summary column `label`, when the format has it.
    pub fn summary_column(&self, label: &str) -> Option<&[String]> {
        self.summary
            .iter()
            .find(|c| c.label == label)
            .map(|c| c.cells.as_slice())
    }

    /// The table an authored `table=<key>` names.
    pub fn match_table(&self, key: &str) -> Option<usize> {
        let n = labels::normalized(key);
        self.tables
            .iter()
            .position(|t| t.keys_of_table().iter().any(|k| *k == n))
    }

    fn validate(&self) -> Result<(), String> {
        self.validate_identities()?;
        self.validate_summary()?;
        self.validate_rules()
    }

    /// Summary columns and chart series name cells; a typo would show “—”
    /// on every index page, so it is an error here.
    fn validate_summary(&self) -> Result<(), String> {
        let series = self.series.iter().flat_map(|s| {
            [
                ("series.received", &s.received),
                ("series.handled", &s.handled),
            ]
        });
        let columns = self.summary.iter().map(|c| (c.label.as_str(), &c.cells));
        for (name, cells) in columns.chain(series) {
            if let Some(bad) = cells.iter().find(|id| self.summary_cells(id).is_none()) {
                return Err(format!("summary {name}: unknown cell {bad}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn gov2021() -> Arc<FormatDef> {
        Registry::builtin().get("gov-2021").unwrap().clone()
    }

    #[test]
    fn builtin_definitions_load() {
        let f = gov2021();
        assert_eq!(f.tables.len(), 3);
        let (_, apps) = f.table("applications").unwrap();
        // 2 inputs + 21 leaves + total + carried_forward rows carry cells, 5 groups do not.
        assert_eq!(apps.leaves().len(), 21);
        assert_eq!(apps.ncells, 25 * 7);
        let (_, reviews) = f.table("reviews").unwrap();
        assert_eq!(reviews.ncells, 15);
    }

    #[test]
    fn rows_match_by_label_number_short_and_id() {
        let f = gov2021();
        let (_, t) = f.table("applications").unwrap();
        let new = t.row_by_id("new").unwrap();
        for key in [
            "本年新收政府信息公开申请数量",
            "一、本年新收政府信息公开申请数量",
            "本年新收",
            "new",
            "一、 本年新收政府信息公开申请数量",
        ] {
            assert_eq!(t.match_row(key, None), vec![new], "{key}");
        }
        let denied = t.row_by_id("denied").unwrap();
        let secret = t.row_by_id("denied.state_secret").unwrap();
        assert_eq!(t.match_row("1.属于国家秘密", Some(denied)), vec![secret]);
        assert_eq!(t.match_row("state_secret", Some(denied)), vec![secret]);
        assert_eq!(t.match_row("denied.state_secret", None), vec![secret]);
        let sec = t.row_by_id("denied.security_stability").unwrap();
        assert_eq!(t.match_row("危及\"三安全一稳定\"", Some(denied)), vec![sec]);
        assert_eq!(t.match_row("（三） 不予公开", None), vec![denied]);
        let partial = t.row_by_id("partial").unwrap();
        assert_eq!(t.match_row("部分公开", None), vec![partial]);
        assert_eq!(
            t.match_row(
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                None
            ),
            vec![partial]
        );
        // "其他" inside 其他处理 is the leaf, never the column.
        let oh = t.row_by_id("other_handling").unwrap();
        let other = t.row_by_id("other_handling.other").unwrap();
        assert_eq!(t.match_row("其他", Some(oh)), vec![other]);
        assert!(t.match_row("不存在的行", None).is_empty());
    }

    #[test]
    fn columns_and_tables_match() {
        let f = gov2021();
        assert_eq!(f.match_table("依申请公开"), f.match_table("applications"));
        assert_eq!(f.match_table("ACTIVE"), Some(0));
        let (_, t) = f.table("applications").unwrap();
        let new = t.row_by_id("new").unwrap();
        assert_eq!(t.match_col(new, "自然人"), Some(0));
        assert_eq!(t.match_col(new, "legal_service"), Some(4));
        assert_eq!(t.match_col(new, "总计"), Some(6));
        let (_, a) = f.table("active").unwrap();
        let norm = a.match_row("规范性文件", None);
        assert_eq!(norm, vec![a.row_by_id("normative_docs").unwrap()]);
    }

    #[test]
    fn labels_for_messages() {
        let f = gov2021();
        let (_, t) = f.table("applications").unwrap();
        let total = t.row_by_id("total").unwrap();
        assert_eq!(
            t.cell_labels(CellRef { row: total, col: 0 }),
            [
                "三、本年度办理结果（七）总计".to_string(),
                "自然人".to_string()
            ]
        );
        let (_, r) = f.table("reviews").unwrap();
        assert_eq!(
            r.cell_labels(CellRef { row: 2, col: 4 }),
            ["行政诉讼·复议后起诉".to_string(), "总计".to_string()]
        );
        assert_eq!(
            t.cell_id(CellRef { row: total, col: 6 }),
            "applications.total.total"
        );
    }

    #[test]
    fn format_for_year() {
        let r = Registry::builtin();
        assert_eq!(r.for_year(2021).unwrap().id, "gov-2021");
        assert_eq!(r.for_year(2030).unwrap().id, "gov-2021");
        assert_eq!(r.for_year(2019).unwrap().id, "gov-2019");
        assert_eq!(r.for_year(2020).unwrap().id, "gov-2019");
    }
}
