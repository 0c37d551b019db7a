//! Safe by default: nothing outside the site is published, no folder that
//! nianbao did not write is replaced, special files and link loops cannot
//! hang a build, a killed build leaves the published folder whole, and
//! author text cannot reach the terminal as control sequences.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::common::run;
use crate::support::site::TempSite;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_nianbao")
}

/// Run the binary with a deadline: a hang fails the test instead of
/// wedging it. Exit code, stderr.
fn run_within(args: &[&str], limit: Duration) -> (i32, String) {
    let mut child = Command::new(bin())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return (
                status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("nianbao {args:?} still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_static_symlink_out_of_the_site_is_not_published() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("shadow"), "root:secret").unwrap();
    let site = TempSite::sample();
    std::fs::create_dir_all(site.root.join("static")).unwrap();
    symlink(outside.path(), site.root.join("static/x")).unwrap();
    symlink(
        outside.path().join("shadow"),
        site.root.join("static/y.txt"),
    )
    .unwrap();
    let (code, _, err) = run(&["build", "--root", s(&site.root)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("E010") && err.contains("static/x"), "{err}");
    assert!(err.contains("static/y.txt"), "{err}");
    let out = site.root.join("public/static");
    assert!(!out.join("x").exists() && !out.join("y.txt").exists());
}

#[test]
fn the_output_may_not_be_a_source_folder_a_file_or_a_foreign_folder() {
    let site = TempSite::sample();
    site.write("static/logo.txt", "作者的文件");
    site.write("formats/.keep", "");
    for out in [
        "static",
        "formats",
        "site.toml",
        "content",
        ".",
        "content/2021",
    ] {
        let (code, _, err) = run(&[
            "build",
            "--root",
            s(&site.root),
            "--out",
            &format!("{}/{out}", s(&site.root)),
        ]);
        // 2: the build could not run (as `check` says of an unusable site).
        assert_eq!(code, 2, "--out {out} must be refused: {err}");
        assert!(err.contains("O002"), "{out}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(site.root.join("static/logo.txt")).unwrap(),
        "作者的文件"
    );
    assert!(site.root.join("site.toml").is_file());

    // Another program's folder: refused, and left exactly as it was.
    let other = site.dir.path().join("www");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("index.php"), "<?php").unwrap();
    let (code, _, err) = run(&["build", "--root", s(&site.root), "--out", s(&other)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("O003") && err.contains("nianbao"), "{err}");
    assert!(other.join("index.php").is_file());

    // nianbao's own output (marked) is replaced on the next build.
    let mine = site.dir.path().join("mine");
    for _ in 0..2 {
        let (code, _, err) = run(&["build", "--root", s(&site.root), "--out", s(&mine)]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(mine.join(nianbao::output::MARKER).is_file());
}

#[test]
fn a_symlinked_output_is_published_into_its_target_and_stays_a_link() {
    let site = TempSite::sample();
    let target = site.dir.path().join("real-out");
    let link = site.dir.path().join("out-link");
    std::fs::create_dir_all(&target).unwrap();
    symlink(&target, &link).unwrap();
    for _ in 0..2 {
        let (code, _, err) = run(&["build", "--root", s(&site.root), "--out", s(&link)]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(target.join("2021/pingan/index.html").is_file());
}

#[test]
fn a_fifo_and_symlink_loops_in_content_are_errors_not_hangs() {
    let site = TempSite::sample();
    let fifo = site.root.join("content/2021/pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    symlink("loop-a", site.root.join("content/loop-a")).unwrap();
    symlink(".", site.root.join("content/2021/self")).unwrap();
    for cmd in ["check", "build"] {
        let (code, err) = run_within(&[cmd, "--root", s(&site.root)], Duration::from_secs(60));
        assert_eq!(code, 1, "{cmd}: {err}");
        assert!(
            err.contains("E014") && err.contains("pipe.md"),
            "{cmd}: {err}"
        );
        assert!(
            err.contains("E012") && err.contains("loop-a"),
            "{cmd}: {err}"
        );
        assert!(err.matches("E012").count() <= 4, "each loop once: {err}");
    }
}

#[test]
fn a_report_over_the_size_limit_is_refused_before_it_is_read() {
    let toml = std::fs::read_to_string(crate::support::site::manifest().join("site.toml")).unwrap();
    let site = TempSite::with_toml(&format!("max_report_mb = 1\n{toml}"));
    let big = format!(
        "{}\n{}",
        crate::support::rebuild_common::SAMPLE,
        "很长的一段话。".repeat(120_000)
    );
    site.write("content/2022/pingan.md", big);
    let (code, _, err) = run(&["check", "--root", s(&site.root)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("E015") && err.contains("2022/pingan.md"),
        "{err}"
    );
}

#[test]
fn control_characters_are_refused_and_never_reach_the_terminal() {
    let site = TempSite::empty();
    let text = crate::support::rebuild_common::SAMPLE
        .replace("region: 大洼区", "region: \"大洼\\e[2J区\"")
        .replace(
            "organ: 大洼区平安镇人民政府",
            "organ: \"大洼区平安镇\\0人民政府\"",
        );
    assert!(
        text.contains("\\e[2J") && text.contains("\\0"),
        "sample changed"
    );
    site.write("content/2021/pingan.md", &text);
    let (code, _, err) = run(&["check", "--root", s(&site.root)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("E016"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\0'), "{err:?}");
}

/// The names of what sits beside `out` in its parent folder.
fn beside(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("nianbao-"))
        .collect();
    v.sort();
    v
}

#[test]
fn a_killed_build_leaves_the_published_folder_whole_and_the_next_build_clears_debris() {
    let crate::support::site::TempSite { dir, root } =
        crate::support::site::TempSite::corpus(400, 1);
    let out = dir.path().join("public");
    let (code, _, err) = run(&["build", "--root", s(&root), "--out", s(&out)]);
    assert_eq!(code, 0, "{err}");
    let complete = count_files(&out);

    // A reader polls the home page while builds run and are killed.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (stop, page) = (stop.clone(), out.join("index.html"));
        std::thread::spawn(move || {
            let mut missing = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if std::fs::metadata(&page).is_err() {
                    missing += 1;
                }
            }
            missing
        })
    };
    for (i, ms) in [30u64, 90, 160, 250, 400, 60, 700].iter().enumerate() {
        let mut child = Command::new(bin())
            .args(["build", "--root", s(&root), "--out", s(&out)])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(*ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        assert!(out.join("index.html").is_file(), "kill {i} after {ms} ms");
        assert_eq!(count_files(&out), complete, "kill {i}: the folder is whole");
    }
    // Whole builds while the reader polls: the swap is one step.
    for _ in 0..3 {
        let (code, _, err) = run(&["build", "--root", s(&root), "--out", s(&out)]);
        assert_eq!(code, 0, "{err}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(reader.join().unwrap(), 0, "index.html was never missing");
    assert!(beside(&out).is_empty(), "debris left: {:?}", beside(&out));
}

#[test]
fn debris_of_a_dead_build_is_removed_with_a_note() {
    let site = TempSite::sample();
    let out = site.root.join("public");
    let (code, _, _) = run(&["build", "--root", s(&site.root)]);
    assert_eq!(code, 0);
    // What a build killed between its first steps leaves: a staging folder
    // named for a process that no longer exists, with the marker.
    let dead = site.dir.path().join(".public.nianbao-staging-999999999");
    let debris = out.with_file_name(dead.file_name().unwrap());
    std::fs::create_dir_all(debris.join("2021")).unwrap();
    std::fs::write(debris.join(nianbao::output::MARKER), "").unwrap();
    // Someone else's folder with a similar name but no marker stays.
    let foreign = out.with_file_name(".public.nianbao-old-999999998");
    std::fs::create_dir_all(&foreign).unwrap();
    let (code, _, err) = run(&["build", "--root", s(&site.root)]);
    assert_eq!(code, 0, "{err}");
    assert!(!debris.exists(), "debris removed");
    assert!(foreign.exists(), "unmarked folder kept");
    assert!(err.contains("临时目录"), "{err}");
}

#[test]
fn an_unreadable_content_folder_is_an_error_not_a_silent_skip() {
    let site = TempSite::sample();
    let hidden = site.root.join("content/2022");
    std::fs::create_dir_all(&hidden).unwrap();
    std::fs::write(
        hidden.join("pingan.md"),
        crate::support::rebuild_common::SAMPLE.replace("year: 2021", "year: 2022"),
    )
    .unwrap();
    // Root reads everything: the build runs as `nobody` then (setpriv),
    // with the site readable by all but this folder.
    let as_root = running_as_root();
    chmod_tree(site.dir.path(), 0o755, 0o644);
    std::fs::set_permissions(&hidden, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let mut cmd = if as_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin()]);
        c
    } else {
        Command::new(bin())
    };
    let out = cmd
        .args(["check", "--root", s(&site.root)])
        .output()
        .unwrap();
    std::fs::set_permissions(&hidden, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("E013") && err.contains("content/2022"),
        "{err}"
    );
}

fn running_as_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

fn chmod_tree(p: &Path, dir_mode: u32, file_mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let m = std::fs::symlink_metadata(p).unwrap();
    if m.is_dir() {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(dir_mode)).unwrap();
        for e in std::fs::read_dir(p).unwrap() {
            chmod_tree(&e.unwrap().path(), dir_mode, file_mode);
        }
    } else if m.is_file() {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(file_mode)).unwrap();
    }
}

fn count_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                n += 1;
            }
        }
    }
    n
}
