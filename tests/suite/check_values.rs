//! Value, key and structure errors on broken variants of the sample: each
//! names its line, and all of them are reported in one run.

use crate::support::common;
use common::*;

#[test]
fn value_errors_d1_d2_d3() {
    let report = edit(
        &variant(&[
            (21, "行政许可", "行政许可:       abc"),
            (22, "行政处罚", "行政处罚:       -1"),
            (23, "行政强制", "行政强制:       1.5"),
            (24, "行政事业性收费", "行政事业性收费: -2"),
            (
                32,
                "上年结转",
                "上年结转政府信息公开申请数量:     [0, 0, 0, 99999999999999999999, 0, 0, 0]",
            ),
        ]),
        // D3: numbers on the group row 不予公开 (its sub-rows removed).
        &[(35, "不予公开: [0, 0, 0, 0, 0, 0, 0]"), (40, "")],
    );
    let report = report
        .lines()
        .enumerate()
        .filter(|(i, _)| !(36..=43).contains(&(i + 1)) || i + 1 == 40)
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n");
    let site = Site::with(&report);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let got: Vec<(&str, Option<u64>)> = diags.iter().map(|d| (d.code.as_str(), d.line)).collect();
    assert_eq!(
        got,
        vec![
            ("D1", Some(21)),
            ("D1", Some(22)),
            ("D1", Some(23)),
            ("D2", Some(24)),
            ("D1", Some(32)),
            ("D3", Some(35))
        ],
        "{diags:#?}"
    );
    assert_eq!(
        diags[0].labels,
        labels(&["第二十条第（五）项行政许可", "本年处理决定数量"])
    );
    assert!(diags[0].message.contains("abc"));
    assert_eq!(diags[1].found.as_deref(), Some("-1"));
    assert_eq!(diags[2].found.as_deref(), Some("1.5"));
    assert_eq!(
        diags[3].labels,
        labels(&[
            "第二十条第（八）项行政事业性收费",
            "本年收费金额（单位：万元）"
        ])
    );
    assert_eq!(
        diags[4].labels,
        labels(&[
            "二、上年结转政府信息公开申请数量",
            "法人或其他组织·社会公益组织"
        ])
    );
    assert_eq!(
        diags[5].labels,
        labels(&["三、本年度办理结果（三）不予公开"])
    );
}

#[test]
fn key_errors_with_nearest_label() {
    let site = Site::with(&variant(&[
        (
            33,
            "予以公开",
            "予以公开:                        [0, 0, 0, 0, 0, 0, 0, 0]",
        ),
        (
            45,
            "本机关不掌握相关政府信息",
            "  本机关不掌握相关信息:       [0, 0, 0, 0, 0, 0, 0]",
        ),
        (66, "行政复议", "行政复议: {结果维持: 0, 结果纠证: 0}"),
        (67, "未经复议直接起诉", "行政复议:  [0, 0, 0, 0, 0]"),
    ]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let got: Vec<(&str, Option<u64>)> = diags.iter().map(|d| (d.code.as_str(), d.line)).collect();
    // E026 wrong number of values, E023 unknown row, E028 unknown column, E025 row written twice.
    assert_eq!(
        got,
        vec![
            ("E026", Some(33)),
            ("E023", Some(45)),
            ("E028", Some(66)),
            ("E025", Some(67))
        ],
        "{diags:#?}"
    );
    assert_eq!(
        diags[1].hint.as_deref(),
        Some("是否想写「本机关不掌握相关政府信息」？")
    );
    assert_eq!(diags[2].hint.as_deref(), Some("是否想写「结果纠正」？"));
    assert_eq!(
        diags[3].related,
        vec![("content/2021/pingan.md".to_string(), Some(66))]
    );
}

#[test]
fn unknown_table_with_suggestion_and_missing_table() {
    let site = Site::with(&variant(&[(64, "table=reviews", "```yaml table=reveiws")]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let unknown = with_code(&diags, "E008");
    assert_eq!((unknown[0].line, unknown[0].column), (Some(64), Some(15)));
    assert_eq!(unknown[0].hint.as_deref(), Some("是否想写 table=reviews？"));
    // The reviews table is therefore missing; it is placed at its section heading.
    let missing = with_code(&diags, "E009");
    assert_eq!(missing[0].line, Some(62));
    assert_eq!(diags.len(), 2, "{diags:#?}");
}

#[test]
fn unclosed_fence() {
    // The fence closing the reviews table (line 69) is deleted.
    let text = variant(&[(69, "```", "")]);
    let site = Site::with(&text);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = with_code(&diags, "E005");
    assert_eq!((d[0].line, d[0].column), (Some(64), Some(1)));
}

#[test]
fn several_independent_errors_all_reported_in_one_run() {
    let site = Site::with(&variant(&[
        (4, "slug", "slug: Ping An"),
        (21, "行政许可", "行政许可:       abc"),
        (
            40,
            "属于三类内部事务信息",
            "  属于三类内部事务信息:          [4, 0, 0, 0, 0, 0, 3]",
        ),
        (
            45,
            "本机关不掌握相关政府信息",
            "  本机关不掌握相关信息:       [0, 0, 0, 0, 0, 0, 0]",
        ),
        (66, "行政复议", "行政复议:          [1, 0, 0, 0, 0]"),
        (71, "五、", "## 五、存在的主要问题和改进情况"),
    ]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let got: Vec<(&str, Option<u64>)> = diags.iter().map(|d| (d.code.as_str(), d.line)).collect();
    assert_eq!(
        got,
        vec![
            ("E037", Some(4)),
            ("D1", Some(21)),
            ("A2", Some(40)),
            ("E023", Some(45)),
            ("R1", Some(66)),
            ("W11", Some(71))
        ],
        "{diags:#?}"
    );
}

#[test]
fn a_misspelled_row_is_one_message_not_also_a3() {
    // 事务 → 事物: the 3 applications belong to an unknown row, so the results
    // no longer add up; only the key error is reported, with the nearest label.
    let site = Site::with(&variant(&[(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事物信息:          [3, 0, 0, 0, 0, 0, 3]",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("E023", Some(40), Some(3))
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("是否想写「属于三类内部事务信息」？")
    );
}

#[test]
fn a_forgotten_closing_fence_is_one_message_and_the_rest_is_read() {
    // The fence closing the applications table (line 60) is deleted: the block
    // ends at the next heading, the reviews table is still read.
    let site = Site::with(&variant(&[(60, "```", "")]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("E005", Some(29), Some(1))
    );
    assert_eq!(d.hint.as_deref(), Some("在第 62 行之前补一行 ```"));
}
