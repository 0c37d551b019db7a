//! The mistakes township clerks really make, each on a real file edited from
//! the sample: the code, the line and column, a Chinese message that names
//! the cause, and never the YAML parser's English.

use crate::support::common::{Diag, Site, run, sample, variant, with_code};

/// No human message may carry the parser's English.
fn no_parser_english(diags: &[Diag]) {
    for d in diags {
        for word in [
            "expected",
            "while parsing",
            "simple key",
            "mapping",
            "tabs",
            "EOF",
        ] {
            assert!(
                !d.message.contains(word),
                "{}: parser English in {:?}",
                d.code,
                d.message
            );
        }
    }
}

fn check(text: &str) -> (i32, Vec<Diag>) {
    let site = Site::with(text);
    let (code, diags) = site.check_json(&[]);
    no_parser_english(&diags);
    (code, diags)
}

#[test]
fn input_method_punctuation_is_read_with_a_note() {
    let (code, diags) = check(&variant(&[(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事务信息：【3，0，0，0，0，0，3】",
    )]));
    assert_eq!(code, 0, "{diags:#?}");
    let d = &with_code(&diags, "W15")[0];
    assert_eq!((d.line, d.column), (Some(40), Some(13)));
    assert!(
        d.message.contains("全角") && d.message.contains('：'),
        "{}",
        d.message
    );
    assert!(diags.iter().all(|d| d.severity == "warning"), "{diags:#?}");
}

#[test]
fn full_width_spaces_as_indentation_are_read() {
    let (code, diags) = check(&variant(&[(
        40,
        "属于三类内部事务信息",
        "\u{3000}属于三类内部事务信息: [3, 0, 0, 0, 0, 0, 3]",
    )]));
    assert_eq!(code, 0, "{diags:#?}");
    assert_eq!(with_code(&diags, "W15")[0].line, Some(40));
}

#[test]
fn a_tab_indent_says_use_spaces_at_the_file_line() {
    let (code, diags) = check(&variant(&[(
        40,
        "属于三类内部事务信息",
        "\t属于三类内部事务信息: [3, 0, 0, 0, 0, 0, 3]",
    )]));
    assert_eq!(code, 1);
    let d = &with_code(&diags, "E029")[0];
    assert_eq!((d.line, d.column), (Some(40), Some(1)));
    assert!(
        d.message.contains("Tab") && d.message.contains("空格"),
        "{}",
        d.message
    );
}

#[test]
fn a_blank_cell_names_its_row_and_column() {
    let (code, diags) = check(&variant(&[(
        33,
        "予以公开",
        "予以公开:                        [0, , 0, 0, 0, 0, 0]",
    )]));
    assert_eq!(code, 1);
    let d = &with_code(&diags, "E029")[0];
    // Columns count characters: 予以公开 is four.
    assert_eq!((d.line, d.column), (Some(33), Some(34)));
    assert!(
        d.message.contains("予以公开")
            && d.message.contains("第 2 个数")
            && d.message.contains("商业企业"),
        "{}",
        d.message
    );
}

#[test]
fn an_excel_row_pasted_without_a_colon_gets_the_rewrite() {
    let (code, diags) = check(&variant(&[(
        33,
        "予以公开",
        "予以公开\t0\t0\t0\t0\t0\t0\t0",
    )]));
    assert_eq!(code, 1);
    let d = &with_code(&diags, "E029")[0];
    assert_eq!((d.line, d.column), (Some(33), Some(1)));
    assert!(d.message.contains("Excel"), "{}", d.message);
    assert_eq!(
        d.hint.as_deref(),
        Some("写成：予以公开: [0, 0, 0, 0, 0, 0, 0]")
    );
}

#[test]
fn a_group_row_given_figures_is_reported_on_its_own_line() {
    let (code, diags) = check(&variant(&[(
        35,
        "不予公开",
        "不予公开: [3, 0, 0, 0, 0, 0, 3]",
    )]));
    assert_eq!(code, 1);
    let d = &with_code(&diags, "D3")[0];
    assert_eq!(d.line, Some(35));
    assert!(d.message.contains("分组行"), "{}", d.message);
    assert!(!diags.iter().any(|d| d.code == "E020"), "{diags:#?}");
}

#[test]
fn a_row_one_number_short_names_the_row_and_the_count() {
    let (code, diags) = check(&variant(&[(
        40,
        "属于三类内部事务信息",
        "  属于三类内部事务信息:          [3, 0, 0, 0, 0, 3]",
    )]));
    assert_eq!(code, 1);
    let d = &with_code(&diags, "E026")[0];
    assert_eq!(d.line, Some(40));
    assert!(
        d.message.contains("属于三类内部事务信息")
            && d.message.contains("6 个数")
            && d.message.contains('7'),
        "{}",
        d.message
    );
    assert!(
        !diags.iter().any(|d| d.code == "A3"),
        "no A3 on the wrong columns: {diags:#?}"
    );
}

#[test]
fn an_unbalanced_bracket_is_said_in_chinese() {
    let (code, diags) = check(&variant(&[(
        33,
        "予以公开",
        "予以公开:                        [0, 0, 0, 0, 0, 0, 0",
    )]));
    assert_eq!(code, 1);
    let d = &with_code(&diags, "E020")[0];
    assert!(d.message.contains("方括号"), "{}", d.message);
}

#[test]
fn a_wrong_number_before_a_known_label_warns_with_the_official_one() {
    let (code, diags) = check(&variant(&[(
        34,
        "部分公开",
        "（三）部分公开:                  [0, 0, 0, 0, 0, 0, 0]",
    )]));
    assert_eq!(code, 0, "{diags:#?}");
    let d = &with_code(&diags, "W18")[0];
    assert_eq!((d.line, d.column), (Some(34), Some(1)));
    assert!(d.message.contains("（二）部分公开"), "{}", d.message);
}

#[test]
fn a_second_report_for_the_same_township_and_year_names_both_files() {
    let site = Site::with(&sample());
    site.write(
        "content/2021/pingan-copy.md",
        sample().replace("slug: pingan", "slug: pingan2"),
    );
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = &with_code(&diags, "E050")[0];
    assert!(
        d.message.contains("pingan.md") && d.message.contains("pingan-copy.md"),
        "{}",
        d.message
    );
}

#[test]
fn prompts_left_in_warn_in_check_and_stop_the_build() {
    let text = sample().replace(
        "依据2021年大洼区政务公开工作要点",
        "【待填写】概述本年度贯彻落实《条例》的情况。依据2021年大洼区政务公开工作要点",
    );
    let site = Site::with(&text);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0);
    let d = &with_code(&diags, "W16")[0];
    assert_eq!((d.line, d.column), (Some(11), Some(1)));
    let (code, _, err) = run(&["build", "--root", site.root.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("W16") && err.contains("提示文字"), "{err}");
    // As a draft, it is skipped and does not stop the build.
    site.write(
        "content/2021/pingan.md",
        text.replace("year: 2021\n", "year: 2021\ndraft: true\n"),
    );
    let (code, _, err) = run(&["build", "--root", site.root.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn new_writes_marked_prompts_that_check_recognises() {
    let site = Site::with(&sample());
    let root = site.root.to_str().unwrap().to_string();
    let (code, _, err) = run(&[
        "new",
        "--root",
        &root,
        "--township",
        "平安镇",
        "--year",
        "2022",
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, diags) = site.check_json(&[]);
    assert!(
        diags
            .iter()
            .any(|d| d.code == "W16" && d.file.ends_with("2022/pingan.md")),
        "{diags:#?}"
    );
    let (code, _, err) = run(&[
        "new",
        "--root",
        &root,
        "--township",
        "平安镇",
        "--year",
        "2090",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("2008"), "{err}");
    assert!(!site.root.join("content/2090").exists());
}

#[test]
fn a_year_that_contradicts_its_folder_warns_naming_both() {
    let site = Site::new();
    site.write(
        "content/2023/pingan.md",
        sample().replace("year: 2021", "year: 2024"),
    );
    let (_, diags) = site.check_json(&[]);
    let d = &with_code(&diags, "W17")[0];
    assert_eq!(d.line, Some(6));
    assert!(
        d.message.contains("2024") && d.message.contains("2023"),
        "{}",
        d.message
    );
}

#[test]
fn a_region_typo_suggests_the_known_region() {
    let site = Site::with(&sample());
    site.write(
        "content/2021/xincun.md",
        sample()
            .replace("slug: pingan", "slug: xincun")
            .replace("township: 平安镇", "township: 新村镇")
            .replace("organ: 大洼区平安镇人民政府", "organ: 大洼县新村镇人民政府")
            .replace("region: 大洼区", "region: 大洼县"),
    );
    let (_, diags) = site.check_json(&[]);
    let d = &with_code(&diags, "S024")[0];
    assert_eq!(d.line, Some(5));
    assert!(d.message.contains("大洼区"), "{}", d.message);
}

#[test]
fn a_draft_with_an_error_does_not_stop_the_build() {
    let site = Site::with(&sample());
    site.write(
        "content/2021/xincun.md",
        sample()
            .replace("slug: pingan", "slug: xincun\ndraft: true")
            .replace("township: 平安镇", "township: 新村镇")
            .replace("organ: 大洼区平安镇人民政府", "organ: 大洼区新村镇人民政府")
            .replace("[3, 0, 0, 0, 0, 0, 3]", "[4, 0, 0, 0, 0, 0, 3]"),
    );
    let (code, _, err) = run(&["build", "--root", site.root.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning[A2]") || err.contains("warning[A"),
        "{err}"
    );
    assert!(!site.root.join("public/2021/xincun").exists());
    assert!(site.root.join("public/2021/pingan/index.html").is_file());
}

#[test]
fn a_missing_root_under_watch_is_said_in_chinese() {
    let (code, _, err) = run(&["build", "--watch", "--root", "/nonexistent/site"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("S001") && !err.contains("No path was found"),
        "{err}"
    );
}

#[test]
fn front_matter_mistakes_are_said_in_chinese_on_their_line() {
    for (line, cause) in [
        ("township：平安镇", "全角"),
        ("\ttownship: 平安镇", "Tab"),
        ("township 平安镇", "冒号"),
    ] {
        let (code, diags) = check(&variant(&[(3, "township", line)]));
        assert_eq!(code, 1, "{line}");
        let d = &with_code(&diags, "E030")[0];
        assert_eq!(d.line, Some(3), "{line}: {d:?}");
        assert!(d.message.contains(cause), "{line}: {}", d.message);
    }
}
