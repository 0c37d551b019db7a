//! The identities of the format (A1–A3, R1) on broken variants of the sample:
//! the exact code, line, cell labels and expected/found, one message per cause.

mod common;
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
