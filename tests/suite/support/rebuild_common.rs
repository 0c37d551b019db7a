//! For the tests of rebuilds (watch, serve, incremental): a temporary copy
//! of the sample site, and comparing an output folder with a one-shot build
//! of the same site (a rebuild must give exactly the bytes `nianbao build`
//! gives).

use std::path::{Path, PathBuf};

use nianbao::BuildOptions;

/// The sample report, as in the repository.
pub const SAMPLE: &str = include_str!("../../../content/2021/pingan.md");

/// `text` (the sample, or a copy of it) with one more application from a
/// natural person, received and withheld as internal (三类内部事务信息):
/// every identity still holds, and the summary figures change.
pub fn one_more_application(text: &str) -> String {
    let mut out = text.to_string();
    for (from, to) in [
        (
            "本年新收政府信息公开申请数量:     [3, 0, 0, 0, 0, 0, 3]",
            "本年新收政府信息公开申请数量:     [4, 0, 0, 0, 0, 0, 4]",
        ),
        (
            "  属于三类内部事务信息:          [3, 0, 0, 0, 0, 0, 3]",
            "  属于三类内部事务信息:          [4, 0, 0, 0, 0, 0, 4]",
        ),
        (
            "总计:                            [3, 0, 0, 0, 0, 0, 3]",
            "总计:                            [4, 0, 0, 0, 0, 0, 4]",
        ),
    ] {
        assert!(out.contains(from), "the sample contains {from}");
        out = out.replacen(from, to, 1);
    }
    out
}

/// A temporary folder holding `site/`: the sample's `site.toml` and its
/// report at `content/2021/pingan.md`. Returns the folder and the site root.
pub fn sample_site() -> (tempfile::TempDir, PathBuf) {
    let s = super::site::TempSite::empty();
    s.write("content/2021/pingan.md", SAMPLE);
    s.into_parts()
}

/// Every file under `dir`: path relative to it, and bytes; sorted by path.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Assert that `<root>/public` holds exactly what a one-shot build of `root`
/// writes (built into `scratch`, removed afterwards) — except the search
/// index, which only `nianbao build` writes (see docs/site.md).
pub fn same_as_one_shot(root: &Path, scratch: &Path) {
    let mut opts = BuildOptions::new(root);
    opts.out = Some(scratch.to_path_buf());
    nianbao::build(&opts).unwrap();
    let not_search = |v: Vec<(String, Vec<u8>)>| {
        v.into_iter()
            .filter(|(p, _)| !p.starts_with("pagefind/"))
            .collect::<Vec<_>>()
    };
    let (a, b) = (files(&root.join("public")), not_search(files(scratch)));
    assert_eq!(
        a.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        b.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for ((p, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{p} differs from a one-shot build");
    }
    std::fs::remove_dir_all(scratch).unwrap();
}
