//! The registry of diagnostic codes: every code nianbao can report, with
//! its default severity, whether a site may change that severity in
//! `site.toml` `[check]`, a short title in Chinese and English, and where
//! the documentation explains it. A code not listed here cannot be made
//! (`Diagnostic::new` asserts it in debug builds, and a test scans the
//! sources), and tests/suite/docs.rs checks that each one is documented
//! under its heading.

use super::Severity;

/// One diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    /// The severity it is reported with (before `[check]` settings).
    pub severity: Severity,
    /// Whether `site.toml` `[check]` may turn it off or change its severity.
    pub configurable: bool,
    pub zh: &'static str,
    pub en: &'static str,
    /// The documentation file (under `docs/`) and the heading it is
    /// explained under.
    pub doc: (&'static str, &'static str),
}

impl Code {
    /// The link to its explanation, as GitHub and most Markdown viewers
    /// make heading anchors (lower case, punctuation dropped, spaces as `-`).
    pub fn doc_link(&self) -> String {
        let (file, heading) = self.doc;
        let anchor: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        format!("docs/{file}#{anchor}")
    }
}

/// Look a code up.
pub fn lookup(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

const fn code(
    code: &'static str,
    severity: Severity,
    configurable: bool,
    zh: &'static str,
    en: &'static str,
    doc: (&'static str, &'static str),
) -> Code {
    Code {
        code,
        severity,
        configurable,
        zh,
        en,
        doc,
    }
}

use Severity::{Error as E, Warning as W};

/// Every code, in documentation order; one line each.
#[rustfmt::skip]
pub const CODES: &[Code] = &[
    code("A0", E, false, "站点自定义的勾稽关系", "an identity of a site's own format", ("checks.md", "A0 站点自定义的勾稽关系")),
    code("A1", E, true, "本列平衡", "column balance", ("checks.md", "A1 本列平衡")),
    code("A2", E, true, "行合计", "row total", ("checks.md", "A2 行合计")),
    code("A3", E, true, "办理结果总计", "handling results total", ("checks.md", "A3 办理结果总计")),
    code("R1", E, true, "复议、诉讼合计", "review and litigation totals", ("checks.md", "R1 复议、诉讼合计")),
    code("D1", E, false, "件数、个数", "a count is not a whole number", ("checks.md", "D1 件数、个数")),
    code("D2", E, false, "收费金额", "a fee is not an amount", ("checks.md", "D2 收费金额")),
    code("D3", E, false, "分组行写了数字", "a group row given figures", ("checks.md", "D3 分组行写了数字")),
    code("E001", E, false, "文件无法读取", "file cannot be read", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E002", E, false, "不是 UTF-8 文本", "not UTF-8 text", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E003", E, false, "没有 front matter", "no front matter", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E004", E, false, "front matter 没有结束", "front matter not closed", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E005", E, false, "代码块没有结束", "code block not closed", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E006", W, false, "表格代码块没有标明 yaml", "table block not marked yaml", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E007", E, false, "同一张表写了两次", "table written twice", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E008", E, false, "未知的表格名", "unknown table", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E009", E, false, "缺少一张表", "table missing", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E010", W, false, "指向站点之外", "symbolic link out of the site, skipped", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E011", W, false, "文件是 GBK/GB18030 编码，已按此读取", "GBK/GB18030 file read as such", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E012", E, false, "符号链接循环", "symbolic link loop", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E013", E, false, "目录或主题、静态、格式文件无法读取", "folder or site file cannot be read", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E014", E, false, "不是普通文件", "not a regular file (FIFO, socket, device)", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E015", E, false, "报告文件超过大小上限", "report file over the size limit", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E016", E, false, "front matter 的值含有控制字符", "control characters removed from front matter", ("checks.md", "文件与结构（错误，E006、E010 为警告）")),
    code("E020", E, false, "表格代码块的 YAML 写法有误", "malformed YAML in a table block", ("checks.md", "表格写法（错误）")),
    code("E021", E, false, "表格代码块不是「行名: 数值」的形式", "table block is not a mapping", ("checks.md", "表格写法（错误）")),
    code("E022", E, false, "行名不是文字", "row name is not text", ("checks.md", "表格写法（错误）")),
    code("E023", E, false, "没有这一行", "unknown row", ("checks.md", "表格写法（错误）")),
    code("E024", E, false, "行名可以指多行", "ambiguous row name", ("checks.md", "表格写法（错误）")),
    code("E025", E, false, "同一行写了两次", "row written twice", ("checks.md", "表格写法（错误）")),
    code("E026", E, false, "一行的数的个数不对", "wrong number of figures in a row", ("checks.md", "表格写法（错误）")),
    code("E027", E, false, "同一列写了两次", "column written twice", ("checks.md", "表格写法（错误）")),
    code("E028", E, false, "没有这一列", "unknown column", ("checks.md", "表格写法（错误）")),
    code("E029", E, false, "键盘和粘贴带来的写法问题", "keyboard or paste slip in a table block", ("checks.md", "表格写法（错误）")),
    code("E030", E, false, "front matter 的 YAML 写法有误", "malformed YAML in front matter", ("checks.md", "front matter（错误）")),
    code("E031", E, false, "front matter 不是「键: 值」形式", "front matter is not a mapping", ("checks.md", "front matter（错误）")),
    code("E032", E, false, "同一个键写了两次", "key written twice", ("checks.md", "front matter（错误）")),
    code("E033", E, false, "未知的键", "unknown key", ("checks.md", "front matter（错误）")),
    code("E034", E, false, "值应是一段文字", "value is not text", ("checks.md", "front matter（错误）")),
    code("E035", E, false, "缺少必填的键", "required key missing", ("checks.md", "front matter（错误）")),
    code("E036", E, false, "年度不在 2008 至明年之间", "year out of range", ("checks.md", "front matter（错误）")),
    code("E037", E, false, "slug", "invalid slug", ("checks.md", "front matter（错误）")),
    code("E038", E, false, "发布日期早于报告年度结束", "published before the year ends", ("checks.md", "front matter（错误）")),
    code("E039", E, false, "发布日期不是 YYYY-MM-DD", "invalid date", ("checks.md", "front matter（错误）")),
    code("E040", E, false, "draft 不是 true/false", "draft is not true/false", ("checks.md", "front matter（错误）")),
    code("E041", E, false, "body_kind 不是 department、government、township", "invalid body_kind", ("checks.md", "front matter（错误）")),
    code("E042", E, false, "未知的报告格式，或该年度没有适用的格式", "unknown report format", ("checks.md", "front matter（错误）")),
    code("E050", E, false, "同一乡镇同一年度有两份报告", "two reports for one township and year", ("checks.md", "front matter（错误）")),
    code("W1", W, true, "上年结转与上年报告不符", "carried over differs from last year", ("checks.md", "W1 上年结转与上年报告不符")),
    code("W2", W, true, "现行有效件数与上年不符", "documents in force differ from last year", ("checks.md", "W2 现行有效件数与上年不符")),
    code("W3", W, true, "废止多于可废止的", "more repealed than could be", ("checks.md", "W3 废止多于可废止的")),
    code("W4", W, true, "乡镇报告了规章", "township reports rules", ("checks.md", "W4 乡镇报告了规章")),
    code("W5", W, true, "留空的格子", "blank cells", ("checks.md", "W5 留空的格子")),
    code("W7", W, true, "与上一份报告完全相同", "same as the previous report", ("checks.md", "W7 与上一份报告完全相同")),
    code("W9", W, true, "晚于法定期限发布", "published after the legal deadline", ("checks.md", "W9 晚于法定期限发布")),
    code("W10", W, true, "章节标题缺少、重复或顺序不对", "sections missing, repeated or out of order", ("checks.md", "W10 章节标题缺少、重复或顺序不对；表格放错章节")),
    code("W11", W, true, "章节标题与官方写法不同", "section heading differs from the official wording", ("checks.md", "W11 章节标题与官方写法不同")),
    code("W12", W, true, "（gov-2019）本年新公开多于对外公开总数", "(gov-2019) more newly published than published", ("checks.md", "W12 （gov-2019）本年新公开多于对外公开总数")),
    code("W13", W, true, "（gov-2019）上一年项目数量与上年报告不符", "(gov-2019) last year's item count differs", ("checks.md", "W13 （gov-2019）上一年项目数量与上年报告不符")),
    code("W14", W, true, "表格符合另一种格式", "tables follow another format", ("checks.md", "W14 表格符合另一种格式")),
    code("W15", W, false, "全角符号已按半角读取", "full-width symbols read as half-width", ("checks.md", "W15 全角符号已按半角读取")),
    code("W16", W, false, "模板提示文字未改写", "template hint text left in", ("checks.md", "W16 模板提示文字未改写")),
    code("W17", W, false, "年度与文件夹不一致", "year differs from the folder", ("checks.md", "W17 年度与文件夹不一致")),
    code("W18", W, false, "行名序号与官方表格不同", "row numbering differs from the official table", ("checks.md", "W18 行名序号与官方表格不同")),
    code("S001", E, false, "无法读取 site.toml", "site.toml cannot be read", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S002", E, false, "site.toml 写法有误", "site.toml is invalid", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S003", E, false, "site.toml 的 [check] 有误", "invalid [check] in site.toml", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S010", E, false, "站点 formats/ 下的格式定义有误", "a site format definition is invalid", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S020", W, false, "地区没有网址名，暂用按名称算出的网址名", "region without a URL name", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S021", E, false, "两个地区的网址名相同", "two regions share a URL name", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S022", W, false, "site.toml 与 front matter 给同一地区写了不同的网址名，以 site.toml 为准", "conflicting region URL names", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S023", E, false, "site.toml 中地区的网址名不只由小写字母、数字和 - 组成", "invalid region URL name", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S024", W, false, "地区名疑似写错", "region name looks misspelt", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("S025", W, false, "base_url 不是完整网址", "base_url is not absolute", ("checks.md", "站点（退出码 2，S010 除外）")),
    code("T001", E, false, "主题模板有误", "template error", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("T002", E, false, "site.toml 的 theme 指定的主题不存在", "theme not found", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("O001", E, false, "写入输出目录失败", "writing the output failed", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("O002", E, false, "不能用作输出目录", "output folder overlaps the site", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("O003", E, false, "输出目录已有文件，但不是 nianbao 生成的", "output folder not written by nianbao", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("O004", E, false, "生成搜索索引失败", "search index failed", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("N001", E, false, "init、new 无法完成", "init or new cannot complete", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("V001", E, false, "预览无法启动", "preview cannot start", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("V002", E, false, "无法监视站点目录的变化", "watcher cannot start", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("I010", W, false, "某行的数字无法对应到列", "figures not placed in columns", ("import.md", "提示代码")),
    code("I011", W, false, "某行读入时作了处理", "row read with adjustments", ("import.md", "提示代码")),
    code("I012", W, false, "表格缺少若干行", "rows missing", ("import.md", "提示代码")),
    code("I013", W, false, "缺少整张表格", "table missing", ("import.md", "提示代码")),
    code("I014", W, false, "缺少某一部分", "section missing or empty", ("import.md", "提示代码")),
    code("I015", W, false, "原文有格式定义之外的行", "rows outside the format not imported", ("import.md", "提示代码")),
    code("I016", W, false, "import", "incomplete table not checked", ("checks.md", "输出目录与预览（退出码 1 或 2）")),
    code("I020", W, false, "年度与表格格式不一致", "year and table format differ", ("import.md", "提示代码")),
    code("I021", W, false, "发布机构由标题推测", "organ guessed from the title", ("import.md", "提示代码")),
    code("I022", W, false, "未能读出发布机构、简称或年度，需手工填写", "organ, township or year not found", ("import.md", "提示代码")),
];
