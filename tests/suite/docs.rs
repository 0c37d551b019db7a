//! The authors' guide lists every row of every built-in format, so it cannot
//! silently fall behind the definitions.

use nianbao::format::Registry;

#[test]
fn authoring_guide_names_every_row_and_table() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/authoring.md")).unwrap();
    let registry = Registry::builtin();
    for id in registry.ids() {
        let f = registry.get(id).unwrap();
        assert!(
            guide.contains(&format!("（{id}，")),
            "the guide has no section for {id}"
        );
        for t in &f.tables {
            assert!(
                guide.contains(&format!("`{}`", t.id)),
                "table {} missing",
                t.id
            );
            for r in 0..t.rows.len() {
                let d = t.row_def(r);
                assert!(
                    guide.contains(&d.label),
                    "{id}: row label {} missing",
                    d.label
                );
                assert!(
                    guide.contains(&format!("`{}`", d.id)),
                    "{id}: row id {} missing",
                    d.id
                );
            }
        }
    }
}

/// Every diagnostic code the sources emit, as a string literal passed to
/// `Diagnostic::error`/`warning`.
fn emitted_codes() -> std::collections::BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut codes = std::collections::BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for call in ["Diagnostic::error(", "Diagnostic::warning(", ".note("] {
            for (i, _) in text.match_indices(call) {
                let rest = text[i + call.len()..].trim_start();
                if let Some(lit) = rest.strip_prefix('"')
                    && let Some(end) = lit.find('"')
                {
                    let code = &lit[..end];
                    if code.len() <= 4
                        && code.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    {
                        codes.insert(code.to_string());
                    }
                }
            }
        }
    }
    codes
}

#[test]
fn every_emitted_code_is_documented() {
    let checks = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checks.md"))
        .unwrap()
        + &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/import.md")).unwrap();
    let codes = emitted_codes();
    assert!(codes.len() > 40, "found only {codes:?}");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !checks.contains(&format!("| {c} |")) && !checks.contains(&format!("### {c} ")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/checks.md and docs/import.md do not document {missing:?}"
    );
}

/// Codes are not free strings: every code the sources emit is in the
/// registry (`Diagnostic::new` also asserts it in debug builds).
#[test]
fn every_emitted_code_is_registered() {
    use nianbao::diag::codes;
    let unregistered: Vec<String> = emitted_codes()
        .into_iter()
        .filter(|c| codes::lookup(c).is_none())
        .collect();
    assert!(
        unregistered.is_empty(),
        "not in diag::codes::CODES: {unregistered:?}"
    );
    // Each code once.
    let mut seen = std::collections::BTreeSet::new();
    for c in codes::CODES {
        assert!(seen.insert(c.code), "{} registered twice", c.code);
    }
}

/// Every registered code is explained in docs/ under the heading the
/// registry names: the heading is the code's own (`### W1 …`) or its
/// section has a table row for it.
#[test]
fn every_registered_code_is_documented_under_its_heading() {
    use nianbao::diag::codes;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for c in codes::CODES {
        let (file, heading) = c.doc;
        let text = std::fs::read_to_string(root.join("docs").join(file)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let start = lines
            .iter()
            .position(|l| l.trim_start_matches('#').trim() == heading && l.starts_with('#'))
            .unwrap_or_else(|| panic!("{}: no heading {heading:?} in docs/{file}", c.code));
        let level = lines[start].chars().take_while(|&ch| ch == '#').count();
        let section: Vec<&str> = lines[start + 1..]
            .iter()
            .take_while(|l| {
                let h = l.chars().take_while(|&ch| ch == '#').count();
                h == 0 || h > level
            })
            .copied()
            .collect();
        let own_heading = heading.starts_with(&format!("{} ", c.code));
        let row = format!("| {} |", c.code);
        assert!(
            own_heading || section.iter().any(|l| l.starts_with(&row)),
            "{}: not documented under {heading:?} in docs/{file}",
            c.code
        );
        assert!(!c.zh.is_empty() && !c.en.is_empty(), "{}: title", c.code);
        assert!(
            c.doc_link().starts_with(&format!("docs/{file}#")),
            "{}",
            c.doc_link()
        );
    }
}
