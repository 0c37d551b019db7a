//! `build --watch` on a temporary copy of the sample site: the watcher runs
//! as a library call in a thread; each test changes files the way editors do
//! and waits (generously) for the output to follow, asserting on content.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nianbao::BuildOptions;
use nianbao::watch::{Outcome, StopHandle, WatchOptions, Watcher};
use scraper::{Html, Selector};

use crate::support::rebuild_common;

const TIMEOUT: Duration = Duration::from_secs(30);

/// What the watcher reported: (ok, diagnostics as text) per build.
type Log = Arc<Mutex<Vec<(bool, Vec<String>)>>>;
/// Per build, the report files it took in (changed or added).
type TookIn = Arc<Mutex<Vec<Vec<String>>>>;

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    stop: StopHandle,
    thread: Option<JoinHandle<()>>,
    log: Log,
    took_in: TookIn,
}

impl Site {
    fn start(poll: bool) -> Site {
        let (dir, root) = rebuild_common::sample_site();
        let watcher = Watcher::new();
        let stop = watcher.stop_handle();
        let log: Log = Arc::default();
        let log2 = log.clone();
        let took_in: TookIn = Arc::default();
        let took_in2 = took_in.clone();
        let opts = WatchOptions {
            build: BuildOptions::new(&root),
            poll,
        };
        let thread = std::thread::spawn(move || {
            watcher
                .run(&opts, |o: &Outcome| {
                    let diags = o
                        .diagnostics()
                        .iter()
                        .map(|d| format!("{} {} {}", d.code, d.location(), d.message.zh))
                        .collect();
                    let c = o.changes();
                    let files = c.changed.iter().chain(&c.added).cloned().collect();
                    took_in2.lock().unwrap().push(files);
                    log2.lock().unwrap().push((o.is_ok(), diags));
                })
                .unwrap();
        });
        let site = Site {
            _dir: dir,
            root,
            stop,
            thread: Some(thread),
            log,
            took_in,
        };
        site.wait("the first build", |s| s.builds() >= 1);
        assert!(
            site.log.lock().unwrap()[0].0,
            "the sample builds: {:?}",
            site.log.lock().unwrap()
        );
        site
    }

    fn builds(&self) -> usize {
        self.log.lock().unwrap().len()
    }
    fn last(&self) -> (bool, Vec<String>) {
        self.log.lock().unwrap().last().cloned().unwrap()
    }
    /// The outcome of the latest build that took in `rel` (a report file
    /// relative to the root), once it is logged: a build for an earlier
    /// save can be logged after a later save's page is written.
    fn last_taking_in(&self, rel: &str) -> Option<(bool, Vec<String>)> {
        let took_in = self.took_in.lock().unwrap();
        let log = self.log.lock().unwrap();
        let i = took_in
            .iter()
            .rposition(|files| files.iter().any(|f| f == rel))?;
        log.get(i).cloned()
    }
    fn out(&self, rel: &str) -> PathBuf {
        self.root.join("public").join(rel)
    }
    fn read_out(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out(rel)).unwrap_or_default()
    }
    fn report(&self) -> PathBuf {
        self.root.join("content/2021/pingan.md")
    }

    fn wait(&self, what: &str, done: impl Fn(&Site) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {what}; builds: {:?}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn text_of(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

fn links_of(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse("a[href]").unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

fn sample_with(from: &str, to: &str) -> String {
    let text = rebuild_common::SAMPLE.to_string();
    assert!(text.contains(from), "the sample contains {from}");
    text.replacen(from, to, 1)
}

const PROSE: &str = "创新活动形式";
const PAGE: &str = "2021/pingan/index.html";

fn page_has(site: &Site, marker: &str) -> bool {
    text_of(&site.read_out(PAGE), "main p")
        .iter()
        .any(|p| p.contains(marker))
}

#[test]
fn an_in_place_save_updates_the_page() {
    let site = Site::start(false);
    assert!(!page_has(&site, "就地保存"));
    std::fs::write(site.report(), sample_with(PROSE, "就地保存")).unwrap();
    site.wait("the saved text on the page", |s| page_has(s, "就地保存"));
    assert!(site.last().0);
    // The other pages are still there and the year index still lists the report.
    assert!(
        links_of(&site.read_out("2021/index.html"))
            .iter()
            .any(|h| h.contains("pingan"))
    );
}

#[test]
fn a_save_by_rename_updates_the_page() {
    let site = Site::start(false);
    // IDE style: write a temporary file beside it, rename it over the report.
    let tmp = site.root.join("content/2021/.pingan.md.tmp");
    std::fs::write(&tmp, sample_with(PROSE, "改名保存")).unwrap();
    std::fs::rename(&tmp, site.report()).unwrap();
    site.wait("the renamed-over text on the page", |s| {
        page_has(s, "改名保存")
    });

    // vim style (backupcopy=no): probe file 4913, move the original to `pingan.md~`,
    // write a new file, delete the backup and a swap file that comes and goes.
    let dir = site.root.join("content/2021");
    std::fs::write(dir.join("4913"), "").unwrap();
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::fs::write(dir.join(".pingan.md.swp"), "swap").unwrap();
    std::fs::rename(site.report(), dir.join("pingan.md~")).unwrap();
    std::fs::write(site.report(), sample_with(PROSE, "vim保存")).unwrap();
    std::fs::remove_file(dir.join("pingan.md~")).unwrap();
    site.wait("vim's save on the page", |s| page_has(s, "vim保存"));
    assert!(site.last().0, "{:?}", site.last());
}

#[test]
fn a_broken_save_keeps_the_last_good_output_and_the_next_good_save_rebuilds() {
    let site = Site::start(false);
    let before = std::fs::read(site.out(PAGE)).unwrap();
    let index_before = std::fs::read(site.out("2021/index.html")).unwrap();
    let builds = site.builds();
    // 予以公开 for 自然人 becomes 1: the 总计 row no longer adds up.
    let broken = sample_with(
        "予以公开:                        [0, 0, 0, 0, 0, 0, 0]",
        "予以公开:                        [1, 0, 0, 0, 0, 0, 0]",
    );
    let line = broken
        .lines()
        .position(|l| l.starts_with("予以公开:"))
        .unwrap()
        + 1;
    std::fs::write(site.report(), broken.replacen(PROSE, "坏的保存", 1)).unwrap();
    site.wait("the failed rebuild", |s| s.builds() > builds);
    let (ok, diags) = site.last();
    assert!(!ok, "{diags:?}");
    assert!(
        diags
            .iter()
            .any(|d| d.contains("content/2021/pingan.md:") && d.contains(&format!(":{line}:"))),
        "the error names the file and line {line}: {diags:?}"
    );
    // Byte for byte what it was: nothing was published.
    assert_eq!(std::fs::read(site.out(PAGE)).unwrap(), before);
    assert_eq!(
        std::fs::read(site.out("2021/index.html")).unwrap(),
        index_before
    );
    assert!(!page_has(&site, "坏的保存"));

    std::fs::write(site.report(), sample_with(PROSE, "改好了")).unwrap();
    site.wait("the fixed save on the page", |s| {
        page_has(s, "改好了") && s.last().0
    });
}

fn second_report() -> String {
    sample_with("township: 平安镇", "township: 新安镇")
        .replacen("slug: pingan", "slug: xinan", 1)
        .replacen(
            "organ: 大洼区平安镇人民政府",
            "organ: 大洼区新安镇人民政府",
            1,
        )
}

#[test]
fn a_new_report_appears_in_the_year_index_and_a_deleted_one_disappears() {
    let site = Site::start(false);
    let new = site.root.join("content/2021/xinan.md");
    std::fs::write(&new, second_report()).unwrap();
    site.wait("the new report in the year index", |s| {
        links_of(&s.read_out("2021/index.html"))
            .iter()
            .any(|h| h.contains("xinan"))
    });
    assert!(site.out("2021/xinan/index.html").is_file());
    assert!(
        text_of(&site.read_out("2021/xinan/index.html"), "h1")
            .concat()
            .contains("新安镇")
    );
    assert!(site.out("townships/xinan/index.html").is_file());

    // The watched output equals a one-shot build of the same sources.
    same_as_one_shot(&site);

    std::fs::remove_file(&new).unwrap();
    site.wait("the deleted report gone", |s| {
        !s.out("2021/xinan/index.html").exists()
    });
    assert!(
        !links_of(&site.read_out("2021/index.html"))
            .iter()
            .any(|h| h.contains("xinan"))
    );
    assert!(!site.out("townships/xinan").exists());
    assert!(
        links_of(&site.read_out("2021/index.html"))
            .iter()
            .any(|h| h.contains("pingan"))
    );
    same_as_one_shot(&site);
}

#[test]
fn a_renamed_report_moves_its_page() {
    let site = Site::start(false);
    // A file renamed to another slug's name: the slug comes from the front matter,
    // so give the new file its own slug too.
    let new = site.root.join("content/2021/xinan.md");
    std::fs::write(site.report(), second_report()).unwrap();
    std::fs::rename(site.report(), &new).unwrap();
    site.wait("the page under its new name", |s| {
        s.out("2021/xinan/index.html").is_file() && !s.out(PAGE).exists()
    });
    same_as_one_shot(&site);
}

#[test]
fn templates_static_files_and_site_toml_are_reread() {
    let site = Site::start(false);
    std::fs::create_dir_all(site.root.join("templates")).unwrap();
    std::fs::write(
        site.root.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<p>模板已改</p>{% endblock %}",
    )
    .unwrap();
    site.wait("the new template used", |s| {
        s.read_out("404.html").contains("模板已改")
    });

    std::fs::create_dir_all(site.root.join("static")).unwrap();
    std::fs::write(site.root.join("static/extra.css"), "p{color:red}").unwrap();
    site.wait("the new static file copied", |s| {
        s.read_out("static/extra.css") == "p{color:red}"
    });

    // site.toml replaced by rename.
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    let title = "title = \"政府信息公开工作年度报告\"";
    assert!(toml.contains(title));
    std::fs::write(
        site.root.join(".site.toml.new"),
        toml.replacen(title, "title = \"改名后的站点\"", 1),
    )
    .unwrap();
    std::fs::rename(
        site.root.join(".site.toml.new"),
        site.root.join("site.toml"),
    )
    .unwrap();
    site.wait("the new site title", |s| {
        text_of(&s.read_out("index.html"), "h1")
            .concat()
            .contains("改名后的站点")
    });
    assert!(site.last().0);
}

#[test]
fn polling_sees_saves_too() {
    let site = Site::start(true);
    std::fs::write(site.report(), sample_with(PROSE, "轮询保存")).unwrap();
    site.wait("the polled save on the page", |s| page_has(s, "轮询保存"));
}

/// Every file of the watched output equals a fresh one-shot build's.
fn same_as_one_shot(site: &Site) {
    rebuild_common::same_as_one_shot(&site.root, &site._dir.path().join("one-shot"));
}

#[test]
fn cross_year_warnings_follow_the_township_s_saves() {
    let site = Site::start(false);
    // 2020 carried one application forward; the 2021 sample carries over none: W1.
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/check/pingan-2020.md"
    );
    std::fs::create_dir_all(site.root.join("content/2020")).unwrap();
    let builds = site.builds();
    std::fs::copy(fixture, site.root.join("content/2020/pingan.md")).unwrap();
    site.wait("the 2020 report built", |s| {
        s.builds() > builds
            && s.out("2020/pingan/index.html").is_file()
            && s.last_taking_in("content/2020/pingan.md")
                .is_some_and(|b| b.0)
    });
    let (ok, diags) = site
        .last_taking_in("content/2020/pingan.md")
        .unwrap_or_default();
    assert!(ok, "a warning does not stop the build: {diags:?}");
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("W1 content/2021/pingan.md:32:")),
        "{diags:?}"
    );

    // The 2021 report now carries the application over (and forward): W1 is gone.
    let fixed = sample_with(
        "上年结转政府信息公开申请数量:     [0, 0, 0, 0, 0, 0, 0]",
        "上年结转政府信息公开申请数量:     [1, 0, 0, 0, 0, 0, 1]",
    )
    .replacen(
        "结转下年度继续办理:               [0, 0, 0, 0, 0, 0, 0]",
        "结转下年度继续办理:               [1, 0, 0, 0, 0, 0, 1]",
        1,
    ) + "\n已核对结转数。\n";
    let builds = site.builds();
    std::fs::write(site.report(), fixed).unwrap();
    // Waiting for the saved text on the page, not just for a build: under
    // load, a late build of the 2020 copy could otherwise be taken for it.
    // The page is written before its build's outcome is logged: wait for
    // the outcome of a build that took the save in, not the last one.
    site.wait("the fixed 2021 report built", |s| {
        s.builds() > builds
            && std::fs::read_to_string(s.out("2021/pingan/index.html"))
                .is_ok_and(|page| page.contains("已核对结转数"))
            && s.last_taking_in("content/2021/pingan.md")
                .is_some_and(|b| b.0)
    });
    let (_, diags) = site
        .last_taking_in("content/2021/pingan.md")
        .unwrap_or_default();
    assert!(!diags.iter().any(|d| d.starts_with("W1 ")), "{diags:?}");
    same_as_one_shot(&site);
}

#[test]
fn region_pages_follow_figures_and_moves_between_regions() {
    let site = Site::start(false);
    // A second township in another region, so one region page is untouched by the saves.
    let other = site.root.join("content/2021/xinan.md");
    std::fs::write(
        &other,
        second_report().replacen("region: 大洼区", "region: 盘山县", 1),
    )
    .unwrap();
    site.wait("the second region", |s| {
        s.out("regions").is_dir() && s.builds() >= 2 && s.last().0
    });
    same_as_one_shot(&site);

    // A figure changes: 平安镇's region page sums it.
    std::fs::write(
        site.report(),
        rebuild_common::one_more_application(rebuild_common::SAMPLE),
    )
    .unwrap();
    let builds = site.builds();
    site.wait("the rebuild after the figure change", |s| {
        s.builds() > builds
    });
    assert!(site.last().0, "{:?}", site.last());
    same_as_one_shot(&site);

    // 新安镇 moves to 大洼区: both region pages change, the emptied one goes.
    std::fs::write(&other, second_report()).unwrap();
    let builds = site.builds();
    site.wait("the rebuild after the move", |s| s.builds() > builds);
    assert!(site.last().0, "{:?}", site.last());
    same_as_one_shot(&site);
}
