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
    // four per line, with searchers set up once (setting up a pattern per
    // search was a sixth of `check`'s time, then per report 2.5 %).
    if !searchers()
        .iter()
        .any(|f| f.find(text.as_bytes()).is_some())
    {
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

/// A searcher for [`MARK`] and each of [`OLD_PROMPTS`], made once.
fn searchers() -> &'static [memchr::memmem::Finder<'static>] {
    static SEARCHERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    SEARCHERS.get_or_init(|| {
        std::iter::once(MARK)
            .chain(OLD_PROMPTS)
            .map(memchr::memmem::Finder::new)
            .collect()
    })
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The sample report with `line` appended to its last section.
    fn w16(line: &str) -> usize {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = root.join("content/2021/pingan.md");
        let mut text = std::fs::read_to_string(&path).expect("the sample report");
        text.push_str(&format!("\n{line}\n"));
        let registry = crate::format::Registry::builtin();
        let (report, _) =
            crate::content::parse("content/2021/pingan.md", &path, text.as_bytes(), &registry);
        let report = report.expect("the sample report parses");
        super::placeholders(&report)
            .iter()
            .filter(|d| d.code == "W16")
            .count()
    }

    #[test]
    fn every_prompt_old_and_new_is_found_and_plain_prose_is_not() {
        assert_eq!(w16("本单位没有其他需要报告的事项。"), 0);
        assert_eq!(w16(super::MARK), 1);
        for p in super::PROMPTS.iter().filter(|p| !p.is_empty()) {
            assert_eq!(w16(p), 1, "{p}");
        }
        for p in super::OLD_PROMPTS {
            assert_eq!(w16(p), 1, "{p}");
        }
        assert_eq!(w16(&format!("```\n{}\n```", super::MARK)), 0);
    }
}
