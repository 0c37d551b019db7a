//! The identities of the format (A1–A3, R1) on broken variants of the sample:
//! the exact code, line, cell labels and expected/found, one message per cause.

use crate::support::common;
use common::*;

const TOTAL_ROW: &str = "三、本年度办理结果（七）总计";
const INTERNAL: &str = "三、本年度办理结果（三）不予公开5.属于三类内部事务信息";

#[test]
fn clean_sample_exits_0_with_no_diagnostics() {
    let site = Site::with(&sample());
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn a3_results_total_wrong_in_a_column() {
    // （七）总计 says 4 natural persons and 4 in all, but the results add up to 3.
    let site = Site::with(&variant(&[(
        58,
        "总计:",
        "总计:                            [4, 0, 0, 0, 0, 0, 4]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("A3", Some(58), Some(33))
    );
    assert_eq!(d.labels, labels(&[TOTAL_ROW, "自然人"]));
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("3"), Some("4"))
    );
    assert!(
        d.hint.as_deref().is_some_and(|h| h.contains("部分公开")),
        "{d:?}"
    );
}

#[test]
fn a_typo_in_a_leaf_is_one_message_on_that_cell() {
    // The row total still says 3, the column total too: the 4 is the typo.
    let site = Site::with(&variant(&[(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事务信息:          [4, 0, 0, 0, 0, 0, 3]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("A2", Some(40), Some(25))
    );
    assert_eq!(d.labels, labels(&[INTERNAL, "自然人"]));
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("3"), Some("4"))
    );
}

#[test]
fn a2_row_total_wrong_is_one_message_on_the_total() {
    // The row says 2 in its 总计 column while its cells add up to 3; the
    // results total agrees with the cells, so the 2 is the typo.
    let site = Site::with(&variant(&[(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事务信息:          [3, 0, 0, 0, 0, 0, 2]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("A2", Some(40), Some(43))
    );
    assert_eq!(d.labels, labels(&[INTERNAL, "总计"]));
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("3"), Some("2"))
    );
}

#[test]
fn a1_names_the_one_term_that_can_be_wrong() {
    // 本年新收 without its total: the 4 cannot balance the column, and it is the
    // only figure whose correction breaks nothing else.
    let site = Site::with(&variant(&[(
        31,
        "本年新收",
        "本年新收政府信息公开申请数量:     [4, 0, 0, 0, 0, 0]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("A1", Some(31), Some(22))
    );
    assert_eq!(
        d.labels,
        labels(&["一、本年新收政府信息公开申请数量", "自然人"])
    );
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("3"), Some("4"))
    );
}

#[test]
fn a1_whole_row_consistent_but_wrong() {
    // 本年新收 says 4 everywhere: no single cell repairs it alone (each row
    // total would follow), so the message names the likeliest cell and the
    // next one, with the values, in words rather than identity codes.
    let site = Site::with(&variant(&[(
        31,
        "本年新收",
        "本年新收政府信息公开申请数量:     [4, 0, 0, 0, 0, 0, 4]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!((d.code.as_str(), d.line), ("A1", Some(59)));
    assert_eq!(d.labels, labels(&["四、结转下年度继续办理", "自然人"]));
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("1"), Some("0"))
    );
    assert!(
        d.message.contains("本年新收政府信息公开申请数量」应为 3"),
        "{}",
        d.message
    );
    assert!(!d.message.contains("A3"), "no codes: {}", d.message);
}

#[test]
fn r1_group_total() {
    let site = Site::with(&variant(&[(
        66,
        "行政复议",
        "行政复议:          [1, 0, 0, 0, 0]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("R1", Some(66), Some(29))
    );
    assert_eq!(d.labels, labels(&["行政复议", "总计"]));
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("1"), Some("0"))
    );
}

#[test]
fn omitted_totals_are_computed_not_reported() {
    // Every total left out: nothing to report.
    let site = Site::with(&variant(&[
        (
            31,
            "本年新收",
            "本年新收政府信息公开申请数量:     [3, 0, 0, 0, 0, 0]",
        ),
        (
            40,
            "属于三类内部事务信息",
            "  属于三类内部事务信息:          [3, 0, 0, 0, 0, 0]",
        ),
        (58, "总计:", "# 总计 left out"),
        (66, "行政复议", "行政复议:          [0, 0, 0, 0]"),
    ]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn blank_total_is_w5_warning_naming_the_figure_not_a2() {
    let site = Site::with(&variant(&[(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事务信息:          [3, 0, 0, 0, 0, 0, ~]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let d = only(&diags);
    assert_eq!(
        (d.severity.as_str(), d.code.as_str(), d.line, d.column),
        ("warning", "W5", Some(40), Some(43))
    );
    assert_eq!(d.labels, labels(&[INTERNAL, "总计"]));
    assert!(d.message.contains("应为 3"), "{}", d.message);
}

#[test]
fn a_value_error_does_not_cascade_into_identities() {
    // The unreadable figure is reported once (D1), not again as A2/A3/A1.
    let site = Site::with(&variant(&[(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事务信息:          [三, 0, 0, 0, 0, 0, 3]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("D1", Some(40), Some(25))
    );
    assert_eq!(d.labels, labels(&[INTERNAL, "自然人"]));
}

#[test]
fn english_messages_with_lang_en() {
    let site = Site::with(&variant(&[(
        66,
        "行政复议",
        "行政复议:          [1, 0, 0, 0, 0]",
    )]));
    let (_, diags) = site.check_json(&["--lang", "en"]);
    let d = only(&diags);
    assert!(d.message.contains("must be equal"), "{}", d.message);
    // Labels stay the form's own Chinese labels in either language.
    assert_eq!(d.labels, labels(&["行政复议", "总计"]));
}

#[test]
fn gov2019_identities_over_its_19_leaves() {
    // In gov-2019 （六）其他处理 is one leaf row; a typo there is one message.
    let site = Site::new();
    site.write(
        "content/2020/pingan.md",
        edit(
            &fixture("pingan-2020.md"),
            &[(35, "其他处理:   [2, 0, 0, 0, 0, 0, 1]")],
        ),
    );
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("A2", Some(35), Some(10))
    );
    assert_eq!(
        d.labels,
        labels(&["三、本年度办理结果（六）其他处理", "自然人"])
    );
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("1"), Some("2"))
    );
}
