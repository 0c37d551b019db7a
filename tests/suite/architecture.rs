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

/// Lines of `line` that open (`+`) and close (`-`) blocks, with string and
/// character literals and line comments left out.
fn brace_balance(line: &str) -> i32 {
    let line = line.split("//").next().unwrap_or("");
    let mut depth = 0;
    let mut chars = line.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        match (in_str, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => in_str = false,
            (true, _) => {}
            (false, '"') => in_str = true,
            // A character literal such as '{' (not a lifetime: those have no closing quote soon).
            (false, '\'') => {
                let rest: String = chars.clone().take(3).collect();
                if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                } else if rest.starts_with('\\') && rest.chars().nth(2) == Some('\'') {
                    chars.next();
                    chars.next();
                    chars.next();
                }
            }
            (false, '{') => depth += 1,
            (false, '}') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Functions longer than `max` lines in `text` (before its unit tests):
/// (name, first line, length).
fn long_functions(text: &str, max: usize) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .lines()
        .collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let t = t.strip_prefix("pub ").unwrap_or(t);
        let t = t.strip_prefix("pub(crate) ").unwrap_or(t);
        let t = t.strip_prefix("pub(super) ").unwrap_or(t);
        let t = t.strip_prefix("const ").unwrap_or(t);
        let t = t.strip_prefix("async ").unwrap_or(t);
        let Some(sig) = t.strip_prefix("fn ") else {
            continue;
        };
        let name: String = sig
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut opened) = (0, false);
        for (j, body) in lines[i..].iter().enumerate() {
            if !opened && body.trim_end().ends_with(';') && !body.contains('{') {
                break; // a declaration without a body
            }
            let b = brace_balance(body);
            opened |= body.contains('{');
            depth += b;
            if opened && depth <= 0 {
                if j + 1 > max {
                    out.push((name.clone(), i + 1, j + 1));
                }
                break;
            }
        }
    }
    out
}

/// Functions fit on a screen and files stay readable: no function over
/// ~100 lines, no file over 600 lines before its unit tests (issue 19).
#[test]
fn functions_fit_on_a_screen_and_files_stay_small() {
    let mut fs = Vec::new();
    files(&manifest().join("src"), &mut fs);
    assert!(fs.len() > 50);
    let mut long = Vec::new();
    let mut big = Vec::new();
    for f in fs {
        let text = std::fs::read_to_string(&f).unwrap();
        let rel = f.strip_prefix(manifest()).unwrap().display().to_string();
        for (name, line, len) in long_functions(&text, 100) {
            long.push(format!("{rel}:{line} {name} ({len} lines)"));
        }
        let lines = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or("")
            .lines()
            .count();
        if lines > 600 {
            big.push(format!("{rel} ({lines} lines)"));
        }
    }
    assert!(
        long.is_empty(),
        "functions over 100 lines:\n{}",
        long.join("\n")
    );
    assert!(big.is_empty(), "files over 600 lines:\n{}", big.join("\n"));
}

#[test]
fn the_length_counter_counts() {
    let text = "fn a() {\n    let s = \"}}}\";\n    let c = '{';\n}\nfn b() -> X;\n";
    assert_eq!(long_functions(text, 3), vec![("a".to_string(), 1, 4)]);
    assert!(long_functions(text, 4).is_empty());
}
