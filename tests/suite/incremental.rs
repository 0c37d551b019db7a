//! The watcher's rebuilds, driven through `incremental::Build` directly: how
//! much a save re-renders, and that the result always equals a one-shot
//! build of the same files.

use std::path::{Path, PathBuf};

use nianbao::BuildOptions;
use nianbao::incremental::Build;

use crate::support::rebuild_common;
use rebuild_common::{SAMPLE, sample_site};

fn site() -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = sample_site();
    // A second township, so that there are index entries a save must not touch.
    std::fs::write(
        root.join("content/2021/xinan.md"),
        SAMPLE
            .replace("slug: pingan", "slug: xinan")
            .replace("平安镇", "新安镇"),
    )
    .unwrap();
    (dir, root)
}

fn same_as_one_shot(root: &Path) {
    rebuild_common::same_as_one_shot(root, &root.parent().unwrap().join("one-shot"));
}

/// Save `text` as the 平安镇 report and rebuild; the paths of the files rendered.
fn save(build: &mut Build, root: &Path, text: &str) -> usize {
    let path = root.join("content/2021/pingan.md");
    std::fs::write(&path, text).unwrap();
    build.touch(&[path]);
    let rebuilt = build.publish().unwrap();
    same_as_one_shot(root);
    same_diagnostics_as_check(build, root);
    rebuilt.rendered
}

#[test]
fn a_save_re_renders_only_what_shows_the_change() {
    let (_dir, root) = site();
    let mut build = Build::new(BuildOptions::new(&root)).unwrap();
    let first = build.publish().unwrap().rendered;
    assert!(first > 10, "the first build renders everything: {first}");
    same_as_one_shot(&root);

    // Prose: only the report's page and its report.json.
    let prose = SAMPLE.replace("## 一、总体情况\n", "## 一、总体情况\n\n新增的一段说明。\n");
    assert_eq!(save(&mut build, &root, &prose), 2);
    let page = std::fs::read_to_string(root.join("public/2021/pingan/index.html")).unwrap();
    assert!(page.contains("新增的一段说明"));

    // A figure no index page shows (主动公开 规章): also the year's CSV.
    let active = prose.replacen("规章:           [0, 0, 0]", "规章:           [2, 0, 2]", 1);
    assert_eq!(save(&mut build, &root, &active), 3);
    let csv = std::fs::read_to_string(root.join("public/data/2021.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.contains("pingan") && l.contains(",2,")),
        "{csv}"
    );

    // A figure the year page sums: the index pages follow (checked against
    // the one-shot build inside `save`), more than the report's own files.
    let summary = rebuild_common::one_more_application(&active);
    assert!(save(&mut build, &root, &summary) > 3);

    // A new title is shown on the index pages too.
    let titled = summary.replacen(
        "year: 2021\n",
        "year: 2021\ntitle: 平安镇2021年度报告（修订）\n",
        1,
    );
    assert!(save(&mut build, &root, &titled) > 3);
    let town = std::fs::read_to_string(root.join("public/townships/pingan/index.html")).unwrap();
    assert!(
        town.contains("修订"),
        "the township page lists the new title"
    );
}

/// Saves that move a report within the site: the sitemap, the data package
/// and the year files follow (each result equals a one-shot build).
#[test]
fn moves_dates_and_deletions_reach_every_site_wide_file() {
    let (_dir, root) = site();
    let mut build = Build::new(BuildOptions::new(&root)).unwrap();
    build.publish().unwrap();
    let sitemap = || std::fs::read_to_string(root.join("public/sitemap.xml")).unwrap();

    // A publication date: the sitemap gives the page's lastmod.
    let dated = SAMPLE.replacen("year: 2021\n", "year: 2021\npublished: 2022-01-05\n", 1);
    save(&mut build, &root, &dated);
    assert!(sitemap().contains("2022-01-05"), "{}", sitemap());

    // Another region: both region pages and the sitemap follow.
    let moved = dated.replacen("region: 大洼区", "region: 盘山县", 1);
    save(&mut build, &root, &moved);
    assert_eq!(sitemap().matches("/regions/").count(), 2, "{}", sitemap());

    // Another year: the page moves, a 2022 CSV appears beside 2021's.
    let later = moved.replacen("year: 2021\n", "year: 2022\n", 1).replacen(
        "published: 2022-01-05",
        "published: 2023-01-05",
        1,
    );
    save(&mut build, &root, &later);
    assert!(root.join("public/2022/pingan/index.html").is_file());
    assert!(!root.join("public/2021/pingan").exists());
    assert!(root.join("public/data/2022.csv").is_file());

    // Deleted: its pages and rows go.
    let path = root.join("content/2021/pingan.md");
    std::fs::remove_file(&path).unwrap();
    build.touch(&[path]);
    build.publish().unwrap();
    same_as_one_shot(&root);
    assert!(!root.join("public/data/2022.csv").exists());
    assert!(!sitemap().contains("pingan"));
}

/// A region's URL name written in one report's front matter applies to
/// every report of that region: the other townships' pages link to it too.
#[test]
fn a_region_slug_given_by_one_report_reaches_every_page_of_the_region() {
    let (_dir, root) = site();
    let other = root.join("content/2021/xinan.md");
    let in_panshan = |text: &str| text.replacen("region: 大洼区", "region: 盘山县", 1);
    std::fs::write(
        &other,
        in_panshan(
            &SAMPLE
                .replace("slug: pingan", "slug: xinan")
                .replace("平安镇", "新安镇"),
        ),
    )
    .unwrap();
    std::fs::write(root.join("content/2021/pingan.md"), in_panshan(SAMPLE)).unwrap();
    let mut build = Build::new(BuildOptions::new(&root)).unwrap();
    build.publish().unwrap();
    same_as_one_shot(&root);

    // 平安镇 now names the region's URL; 新安镇's page must link there too.
    let named = in_panshan(SAMPLE).replacen(
        "region: 盘山县\n",
        "region: 盘山县\nregion_slug: panshan\n",
        1,
    );
    save(&mut build, &root, &named);
    let xinan = std::fs::read_to_string(root.join("public/2021/xinan/index.html")).unwrap();
    assert!(
        xinan.contains("regions/panshan/"),
        "新安镇 links the named region"
    );
}

/// The watcher's diagnostics are `check`'s: after every edit, what
/// `Build::diagnostics` holds equals what loading the site afresh reports.
/// (The watcher re-checks only the townships an edit touched; a check that
/// looked across townships would show here.)
fn same_diagnostics_as_check(build: &Build, root: &Path) -> Vec<String> {
    use nianbao::diag::{Lang, render_human};
    let fresh = nianbao::site::load(root).unwrap();
    let text = |d: &[nianbao::diag::Diagnostic]| render_human(d, Lang::En, false);
    let watched = build.diagnostics();
    assert_eq!(text(&watched), text(&fresh.diagnostics));
    watched.iter().map(|d| d.code.to_string()).collect()
}

#[test]
fn watch_diagnostics_equal_check_after_every_edit() {
    let (_dir, root) = site();
    let mut build = Build::new(BuildOptions::new(&root)).unwrap();
    build.publish().unwrap();
    same_diagnostics_as_check(&build, &root);
    let mut codes = std::collections::BTreeSet::new();
    let pingan_2022 = root.join("content/2022/pingan.md");
    let dup = root.join("content/2021/xinan-copy.md");
    let xinan = root.join("content/2021/xinan.md");
    let pingan = root.join("content/2021/pingan.md");
    let other_slug = root.join("content/2021/pingan-copy.md");
    let next_year = SAMPLE.replace("year: 2021", "year: 2022");
    let steps: Vec<(&Path, Option<String>)> = vec![
        // Next year of 平安镇: cross-year rules against 2021.
        (&pingan_2022, Some(next_year.clone())),
        // 2021 changes under it: the 2022 report's cross-year notes follow.
        (&pingan, Some(rebuild_common::one_more_application(SAMPLE))),
        // 2021 carries one application forward that 2022 does not take
        // over (W1 in 2022, and 2021's own totals no longer add up).
        (
            &pingan,
            Some(SAMPLE.replacen(
                "结转下年度继续办理:               [0, 0, 0, 0, 0, 0, 0]",
                "结转下年度继续办理:               [1, 0, 0, 0, 0, 0, 1]",
                1,
            )),
        ),
        // 平安镇 2021 again under another URL name: a duplicate across
        // townships (the same township name and organ), then gone.
        (
            &other_slug,
            Some(SAMPLE.replace("slug: pingan", "slug: pingan2")),
        ),
        (&other_slug, None),
        // A second 新安镇 2021 report: a duplicate within one township.
        (&dup, Some(std::fs::read_to_string(&xinan).unwrap())),
        (&dup, None),
        // 新安镇 renamed into 平安镇's slug: two townships' checks meet.
        (
            &xinan,
            Some(
                std::fs::read_to_string(&xinan)
                    .unwrap()
                    .replace("slug: xinan", "slug: pingan"),
            ),
        ),
        (&pingan_2022, None),
        // A figure that breaks an identity.
        (
            &pingan,
            Some(SAMPLE.replacen("规章:           [0, 0, 0]", "规章:           [0, 0, 5]", 1)),
        ),
    ];
    for (path, text) in steps {
        match &text {
            Some(t) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, t).unwrap();
            }
            None => std::fs::remove_file(path).unwrap(),
        }
        build.touch(&[path.to_path_buf()]);
        let _ = build.publish();
        codes.extend(same_diagnostics_as_check(&build, &root));
    }
    // The edits did raise problems for the comparison to be about.
    assert!(codes.contains("W1") && codes.len() >= 4, "{codes:?}");
}

/// A site read more than 64 files at once (sorted whole, not inserted one
/// by one) keeps each report's published summary with that report: saves,
/// a new township between two others and a deletion, each published as a
/// one-shot build publishes the same files. A summary kept at the wrong
/// report would put one township's name or figures in another's row.
#[test]
fn kept_summaries_follow_their_reports_when_reports_come_and_go() {
    let crate::support::site::TempSite { dir: _dir, root } =
        crate::support::site::TempSite::corpus(90, 5);
    let mut build = Build::new(BuildOptions::new(&root)).unwrap();
    build.publish().unwrap();
    same_as_one_shot(&root);

    let content = root.join("content");
    let files: Vec<PathBuf> = rebuild_common::files(&content)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .map(|(rel, _)| content.join(rel))
        .collect();
    // A summary change: the township's name, on every index page.
    let first = files[0].clone();
    let text = std::fs::read_to_string(&first).unwrap();
    let township = text
        .lines()
        .find_map(|l| l.strip_prefix("township: "))
        .unwrap()
        .to_string();
    std::fs::write(&first, text.replace(&township, "改名镇")).unwrap();
    build.touch(std::slice::from_ref(&first));
    build.publish().unwrap();
    same_as_one_shot(&root);

    // A new township sorting among the others, in the same year.
    let slug = text
        .lines()
        .find_map(|l| l.strip_prefix("slug: "))
        .unwrap()
        .to_string();
    let new = first.with_file_name("bzzz-new.md");
    let copy = text
        .replace(&township, "新添镇")
        .replace(&format!("slug: {slug}"), "slug: bzzz-new");
    std::fs::write(&new, copy).unwrap();
    build.touch(std::slice::from_ref(&new));
    build.publish().unwrap();
    same_as_one_shot(&root);

    // A report removed, then another saved.
    std::fs::remove_file(&files[1]).unwrap();
    build.touch(std::slice::from_ref(&files[1]));
    build.publish().unwrap();
    same_as_one_shot(&root);
    let last = files.last().unwrap();
    let text = std::fs::read_to_string(last).unwrap();
    std::fs::write(last, text.replacen("organ: ", "organ: 新", 1)).unwrap();
    build.touch(std::slice::from_ref(last));
    build.publish().unwrap();
    same_as_one_shot(&root);
}
