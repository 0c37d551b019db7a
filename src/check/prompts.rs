//! Text an author was meant to replace, and a year that contradicts its
//! folder: two ways a report is published wrong without a figure being off.

use crate::content::Report;
use crate::diag::{Diagnostic, Loc, Msg};

/// What every prompt that `nianbao new` and `init` write starts with, so a
/// prompt left in the prose is recognised (W16).
pub const MARK: &str = "【待填写】";

/// The prompt under each of the six sections (empty: the table says it).
pub const PROMPTS: [&str; 6] = [
    "【待填写】概述本年度贯彻落实《条例》的情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障。",
    "",
    "",
    "",
    "【待填写】写明本年度工作存在的主要问题，以及上年度问题的改进情况。",
    "【待填写】报告信息处理费的收取情况；没有其他需要报告的事项写“无”。",
];

/// The prompts as earlier versions wrote them (in brackets, unmarked).
const OLD_PROMPTS: [&str; 3] = [
    "（概述本年度贯彻落实《条例》的情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障。）",
    "（写明本年度工作存在的主要问题，以及上年度问题的改进情况。）",
    "（报告信息处理费的收取情况；没有其他需要报告的事项写“无”。）",
];

/// Prompts left in the prose: a warning here; `build` makes it an error for
/// a report that is not a draft (a prompt must never be published).
pub fn placeholders(report: &Report) -> Vec<Diagnostic> {
    let text = &report.file.text;
    // Almost no report has one: four searches of the whole text instead of
    // four per line (each search sets up its pattern, and that set-up was a
    // sixth of `check`'s time).
    if !text.contains(MARK) && !OLD_PROMPTS.iter().any(|p| text.contains(p)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let at = line
            .find(MARK)
            .or_else(|| OLD_PROMPTS.iter().find_map(|p| line.find(p)));
        if let Some(byte) = at {
            let loc = Loc {
                line: i as u32 + 1,
                col: line[..byte].chars().count() as u32 + 1,
                len: 5,
            };
            out.push(
                Diagnostic::warning(
                    "W16",
                    Msg::new(
                        "这里还是模板的提示文字，尚未改写成报告内容",
                        "this is still the template's prompt, not the report's text",
                    ),
                )
                .at(&report.file, Some(loc))
                .hint(Msg::new(
                    "把这一段换成本单位的实际情况；未改写的报告不会发布（草稿除外）",
                    "replace the paragraph with the report's own text; a report with prompts is not published (drafts excepted)",
                )),
            );
        }
    }
    out
}

/// `year: 2024` in `content/2023/…`: one of the two is wrong, and the report
/// would be published under the year written.
pub fn year_folder(report: &Report) -> Option<Diagnostic> {
    let folder = report.file.rel.split('/').rev().skip(1).find_map(|seg| {
        seg.parse::<u16>()
            .ok()
            .filter(|y| (1990..=2200).contains(y))
    })?;
    let year = report.meta.year;
    (folder != year).then(|| {
        Diagnostic::warning(
            "W17",
            Msg::new(
                format!("报告写的年度是 {year}，却放在 {folder} 年的文件夹里"),
                format!("the report says year {year} but sits in the {folder} folder"),
            ),
        )
        .at(&report.file, report.meta.loc("year"))
        .hint(Msg::new(
            format!("改正 year，或把文件移到 content/{year}/"),
            format!("correct `year`, or move the file to content/{year}/"),
        ))
    })
}
