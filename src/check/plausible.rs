//! Plausibility warnings within one report: W4 (规章 reported by a body that
//! cannot make them), W9 (published after the statutory deadline), W12
//! (gov-2019 §6.4: newly published at most all published).
//!
//! The rows and columns come from the format definition (`[[no_rules]]`,
//! `[[bound]]`); the kind of body from front matter `body_kind`, else from
//! `site.toml` `body_kind`, else a township (nianbao's sites are township
//! report archives; a township has no rule-making power and no statutory
//! publication date of its own).

use crate::config::SiteConfig;
use crate::content::Report;
use crate::content::meta::{BodyKind, Date};
use crate::diag::{Diagnostic, Msg};
use crate::format::CellRef;

/// The kind of body that wrote `report`, and whether it was stated anywhere.
pub fn body_kind(report: &Report, config: &SiteConfig) -> (BodyKind, bool) {
    match report.meta.body_kind.or(config.body_kind) {
        Some(k) => (k, true),
        None => (BodyKind::Township, false),
    }
}

/// W4: a township (or a report whose kind is unknown, read as a township)
/// reporting 规章. Rule-making power belongs to State Council departments and
/// to provincial, districted-city and autonomous-prefecture governments
/// (gov-2021.md §6.3), so only `department` and `government` are exempt.
pub fn no_rules(report: &Report, config: &SiteConfig) -> Vec<Diagnostic> {
    let (kind, stated) = body_kind(report, config);
    if kind != BodyKind::Township {
        return Vec::new();
    }
    let mut out = Vec::new();
    for rule in &report.format.no_rules {
        let Some((def, data)) = report.table(&rule.table) else {
            continue;
        };
        let Some(row) = def.row_by_id(&rule.row) else {
            continue;
        };
        let cols = def.columns_of(row).len();
        let Some((col, cell)) = (0..cols).find_map(|col| {
            data.cell(def, CellRef { row, col })
                .filter(|c| !c.value.is_zero())
                .map(|c| (col, c))
        }) else {
            continue;
        };
        let labels = def.cell_labels(CellRef { row, col });
        let why = if stated {
            "乡镇人民政府、街道办事处"
        } else {
            "乡镇人民政府、街道办事处（未写 body_kind，按乡镇处理）"
        };
        out.push(
            Diagnostic::warning(
                "W4",
                Msg::new(
                    format!("{why}没有制定规章的权限，「{}」一行应为 0，这里写的是 {}", def.row_label(row), cell.value),
                    format!("a township has no power to make 规章 (rules), so the row “{}” should be 0; found {}", def.row_label(row), cell.value),
                ),
            )
            .at(&report.file, cell.loc().or_else(|| data.row_locs.get(row).copied().flatten()))
            .labels(labels)
            .expected_found(0, &cell.value)
            .hint(Msg::new(
                "规章只由国务院部门和省、设区的市、自治州人民政府制定；乡镇的文件是行政规范性文件。若报告机关确有此权限，在 front matter 写 body_kind: government",
                "only State Council departments and provincial, districted-city and prefecture governments make 规章; a township's documents are 行政规范性文件. If this body has the power, write `body_kind: government` in the front matter",
            )),
        );
    }
    out
}

/// The last day a report for `year` may be published (Regulation Art. 49).
pub fn deadline(kind: BodyKind, year: u16) -> Option<Date> {
    let next = year.checked_add(1)?;
    match kind {
        BodyKind::Department => Some(Date {
            year: next,
            month: 1,
            day: 31,
        }),
        BodyKind::Government => Some(Date {
            year: next,
            month: 3,
            day: 31,
        }),
        // No statutory date for townships: the county sets it.
        BodyKind::Township => None,
    }
}

/// W9: published after the statutory deadline.
pub fn late(report: &Report, config: &SiteConfig) -> Vec<Diagnostic> {
    let (kind, _) = body_kind(report, config);
    let (Some(published), Some(due)) = (report.meta.published, deadline(kind, report.meta.year))
    else {
        return Vec::new();
    };
    if published <= due {
        return Vec::new();
    }
    let (who_zh, who_en) = match kind {
        BodyKind::Department => (
            "县级以上人民政府部门应在每年 1 月 31 日前",
            "departments of governments at county level and above publish by 31 January",
        ),
        _ => (
            "县级以上地方人民政府应在每年 3 月 31 日前",
            "local governments at county level and above publish by 31 March",
        ),
    };
    vec![
        Diagnostic::warning(
            "W9",
            Msg::new(format!("发布日期 {published} 晚于法定期限 {due}（《政府信息公开条例》第四十九条：{who_zh}公布上一年度的年度报告）"), format!("published {published}, after the statutory deadline {due} (Regulation Art. 49: {who_en})")),
        )
        .at(&report.file, report.meta.loc("published"))
        .expected_found(format!("≤ {due}"), published)
        .hint(Msg::new("若日期写错了，请改正；若确实逾期发布，可在 site.toml 的 [check] 中写 W9 = \"off\"", "if the date is a typo, correct it; if the report was indeed late, set W9 = \"off\" under [check] in site.toml")),
    ]
}

/// W12: one cell of a row at most another (`[[bound]]` in the format definition).
pub fn bounds(report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &report.format.bound {
        let Some((def, data)) = report.table(&rule.table) else {
            continue;
        };
        if data.written.is_none() {
            continue;
        }
        for row_id in &rule.rows {
            let Some(row) = def.row_by_id(row_id) else {
                continue;
            };
            let (Some(lc), Some(rc)) =
                (def.col_by_id(row, &rule.lhs), def.col_by_id(row, &rule.rhs))
            else {
                continue;
            };
            let (l, r) = (
                data.int(def, CellRef { row, col: lc }),
                data.int(def, CellRef { row, col: rc }),
            );
            let unread = [lc, rc]
                .iter()
                .any(|&col| data.unreadable.contains(&CellRef { row, col }));
            if l <= r || unread {
                continue;
            }
            let cols = def.columns_of(row);
            let (lname, rname) = (
                cols.get(lc).map_or("", |c| c.label.as_str()),
                cols.get(rc).map_or("", |c| c.label.as_str()),
            );
            let at = data
                .cell(def, CellRef { row, col: lc })
                .and_then(|c| c.loc())
                .or_else(|| data.row_locs.get(row).copied().flatten());
            out.push(
                Diagnostic::warning(
                    "W12",
                    Msg::new(format!("「{lname}」{l} 大于「{rname}」{r}：本年新公开的不会多于公开的总数"), format!("“{lname}” {l} exceeds “{rname}” {r}: what was newly published cannot exceed all that is published")),
                )
                .at(&report.file, at)
                .labels(def.cell_labels(CellRef { row, col: lc }))
                .expected_found(format!("≤ {r}"), l)
                .hint(Msg::new(format!("「{rname}」是截至年底对外公开的全部文件，应包括本年新公开的"), format!("“{rname}” counts every document published by year end, including this year's"))),
            );
        }
    }
    out
}
