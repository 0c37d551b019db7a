//! Cross-year checks of one township: two files each, both named.

use crate::support::common;
use common::*;

/// The sample as another year's report: `year` replaced, lines edited.
fn year_variant(year: u16, edits: &[(usize, &str, &str)]) -> String {
    let mut all = vec![(6, "year", "")];
    all.extend_from_slice(edits);
    let y = format!("year: {year}");
    all[0].2 = &y;
    variant(&all)
}

#[test]
fn three_years_that_agree_have_no_warnings() {
    // 2019 and 2020 in the gov-2019 format, 2021 the sample in gov-2021; 2020
    // carries 1 application forward, so the 2021 sample is edited to carry it over.
    let site = Site::new();
    site.write("content/2019/pingan.md", fixture("pingan-2019.md"));
    site.write("content/2020/pingan.md", fixture("pingan-2020.md"));
    site.write(
        "content/2021/pingan.md",
        variant(&[
            (
                32,
                "上年结转",
                "上年结转政府信息公开申请数量:     [1, 0, 0, 0, 0, 0, 1]",
            ),
            (
                59,
                "结转下年度",
                "结转下年度继续办理:               [1, 0, 0, 0, 0, 0, 1]",
            ),
        ]),
    );
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn w1_carried_over_differs_from_last_years_carried_forward() {
    // 2020 carried 1 natural person's application forward; the sample carries over 0.
    let site = Site::new();
    site.write("content/2020/pingan.md", fixture("pingan-2020.md"));
    site.write("content/2021/pingan.md", sample());
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0, "warnings only");
    // One message: the 总计 column follows from the 自然人 column.
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.file.as_str(), d.line, d.column),
        ("W1", "content/2021/pingan.md", Some(32), Some(22))
    );
    assert_eq!(
        d.labels,
        labels(&["二、上年结转政府信息公开申请数量", "自然人"])
    );
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("1"), Some("0"))
    );
    assert_eq!(
        d.related,
        vec![("content/2020/pingan.md".to_string(), Some(37))]
    );
    // The human form shows both files with their lines.
    let (_, err) = site.check_human(&[]);
    assert!(err.contains("--> content/2021/pingan.md:32:22"), "{err}");
    assert!(err.contains("::: content/2020/pingan.md:37"), "{err}");
}

#[test]
fn w2_w3_documents_in_force_across_years() {
    let site = Site::new();
    site.write(
        "content/2021/pingan.md",
        variant(&[(20, "规范性文件", "规范性文件:     [2, 0, 5]")]),
    );
    // 2022: 5 in force + 1 issued − 0 repealed should be 6, not 9; 7 repealed > 5 + 1.
    site.write(
        "content/2022/pingan.md",
        year_variant(2022, &[(20, "规范性文件", "规范性文件:     [1, 7, 9]")]),
    );
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let got: Vec<(&str, &str, Option<u64>, Option<u64>)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.file.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        got,
        vec![
            ("W3", "content/2022/pingan.md", Some(20), Some(16)),
            ("W2", "content/2022/pingan.md", Some(20), Some(19))
        ],
        "{diags:#?}"
    );
    assert_eq!(
        diags[0].labels,
        labels(&["第二十条第（一）项行政规范性文件", "本年废止件数"])
    );
    assert_eq!(
        (diags[0].expected.as_deref(), diags[0].found.as_deref()),
        (Some("≤ 6"), Some("7"))
    );
    assert_eq!(
        diags[1].labels,
        labels(&["第二十条第（一）项行政规范性文件", "现行有效件数"])
    );
    assert_eq!(
        (diags[1].expected.as_deref(), diags[1].found.as_deref()),
        (Some("-1"), Some("9"))
    );
    for d in &diags {
        assert_eq!(
            d.related,
            vec![("content/2021/pingan.md".to_string(), Some(20))]
        );
    }
}

#[test]
fn w7_identical_to_last_year() {
    let figures = [(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事务信息:          [3, 0, 0, 0, 0, 0, 3]",
    )];
    let site = Site::new();
    site.write("content/2021/pingan.md", sample());
    site.write("content/2022/pingan.md", year_variant(2022, &figures));
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    // W1 does not fire (nothing carried), only W7.
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.file.as_str(), d.line),
        ("W7", "content/2022/pingan.md", Some(6))
    );
    assert_eq!(
        d.related,
        vec![("content/2021/pingan.md".to_string(), Some(6))]
    );

    // All zeros is no copy: an idle township reports zeros every year.
    let zero = |year| {
        year_variant(
            year,
            &[
                (
                    31,
                    "本年新收",
                    "本年新收:                        [0, 0, 0, 0, 0, 0, 0]",
                ),
                (
                    40,
                    "属于三类内部事务信息",
                    "  属于三类内部事务信息:          [0, 0, 0, 0, 0, 0, 0]",
                ),
                (
                    58,
                    "总计:",
                    "总计:                            [0, 0, 0, 0, 0, 0, 0]",
                ),
            ],
        )
    };
    let site = Site::new();
    site.write("content/2021/pingan.md", zero(2021));
    site.write("content/2022/pingan.md", zero(2022));
    let (_, diags) = site.check_json(&[]);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn w12_gov2019_newly_published_at_most_all_published() {
    let site = Site::new();
    let report = edit(
        &fixture("pingan-2020.md"),
        &[(19, "规范性文件:           [1, 11, 9]")],
    );
    site.write("content/2020/pingan.md", &report);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("W12", Some(19), Some(22))
    );
    assert_eq!(
        d.labels,
        labels(&["第二十条第（一）项规范性文件", "本年新公开数量"])
    );
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("≤ 9"), Some("11"))
    );
}

#[test]
fn w13_gov2019_item_counts_roll_over() {
    // 2019: 行政许可 5 items, +1 → 2020 should start from 6, not 7.
    let site = Site::new();
    site.write("content/2019/pingan.md", fixture("pingan-2019.md"));
    site.write(
        "content/2020/pingan.md",
        edit(
            &fixture("pingan-2020.md"),
            &[(20, "行政许可:             [7, 0, 15]")],
        ),
    );
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let d = only(&diags);
    assert_eq!(
        (d.code.as_str(), d.file.as_str(), d.line, d.column),
        ("W13", "content/2020/pingan.md", Some(20), Some(20))
    );
    assert_eq!(
        d.labels,
        labels(&["第二十条第（五）项行政许可", "上一年项目数量"])
    );
    assert_eq!(
        (d.expected.as_deref(), d.found.as_deref()),
        (Some("6"), Some("7"))
    );
    assert_eq!(
        d.related,
        vec![("content/2019/pingan.md".to_string(), Some(20))]
    );
}

#[test]
fn w14_tables_fit_the_other_format() {
    // A 2022 report written on the 2019 tables: the key errors stay errors, and
    // one warning says which format the tables do fit.
    let report = edit(
        &fixture("pingan-2020.md"),
        &[(6, "year: 2022"), (7, "published: 2023-01-25")],
    );
    let site = Site::new();
    site.write("content/2022/pingan.md", &report);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let w = with_code(&diags, "W14");
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].line, w[0].expected.as_deref(), w[0].found.as_deref()),
        (Some(6), Some("gov-2019"), Some("gov-2021"))
    );
    assert!(w[0].message.contains("gov-2019") && w[0].message.contains("gov-2021"));

    // Saying so in the front matter makes the report check clean.
    let site = Site::new();
    site.write(
        "content/2022/pingan.md",
        edit(&report, &[(6, "year: 2022\nformat: gov-2019")]),
    );
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    assert!(diags.is_empty(), "{diags:#?}");
}

/// `check` reads each file once, in groups by the township a file's name
/// suggests (`site::sweep`); a township whose files are named otherwise is
/// read again whole. Every naming gives the same cross-year warnings: W1
/// (2021 against 2020) and W7 (2022 copies 2021).
#[test]
fn cross_year_warnings_do_not_depend_on_file_names() {
    let layouts: [[&str; 3]; 5] = [
        [
            "content/2020/pingan.md",
            "content/2021/pingan.md",
            "content/2022/pingan.md",
        ],
        // Named for the year, in the township's folder.
        [
            "content/pingan/2020.md",
            "content/pingan/2021.md",
            "content/pingan/2022.md",
        ],
        // One file named for another township: the `pingan` group holds two
        // of the three reports, so its cross-year results are not complete.
        [
            "content/2020/pingan.md",
            "content/2021/pingan.md",
            "content/2022/xinli.md",
        ],
        // Each file in a group of its own.
        [
            "content/2020/a.md",
            "content/2021/b.md",
            "content/2022/c.md",
        ],
        // A group with reports of two townships (the other one is `xinli`).
        [
            "content/2020/pingan.md",
            "content/2021/xinli.md",
            "content/2022/pingan.md",
        ],
    ];
    for [y2020, y2021, y2022] in layouts {
        let site = Site::new();
        site.write(y2020, fixture("pingan-2020.md"));
        site.write(y2021, sample());
        site.write(y2022, year_variant(2022, &[]));
        // Another township, whose file the third layout's `xinli.md` is not.
        let xinli = edit(&sample(), &[(3, "township: 新立镇"), (4, "slug: xinli")]);
        let xinli = edit(&xinli, &[(2, "organ: 大洼区新立镇人民政府")]);
        site.write("content/2021/xinli-report.md", xinli);
        let (code, diags) = site.check_json(&[]);
        assert_eq!(code, 0, "{y2021}: {diags:#?}");
        let got: Vec<_> = diags
            .iter()
            .map(|d| (d.code.as_str(), d.file.as_str(), d.line, d.related.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("W1", y2021, Some(32), vec![(y2020.to_string(), Some(37))]),
                ("W7", y2022, Some(6), vec![(y2021.to_string(), Some(6))]),
            ],
            "{diags:#?}"
        );
    }
}
