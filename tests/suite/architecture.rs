//! Data flows one way (issue 19): no module of the library depends, through
//! any chain of `crate::…` paths, on a module that depends on it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::site::manifest;

/// The code of a file without comments and without its unit tests.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn files(p: &Path, out: &mut Vec<std::path::PathBuf>) {
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap().flatten() {
            files(&e.path(), out);
        }
    } else if p.extension().is_some_and(|e| e == "rs") {
        out.push(p.to_path_buf());
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = manifest().join("src");
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        let name = e
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if name == "main" || name == "lib" {
            continue;
        }
        let mut fs = Vec::new();
        files(&e.path(), &mut fs);
        let deps = g.entry(name.clone()).or_default();
        for f in fs {
            let text = code(&std::fs::read_to_string(f).unwrap());
            for (i, _) in text.match_indices("crate::") {
                let m: String = text[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !m.is_empty() && m != name {
                    deps.insert(m);
                }
            }
        }
    }
    g
}

#[test]
fn no_module_depends_on_one_that_depends_on_it() {
    let g = graph();
    assert!(g.len() > 15, "{g:?}");
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            if m == to {
                return true;
            }
            if seen.insert(m.clone()) {
                stack.extend(g.get(&m).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut loops = Vec::new();
    for (m, deps) in &g {
        for d in deps {
            if g.contains_key(d) && reaches(d, m) {
                loops.push(format!("{m} -> {d}"));
            }
        }
    }
    assert!(loops.is_empty(), "module loops: {loops:?}");
    // The bottom stays the bottom.
    for low in ["diag", "format", "yaml", "html", "config", "output"] {
        for high in ["site", "render", "serve", "watch", "incremental"] {
            assert!(!reaches(low, high), "{low} reaches {high}");
        }
    }
}
