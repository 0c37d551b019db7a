//! `nianbao import` as a portal team runs it: files in, reports out, and an
//! exit status a script can trust (0 whole and balanced, 1 partial or
//! unbalanced, 2 unusable input).

use std::path::Path;
use std::process::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

fn nianbao(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> String {
    Path::new(FIXTURES)
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn seed_to_a_file_then_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::write(site.join("site.toml"), "title = \"t\"\nbase_url = \"/\"\n").unwrap();
    let out = site.join("content/2021/pingan.md");
    let (code, stdout, stderr) = nianbao(&[
        "import",
        &fixture("seed_pingan_2021.txt"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("完整导入，数字全部平衡"), "{stderr}");
    assert!(stderr.contains("147 个空白格"), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("slug: pingan\n"));
    // The written report is a valid report of the site.
    let (code, _, stderr) = nianbao(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 个错误"), "{stderr}");
}

#[test]
fn several_files_into_a_folder_with_the_worst_status() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = nianbao(&[
        "import",
        &fixture("spans_2021.html"),
        &fixture("truncated_2021.txt"),
        "--out-dir",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(out.join("spans-2021.md").is_file());
    let truncated = std::fs::read_to_string(out.join("truncated-2021.md")).unwrap();
    assert!(truncated.contains("draft: true"));
    assert!(stderr.contains("imported in part"), "{stderr}");
    assert!(stderr.contains("I013"), "{stderr}");
}

#[test]
fn standard_output_and_refusals() {
    let (code, stdout, _) = nianbao(&["import", &fixture("tab_gov2019_2020.txt")]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("---\n"));
    assert!(stdout.contains("政府集中采购: [6, 251000元]"), "{stdout}");

    // Several inputs need a folder.
    let (code, _, stderr) = nianbao(&[
        "import",
        &fixture("spans_2021.html"),
        &fixture("pipe_rows_2021.txt"),
    ]);
    assert_eq!(code, 2, "{stderr}");

    // Not a report: status 2, nothing written.
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, "购物清单\n苹果\n香蕉\n").unwrap();
    let target = dir.path().join("junk.md");
    let (code, _, stderr) = nianbao(&[
        "import",
        junk.to_str().unwrap(),
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("认不出"), "{stderr}");
    assert!(!target.exists());

    // An existing report is never overwritten without --force.
    std::fs::write(&target, "hand-edited\n").unwrap();
    let (code, _, stderr) = nianbao(&[
        "import",
        &fixture("pipe_rows_2021.txt"),
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "hand-edited\n");
    let (code, _, _) = nianbao(&[
        "import",
        &fixture("pipe_rows_2021.txt"),
        "--out",
        target.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, 0);
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("---\n")
    );
}
