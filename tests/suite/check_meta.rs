//! Front matter, section headings, body-kind checks and the CLI contract
//! (exit codes, JSON, human output, severities from site.toml).

use crate::support::common;
use common::*;

#[test]
fn front_matter_errors() {
    let site = Site::with(&variant(&[
        (2, "organ", "organn: 大洼区平安镇人民政府"),
        (4, "slug", "slug: Ping An"),
        (6, "year", "year: 2040"),
    ]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let got: Vec<(&str, Option<u64>)> = diags.iter().map(|d| (d.code.as_str(), d.line)).collect();
    // E035 missing organ (at the front matter), E033 unknown key, E037 slug, E036 year.
    assert_eq!(
        got,
        vec![
            ("E035", Some(1)),
            ("E033", Some(2)),
            ("E037", Some(4)),
            ("E036", Some(6))
        ],
        "{diags:#?}"
    );
    assert_eq!(diags[1].hint.as_deref(), Some("是否想写 organ？"));
}

#[test]
fn published_before_the_year_ends() {
    let site = Site::with(&variant(&[(
        6,
        "year",
        "year: 2021\npublished: 2021-06-01",
    )]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("E038", Some(7), Some(12))
    );
}

#[test]
fn duplicate_township_year_names_both_files() {
    let site = Site::with(&sample());
    site.write("content/copy/pingan-again.md", sample());
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.file.as_str(), d.line),
        ("E050", "content/copy/pingan-again.md", Some(6))
    );
    assert_eq!(
        d.related,
        vec![("content/2021/pingan.md".to_string(), Some(6))]
    );
    assert!(
        d.message.contains("content/2021/pingan.md")
            && d.message.contains("content/copy/pingan-again.md")
    );
}

#[test]
fn heading_drift_is_tolerated_but_named() {
    let site = Site::with(&variant(&[
        (9, "总体情况", "## 总体情况"),
        (15, "二、", "## 二、主动公开政府信息的情况"),
    ]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let got: Vec<(&str, Option<u64>, Option<&str>)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.line, d.expected.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("W11", Some(9), Some("一、总体情况")),
            ("W11", Some(15), Some("二、主动公开政府信息情况"))
        ]
    );
    assert!(diags[0].message.contains("缺少序号"));
    assert!(diags[1].message.contains("的"));
}

#[test]
fn headings_missing_or_out_of_order() {
    let site = Site::with(&variant(&[
        (27, "三、", "## 四、政府信息公开行政复议、行政诉讼情况"),
        (62, "四、", "## 三、收到和处理政府信息公开申请情况"),
        (77, "六、", "其他需要报告的事项：无"),
    ]));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let got: Vec<(&str, Option<u64>)> = diags.iter().map(|d| (d.code.as_str(), d.line)).collect();
    // Out of order at the second heading; section 六 missing (no later heading: file-level).
    assert_eq!(got, vec![("W10", None), ("W10", Some(62))], "{diags:#?}");
    assert!(diags.iter().any(|d| d.message.contains("缺少第 6 部分")));
}

#[test]
fn w4_township_reporting_rules() {
    let report = variant(&[(19, "规章", "规章:           [0, 0, 2]")]);
    let site = Site::with(&report);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let d = only(&diags);
    assert_eq!(
        (d.severity.as_str(), d.code.as_str(), d.line, d.column),
        ("warning", "W4", Some(19), Some(22))
    );
    assert_eq!(
        d.labels,
        labels(&["第二十条第（一）项规章", "现行有效件数"])
    );
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("0"), Some("2"))
    );

    // A government (with rule-making power) is not warned.
    let site = Site::with(&edit(&report, &[(6, "year: 2021\nbody_kind: government")]));
    let (_, diags) = site.check_json(&[]);
    assert!(diags.is_empty(), "{diags:#?}");

    // site.toml [check] W4 = "off" silences it for the whole site.
    let site = Site::with(&report);
    site.config("[check]\nW4 = \"off\"\n");
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn w9_published_after_the_deadline() {
    let late = |kind: &str, date: &str| {
        edit(
            &sample(),
            &[(
                6,
                &format!("year: 2021\nbody_kind: {kind}\npublished: {date}"),
            )],
        )
    };
    let site = Site::with(&late("department", "2022-02-01"));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let d = only(&diags);
    assert_eq!(
        (
            d.code.as_str(),
            d.line,
            d.expected.as_deref(),
            d.found.as_deref()
        ),
        ("W9", Some(8), Some("≤ 2022-01-31"), Some("2022-02-01"))
    );

    // A government has until 31 March.
    let (_, diags) = Site::with(&late("government", "2022-03-31")).check_json(&[]);
    assert!(diags.is_empty(), "{diags:#?}");
    let (_, diags) = Site::with(&late("government", "2022-04-01")).check_json(&[]);
    assert_eq!(only(&diags).code, "W9");

    // The body kind may come from site.toml instead.
    let site = Site::with(&edit(
        &sample(),
        &[(6, "year: 2021\npublished: 2022-02-15")],
    ));
    // A top-level key: it goes before the site's [regions] table.
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    std::fs::write(
        site.root().join("site.toml"),
        format!("body_kind = \"department\"\n{toml}"),
    )
    .unwrap();
    let (_, diags) = site.check_json(&[]);
    assert_eq!(only(&diags).code, "W9");
}

#[test]
fn severity_error_makes_a_warning_fail_the_run() {
    let site = Site::with(&variant(&[(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事务信息:          [3, 0, 0, 0, 0, 0, ~]",
    )]));
    site.config("[check]\nW5 = \"error\"\n");
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        (only(&diags).code.as_str(), only(&diags).severity.as_str()),
        ("W5", "error")
    );
}

#[test]
fn invalid_check_settings_exit_2_naming_each() {
    let site = Site::with(&sample());
    site.config("[check]\nW44 = \"off\"\nW1 = \"loud\"\n");
    let (code, err) = site.check_human(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[S003]"), "{err}");
    assert!(err.contains("W44") && err.contains("loud"), "{err}");
    assert!(err.contains("site.toml:"), "points into site.toml: {err}");
}

#[test]
fn missing_root_or_site_toml_exits_2() {
    let (code, _, err) = run(&["check", "--root", "/nonexistent/nianbao-site"]);
    assert_eq!(code, 2, "{err}");
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["check", "--root", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("site.toml"), "{err}");
    let (code, _, _) = run(&["check", "--format", "yaml"]);
    assert_eq!(code, 2);
}

#[test]
fn human_output_looks_like_rustc() {
    let site = Site::with(&variant(&[(
        58,
        "总计:",
        "总计:                            [4, 0, 0, 0, 0, 0, 4]",
    )]));
    let (code, err) = site.check_human(&[]);
    assert_eq!(code, 1);
    let expected = "\
error[A3]: 「三、本年度办理结果（七）总计」×「自然人」 「（七）总计」 = 4，而 「（一）予以公开」…「3.其他」共 21 项 = 3，两边应相等
  --> content/2021/pingan.md:58:33
   |
58 | 总计:                            [4, 0, 0, 0, 0, 0, 4]
   |                                   ^ 应为 3，实为 4
   |
   = help: （七）总计应等于（一）至（六）各小项之和。是否把一件「（二）部分公开」的申请又计入了其他行？区分处理的只计部分公开。
";
    assert!(err.starts_with(expected), "got:\n{err}");
    assert!(err.trim_end().ends_with("1 个错误，0 个警告"), "{err}");
}

#[test]
fn build_runs_the_same_checks_and_writes_nothing_on_error() {
    let site = Site::with(&variant(&[(
        58,
        "总计:",
        "总计:                            [4, 0, 0, 0, 0, 0, 4]",
    )]));
    let out = site.root().join("public");
    let (code, _, err) = run(&[
        "build",
        "--root",
        site.root().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[A3]"), "{err}");
    assert!(!out.exists(), "nothing is written when a check fails");
}

#[test]
fn json_mode_reports_a_site_error_as_json_too() {
    let empty = tempfile::tempdir().unwrap();
    let (code, out, _) = run(&[
        "check",
        "--root",
        empty.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v[0]["code"], "S001");
    assert_eq!(v[0]["severity"], "error");
}
