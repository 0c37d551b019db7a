//! Checks across reports: two files for one (township, year) (E050), and the
//! cross-year warnings of the same township slug, each naming both files:
//! W1 (`[[carry]]`), W2/W3 (`[[stock]]`), W13 (`[[rollover]]`), W7 (a report
//! identical to the previous one).
//!
//! Rules come from the *later* year's format definition; the earlier report
//! is read through its own definition by row and column id, so a 2020
//! (gov-2019) → 2021 (gov-2021) pair is compared wherever both have the cell.

use std::collections::BTreeMap;

use crate::content::{Named, Report};
use crate::diag::{Diagnostic, Loc, Msg};
use crate::format::{CellRef, TableDef};

use super::severity::known;

/// What identifies a report besides its file: the URL name, the township
/// (within its region) and the reporting organ, each with the year. A second
/// file with any of them the same would be counted twice in every total. A
/// kind (0 URL name, 1 township in its region, 2 organ) keeps a report's own
/// keys apart when they coincide (a slug equal to its organ's name is still
/// one report).
fn identity_keys(r: &impl Named) -> [(u8, &str, &str, u16); 3] {
    let m = r.meta();
    let region = m.region.as_deref().unwrap_or("");
    [
        (0, m.slug.as_str(), "", m.year),
        (1, region, m.township.as_str(), m.year),
        (2, m.organ.as_str(), "", m.year),
    ]
}

/// Whether two of `reports` are one report ([`duplicates`] would say
/// something): a quick pass over borrowed keys, in any order.
pub fn has_duplicates<R: Named>(reports: &[R]) -> bool {
    // FxHash, not SipHash: 150,000 keys at 50,000 reports.
    let mut seen: rustc_hash::FxHashSet<(u8, &str, &str, u16)> =
        rustc_hash::FxHashSet::with_capacity_and_hasher(reports.len() * 3, Default::default());
    reports
        .iter()
        .any(|r| !identity_keys(r).into_iter().all(|k| seen.insert(k)))
}

/// Whether `one`, a report of `reports`, is one report with another of
/// them: what a save can have done to a site that had no duplicates (the
/// watcher's check after each save, one pass without hashing).
pub fn collides<R: Named>(one: &R, reports: &[R]) -> bool {
    let mine = identity_keys(one);
    let year = one.meta().year;
    reports.iter().any(|r| {
        !std::ptr::eq(r, one)
            && r.meta().year == year
            && identity_keys(r).iter().zip(&mine).any(|(a, b)| a == b)
    })
}

/// Two files for the same township (or organ, or URL name) and year: an
/// error naming both. `reports` in file order (the first file is "the
/// other one"). This looks across townships: a second file under another
/// URL name still counts twice in every total.
pub fn duplicates<R: Named>(reports: &[R]) -> Vec<Diagnostic> {
    if !has_duplicates(reports) {
        return Vec::new();
    }
    let mut seen: BTreeMap<(u8, &str, &str, u16), &R> = BTreeMap::new();
    let mut out = Vec::new();
    for r in reports {
        let keys = identity_keys(r);
        match keys.iter().find_map(|k| seen.get(k)) {
            Some(first) => out.push(
                Diagnostic::error(
                    "E050",
                    Msg::new(
                        format!(
                            "{} {} 年度的报告有两份：{} 和 {}",
                            r.meta().township,
                            r.meta().year,
                            first.file().rel,
                            r.file().rel
                        ),
                        format!(
                            "two reports for {} {}: {} and {}",
                            r.meta().township,
                            r.meta().year,
                            first.file().rel,
                            r.file().rel
                        ),
                    ),
                )
                .at(r.file(), r.meta().loc("year"))
                .related(
                    first.file(),
                    first.meta().loc("year"),
                    Msg::new("另一份在这里", "the other one is here"),
                ),
            ),
            None => {
                for k in keys {
                    seen.insert(k, r);
                }
            }
        }
    }
    out
}

/// A cell of a report found by ids: value and where it was written.
struct Found<'a> {
    report: &'a Report,
    def: &'a TableDef,
    at: CellRef,
}

impl<'a> Found<'a> {
    fn get(report: &'a Report, table: &str, row: &str, col: &str) -> Option<Found<'a>> {
        let (def, data) = report.table(table)?;
        data.written?;
        let r = def.row_by_id(row)?;
        let c = def.col_by_id(r, col)?;
        // A figure that could not be read was reported already; comparing its 0 says nothing.
        if data.unreadable.contains(&CellRef { row: r, col: c }) {
            return None;
        }
        Some(Found {
            report,
            def,
            at: CellRef { row: r, col: c },
        })
    }
    fn int(&self) -> i128 {
        self.report
            .table(&self.def.id)
            .map_or(0, |(_, data)| data.int(self.def, self.at))
    }
    /// Where to point: the cell, else its row key, else the table key.
    fn loc(&self) -> Option<Loc> {
        let (_, data) = self.report.table(&self.def.id)?;
        data.cell(self.def, self.at)
            .and_then(|c| c.loc())
            .or_else(|| data.row_locs.get(self.at.row).copied().flatten())
            .or(data.written)
    }
    fn labels(&self) -> [String; 2] {
        self.def.cell_labels(self.at)
    }
    fn computed(&self) -> bool {
        self.def
            .columns_of(self.at.row)
            .get(self.at.col)
            .is_some_and(|c| c.computed)
    }
    fn name(&self) -> String {
        let [r, c] = self.labels();
        format!("「{r}」×「{c}」")
    }
}

/// The cross-year warnings for every township with reports in consecutive years.
pub fn years(reports: &[Report]) -> Vec<Diagnostic> {
    // First report per (slug, year); a duplicate is reported by `duplicates`.
    let mut by: BTreeMap<(&str, u16), &Report> = BTreeMap::new();
    for r in reports {
        by.entry((r.meta.slug.as_str(), r.meta.year)).or_insert(r);
    }
    let mut out = Vec::new();
    for (&(slug, year), &cur) in &by {
        if let Some(&prev) = year.checked_sub(1).and_then(|y| by.get(&(slug, y))) {
            out.extend(carry(cur, prev));
            out.extend(stock(cur, prev));
            out.extend(rollover(cur, prev));
        }
        // W7 looks at the nearest earlier report, which need not be last year's.
        if let Some((_, &prev)) = by.range((slug, 0)..(slug, year)).next_back() {
            out.extend(identical(cur, prev));
        }
    }
    out
}

/// W1: this year's carried-over row equals last year's carried-forward row.
fn carry(cur: &Report, prev: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &cur.format.carry {
        let code = known(&rule.id).unwrap_or("W1");
        let Some((def, _)) = cur.table(&rule.table) else {
            continue;
        };
        let Some(row) = def.row_by_id(&rule.row) else {
            continue;
        };
        let mut plain_failed = false;
        let cols: Vec<(String, bool)> = def
            .columns_of(row)
            .iter()
            .map(|c| (c.id.clone(), c.computed))
            .collect();
        // Plain columns first; a total column only when they all agree (one cause, one message).
        let ordered = cols
            .iter()
            .filter(|(_, c)| !c)
            .chain(cols.iter().filter(|(_, c)| *c));
        for (col, computed) in ordered {
            if *computed && plain_failed {
                continue;
            }
            let (Some(now), Some(then)) = (
                Found::get(cur, &rule.table, &rule.row, col),
                Found::get(prev, &rule.table, &rule.from_row, col),
            ) else {
                continue;
            };
            let (a, b) = (now.int(), then.int());
            if a == b {
                continue;
            }
            plain_failed |= !now.computed();
            let [row_label, col_label] = now.labels();
            let then_name = then.name();
            out.push(
                Diagnostic::warning(
                    code,
                    Msg::new(
                        format!("本年「{row_label}」为 {a}，而 {} 年报告的{then_name}为 {b}，两者应相等", prev.meta.year),
                        format!("this year's carried-over figure is {a}, but the {} report carried forward {b}", prev.meta.year),
                    ),
                )
                .at(&cur.file, now.loc())
                .labels([row_label, col_label])
                .expected_found(b, a)
                .related(&prev.file, then.loc(), Msg::new(format!("{} 年报告写的是 {b}", prev.meta.year), format!("the {} report has {b}", prev.meta.year)))
                .hint(Msg::new(
                    "上年结转的申请就是上一年度报告中「结转下年度继续办理」的申请；若机构合并、拆分或上年报告已更正，可忽略",
                    "applications carried over are those the previous report carried forward; ignore this after a merger, a split or a corrected report",
                )),
            );
        }
    }
    out
}

/// W2: in force now = in force last year + issued − repealed. W3: repealed ≤
/// in force last year + issued.
fn stock(cur: &Report, prev: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &cur.format.stock {
        for row in &rule.rows {
            let t = rule.table.as_str();
            let (Some(now), Some(inflow), Some(outflow), Some(then)) = (
                Found::get(cur, t, row, &rule.stock),
                Found::get(cur, t, row, &rule.inflow),
                Found::get(cur, t, row, &rule.outflow),
                Found::get(prev, t, row, &rule.stock),
            ) else {
                continue;
            };
            let (s, i, o, p) = (now.int(), inflow.int(), outflow.int(), then.int());
            let related = Msg::new(
                format!("{} 年报告的{}为 {p}", prev.meta.year, then.name()),
                format!("the {} report has {p} in force", prev.meta.year),
            );
            if o > p + i {
                out.push(
                    Diagnostic::warning(
                        "W3",
                        Msg::new(
                            format!("本年废止 {o} 件，多于上年现行有效 {p} 件与本年制发 {i} 件之和 {}", p + i),
                            format!("{o} repealed this year, more than the {p} in force last year plus {i} issued ({})", p + i),
                        ),
                    )
                    .at(&cur.file, outflow.loc())
                    .labels(outflow.labels())
                    .expected_found(format!("≤ {}", p + i), o)
                    .related(&prev.file, then.loc(), related.clone()),
                );
            }
            if s != p + i - o {
                out.push(
                    Diagnostic::warning(
                        "W2",
                        Msg::new(
                            format!("现行有效应为上年 {p} + 本年制发 {i} − 本年废止 {o} = {}，写的是 {s}", p + i - o),
                            format!("in force should be last year's {p} + {i} issued − {o} repealed = {}, found {s}", p + i - o),
                        ),
                    )
                    .at(&cur.file, now.loc())
                    .labels(now.labels())
                    .expected_found(p + i - o, s)
                    .related(&prev.file, then.loc(), related)
                    .hint(Msg::new(
                        "文件因有效期届满失效、修改计为制发、机构调整或集中清理时可能不符；若属此类情况可忽略",
                        "documents expiring by their term, amendments counted as issued, reorganisations or clean-ups explain a difference; ignore it then",
                    )),
                );
            }
        }
    }
    out
}

/// W13 (gov-2019 §6.4): this year's `column` = last year's `from` columns summed.
fn rollover(cur: &Report, prev: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &cur.format.rollover {
        for row in &rule.rows {
            let Some(now) = Found::get(cur, &rule.table, row, &rule.column) else {
                continue;
            };
            let then: Option<Vec<Found>> = rule
                .from
                .iter()
                .map(|c| Found::get(prev, &rule.table, row, c))
                .collect();
            let Some(then) = then else { continue };
            let want: i128 = then.iter().map(Found::int).sum();
            let a = now.int();
            if a == want {
                continue;
            }
            let parts: Vec<String> = then
                .iter()
                .map(|f| format!("{} {}", f.labels()[1], f.int()))
                .collect();
            let [row_label, col_label] = now.labels();
            let mut d = Diagnostic::warning(
                "W13",
                Msg::new(
                    format!("本年「{col_label}」为 {a}，而 {} 年报告的 {} 合计为 {want}，两者应相等", prev.meta.year, parts.join(" + ")),
                    format!("this year's “{col_label}” is {a}, but the {} report gives {} = {want}", prev.meta.year, parts.join(" + ")),
                ),
            )
            .at(&cur.file, now.loc())
            .labels([row_label, col_label])
            .expected_found(want, a)
            .hint(Msg::new("上一年项目数量 = 上年报告的上一年项目数量 + 上年报告的本年增/减（减少写负数）", "last year's item count = the previous report's item count + its change (a decrease is negative)"));
            if let Some(first) = then.first() {
                d = d.related(
                    &prev.file,
                    first.loc(),
                    Msg::new(
                        format!("{} 年报告在这里", prev.meta.year),
                        format!("the {} report is here", prev.meta.year),
                    ),
                );
            }
            out.push(d);
        }
    }
    out
}

/// W7: every table identical to the same body's previous report (a copied
/// report), unless all figures are zero (an idle township legitimately
/// reports zeros year after year).
fn identical(cur: &Report, prev: &Report) -> Vec<Diagnostic> {
    if cur.format.id != prev.format.id || cur.tables.len() != prev.tables.len() {
        return Vec::new();
    }
    let all_written = |r: &Report| r.tables.iter().all(|t| t.written.is_some());
    if !all_written(cur) || !all_written(prev) {
        return Vec::new();
    }
    let same = cur.tables.iter().zip(&prev.tables).all(|(a, b)| {
        a.cells.len() == b.cells.len()
            && a.cells
                .iter()
                .zip(&b.cells)
                .all(|(x, y)| x.value == y.value)
    });
    let all_zero = cur
        .tables
        .iter()
        .all(|t| t.cells.iter().all(|c| c.value.is_zero()));
    if !same || all_zero {
        return Vec::new();
    }
    vec![
        Diagnostic::warning(
            "W7",
            Msg::new(
                format!("三张表格的每个数字都与 {} 年报告（{}）相同：是否照抄了上一年的报告？", prev.meta.year, prev.file.rel),
                format!("every figure of the three tables equals the {} report ({}): was last year's report copied?", prev.meta.year, prev.file.rel),
            ),
        )
        .at(&cur.file, cur.meta.loc("year"))
        .related(&prev.file, prev.meta.loc("year"), Msg::new(format!("{} 年报告", prev.meta.year), format!("the {} report", prev.meta.year)))
        .hint(Msg::new("年度报告应填写本年度的数据；雷同的报告可能被追责（《条例》第四十七条）", "a report gives this year's figures; a copied report may lead to accountability (Regulation Art. 47)")),
    ]
}
