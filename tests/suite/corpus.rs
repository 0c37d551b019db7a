//! The project's own corpus (`nianbao corpus`): valid, continuous across
//! years, both formats, and the same bytes for the same seed.

use crate::support::common::run;
use crate::support::rebuild_common::files;

fn write(dir: &std::path::Path, reports: usize, seed: u64) -> usize {
    nianbao::corpus::write(&nianbao::corpus::Options {
        reports,
        seed,
        out: dir.to_path_buf(),
        hugo: Some(dir.join("hugo")),
        zola: Some(dir.join("zola")),
    })
    .unwrap()
}

#[test]
fn the_corpus_checks_without_errors_or_warnings() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(write(dir.path(), 61, 3), 61);
    let (code, out, err) = run(&[
        "check",
        "--root",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let diags: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(diags, serde_json::json!([]), "no diagnostic at all");
    let reports: Vec<_> = nianbao::corpus::reports(61, 3).collect();
    let old = reports.iter().filter(|g| g.figures.gov2019()).count();
    assert!(
        old > 0 && old < reports.len(),
        "both formats: {old} gov-2019"
    );
    let towns: std::collections::BTreeSet<_> = reports.iter().map(|g| g.township.region).collect();
    assert!(towns.len() > 5, "many regions: {towns:?}");
}

#[test]
fn consecutive_years_carry_over() {
    let reports: Vec<_> = nianbao::corpus::reports(24, 11).collect();
    let mut carried_something = false;
    for w in reports.windows(2) {
        if w[0].township.slug == w[1].township.slug {
            assert_eq!(w[1].year, w[0].year + 1);
            assert_eq!(w[1].figures.carried, w[0].figures.forward);
            carried_something |= w[0].figures.forward.iter().any(|&v| v > 0);
        }
    }
    assert!(carried_something, "some report carries applications over");
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    write(a.path(), 20, 5);
    write(b.path(), 20, 5);
    write(c.path(), 20, 6);
    assert!(files(a.path()) == files(b.path()));
    assert!(files(a.path()) != files(c.path()));
    assert!(a.path().join("hugo/layouts/_default/single.html").is_file());
    assert!(a.path().join("zola/templates/page.html").is_file());
}
