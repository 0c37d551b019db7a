//! Helpers for the `check` tests: a temporary site holding variants of the
//! sample report, and the built `nianbao` binary run on it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The sample report (大洼区平安镇 2021) as shipped in the repository.
pub fn sample() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/2021/pingan.md"))
        .expect("sample report")
}

/// A gov-2019 fixture (2019 or 2020) of the same township.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/check")
            .join(name),
    )
    .expect("fixture")
}

/// `text` with whole lines replaced: `(line number, new text)`, 1-based.
/// The new text may hold several lines (later line numbers then shift).
pub fn edit(text: &str, edits: &[(usize, &str)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for &(n, new) in edits {
        assert!(n >= 1 && n <= lines.len(), "line {n} out of range");
        lines[n - 1] = new.to_string();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The sample with lines replaced, after asserting each replaced line held `was`
/// (so a change to the sample fails loudly rather than testing nothing).
pub fn variant(edits: &[(usize, &str, &str)]) -> String {
    let s = sample();
    let lines: Vec<&str> = s.lines().collect();
    for &(n, was, _) in edits {
        assert!(
            lines[n - 1].contains(was),
            "sample line {n} is `{}`, expected it to contain `{was}`",
            lines[n - 1]
        );
    }
    let plain: Vec<(usize, &str)> = edits.iter().map(|&(n, _, new)| (n, new)).collect();
    edit(&s, &plain)
}

pub use super::site::TempSite as Site;

impl Site {
    /// A site with the repository's site.toml and no reports.
    pub fn new() -> Site {
        Site::empty()
    }
    /// A site holding one report at content/2021/pingan.md.
    pub fn with(report: &str) -> Site {
        let s = Site::empty();
        s.write("content/2021/pingan.md", report);
        s
    }
    pub fn root(&self) -> PathBuf {
        self.root.clone()
    }
    /// `nianbao check --format json`: exit code and the parsed diagnostics.
    pub fn check_json(&self, extra: &[&str]) -> (i32, Vec<Diag>) {
        let mut args = vec![
            "check",
            "--root",
            self.root.to_str().expect("utf-8 path"),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&args);
        let v: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("JSON output does not parse ({e}):\n{out}\nstderr:\n{err}"));
        let diags = v
            .as_array()
            .expect("a JSON array")
            .iter()
            .map(Diag::from)
            .collect();
        (code, diags)
    }
    /// `nianbao check` in human form: exit code and stderr.
    pub fn check_human(&self, extra: &[&str]) -> (i32, String) {
        let mut args = vec!["check", "--root", self.root.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        let (code, _, err) = run(&args);
        (code, err)
    }
}

/// Run the built binary: exit code, stdout, stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("run nianbao");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One diagnostic as printed by `--format json`.
#[derive(Debug, Clone)]
pub struct Diag {
    pub severity: String,
    pub code: String,
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub labels: Vec<String>,
    pub message: String,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub hint: Option<String>,
    pub related: Vec<(String, Option<u64>)>,
}

impl From<&Value> for Diag {
    fn from(v: &Value) -> Diag {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Diag {
            severity: s("severity").expect("severity"),
            code: s("code").expect("code"),
            file: s("file").unwrap_or_default(),
            line: v.get("line").and_then(Value::as_u64),
            column: v.get("column").and_then(Value::as_u64),
            labels: v
                .get("labels")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            message: s("message").expect("message"),
            expected: s("expected"),
            found: s("found"),
            hint: s("hint"),
            related: v
                .get("related")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|r| {
                            (
                                r.get("file")
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .to_string(),
                                r.get("line").and_then(Value::as_u64),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// The diagnostics with `code`, failing with the whole list when there are none.
pub fn with_code<'a>(diags: &'a [Diag], code: &str) -> Vec<&'a Diag> {
    let v: Vec<&Diag> = diags.iter().filter(|d| d.code == code).collect();
    assert!(!v.is_empty(), "no {code} among:\n{diags:#?}");
    v
}

/// The single diagnostic of the run, asserting there is exactly one.
pub fn only(diags: &[Diag]) -> &Diag {
    assert_eq!(
        diags.len(),
        1,
        "expected exactly one diagnostic, got:\n{diags:#?}"
    );
    &diags[0]
}

pub fn labels(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| s.to_string()).collect()
}
