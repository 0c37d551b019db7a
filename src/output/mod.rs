//! The one place that writes the published folder.
//!
//! A build is staged in a sibling folder and swapped in by rename only when
//! every file is in place, so the published folder is never half-written and a
//! failed build leaves it exactly as it was. Files whose bytes did not change
//! are hard-linked from the current output rather than rewritten, which keeps
//! their modification times (rsync-based publishing sends only real changes).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Msg};

mod guard;
mod swap;

pub use guard::{MARKER, check_out_dir, resolve};
use swap::sibling;

/// A file of the built site: path relative to the output folder, and bytes.
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Files whose bytes are new or changed.
    pub written: usize,
    /// Files identical to the previous output, kept as they were.
    pub unchanged: usize,
    /// Staging and old folders of killed builds, removed before this one.
    pub debris_removed: usize,
}

fn io_error(what: &str, path: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::error(
        "O001",
        Msg::new(
            format!("{what} {} 失败：{e}", path.display()),
            format!("{what} {} failed: {e}", path.display()),
        ),
    )
}

/// Publish `files` as the whole content of `out`, atomically.
pub fn publish(out: &Path, files: &[OutFile]) -> Result<Stats, Diagnostic> {
    publish_since(out, files, &|_| false, false)
}

/// Apply a rebuild file by file to an output folder that this process
/// published before and that holds exactly the previous build: each file in
/// `changed` is written beside its target and renamed over it (a reader sees
/// the old file or the new one, never a part), deeper paths first so that
/// index pages never link to a page not yet there; then the files in
/// `removed` go, with folders left empty. On a large site and a slow disk this
/// takes milliseconds where [`publish`] re-links every file, but the folder is
/// not swapped as a whole: the watcher uses it, the one-shot build does not.
pub fn update_in_place(
    out: &Path,
    changed: &[&OutFile],
    removed: &[String],
) -> Result<Stats, Diagnostic> {
    let mut changed: Vec<&&OutFile> = changed.iter().collect();
    changed.sort_by_key(|f| std::cmp::Reverse(f.path.matches('/').count()));
    for f in &changed {
        let target = out.join(&f.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error("创建目录", parent, &e))?;
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = target.with_file_name(format!(".{name}.nianbao-tmp-{}", std::process::id()));
        fs::write(&tmp, &f.bytes).map_err(|e| io_error("写入", &tmp, &e))?;
        if let Err(e) = fs::rename(&tmp, &target) {
            let _ = fs::remove_file(&tmp);
            return Err(io_error("写入", &target, &e));
        }
    }
    for r in removed {
        let target = out.join(r);
        match fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("删除", &target, &e)),
        }
        // Folders left empty go too (fails harmlessly when not empty).
        let mut dir = target.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(out) && *d != out) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(Stats {
        written: changed.len(),
        ..Stats::default()
    })
}

/// Remove what [`publish_since`] left with `keep_previous`.
pub fn remove_previous(out: &Path) {
    let old = sibling(out, "old");
    if old.exists() {
        let _ = swap::remove_folder(&old);
    }
}

/// [`publish`] for a caller that knows which files it published last time
/// with the same bytes (`same_as_before`): those are hard-linked from the
/// current output without being read again (their length is still checked),
/// which keeps a rebuild of a large site after one save fast.
///
/// With `keep_previous`, the previous output is left beside the new one
/// (renamed away, never visible at `out`) until [`remove_previous`]: the
/// watcher removes it after telling the author the page is ready.
pub fn publish_since(
    out: &Path,
    files: &[OutFile],
    same_as_before: &(dyn Fn(&OutFile) -> bool + Sync),
    keep_previous: bool,
) -> Result<Stats, Diagnostic> {
    let stager = Stager::begin(out, same_as_before)?;
    files.par_iter().try_for_each(|f| stager.put(f))?;
    stager.finish(keep_previous)
}

/// A build being staged beside the output folder: files go in one by one,
/// from any thread, as they are rendered (a large site is never held in
/// memory whole), and [`Stager::finish`] swaps the folder in. Dropped
/// without `finish` (an error on the way), the staging folder goes and the
/// output stays exactly as it was.
pub struct Stager<'a> {
    out: PathBuf,
    staging: PathBuf,
    same_as_before: &'a (dyn Fn(&OutFile) -> bool + Sync),
    /// Whether there is a previous output to keep unchanged files from (a
    /// first build skips a failing `stat` per file).
    previous: bool,
    /// Folders already made under `staging` (a large site has one per report).
    dirs: Mutex<HashSet<PathBuf>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    debris_removed: usize,
    finished: bool,
}

impl<'a> Stager<'a> {
    pub fn begin(
        out: &Path,
        same_as_before: &'a (dyn Fn(&OutFile) -> bool + Sync),
    ) -> Result<Stager<'a>, Diagnostic> {
        let debris_removed = swap::remove_debris(out);
        let staging = sibling(out, "staging");
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| io_error("清理临时目录", &staging, &e))?;
        }
        // The marker first, in a folder of its own kind renamed to the
        // staging folder once it holds it: debris of a build killed at any
        // point is recognisable (an unmarked `prep` folder is nianbao's and
        // empty), and the published folder says who may replace it.
        let prep = sibling(out, "prep");
        fs::create_dir(&prep).map_err(|e| io_error("创建临时目录", &prep, &e))?;
        let marker = prep.join(MARKER);
        fs::write(&marker, guard::MARKER_TEXT).map_err(|e| io_error("写入", &marker, &e))?;
        fs::rename(&prep, &staging).map_err(|e| io_error("创建临时目录", &staging, &e))?;
        Ok(Stager {
            debris_removed,
            out: out.to_path_buf(),
            staging,
            same_as_before,
            previous: out.is_dir(),
            dirs: Mutex::default(),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            finished: false,
        })
    }

    /// The folder being staged (read back by the search indexer).
    pub fn staging_dir(&self) -> &Path {
        &self.staging
    }

    /// Stage one file: hard-linked from the current output when its bytes
    /// are the same there (keeping its modification time), else written.
    pub fn put(&self, f: &OutFile) -> Result<(), Diagnostic> {
        if let Some(dir) = Path::new(&f.path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            let known = self.dirs.lock().map(|d| d.contains(dir)).unwrap_or(false);
            if !known {
                let p = self.staging.join(dir);
                fs::create_dir_all(&p).map_err(|e| io_error("创建目录", &p, &e))?;
                if let Ok(mut d) = self.dirs.lock() {
                    d.insert(dir.to_path_buf());
                }
            }
        }
        let target = self.staging.join(&f.path);
        let current = self.out.join(&f.path);
        let same = self.previous
            && fs::metadata(&current).is_ok_and(|m| m.is_file() && m.len() == f.bytes.len() as u64)
            && ((self.same_as_before)(f) || fs::read(&current).is_ok_and(|old| old == f.bytes));
        if same && fs::hard_link(&current, &target).is_ok() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        fs::write(&target, &f.bytes).map_err(|e| io_error("写入", &target, &e))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Swap the staged folder in as the output. With `keep_previous`, see
    /// [`publish_since`].
    pub fn finish(mut self, keep_previous: bool) -> Result<Stats, Diagnostic> {
        swap(&self.out, &self.staging, keep_previous)?;
        self.finished = true;
        Ok(Stats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            debris_removed: self.debris_removed,
        })
    }
}

impl Drop for Stager<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let _ = swap::remove_folder(&self.staging);
        }
    }
}

fn swap(out: &Path, staging: &Path, keep_previous: bool) -> Result<(), Diagnostic> {
    if !out.exists() {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| io_error("创建目录", parent, &e))?;
        }
        return fs::rename(staging, out).map_err(|e| io_error("发布到", out, &e));
    }
    let previous = swap::exchange(out, staging).map_err(|e| io_error("发布到", out, &e))?;
    if keep_previous {
        // The watcher removes it after telling the author (remove_previous).
        let old = sibling(out, "old");
        if previous != old {
            let _ = swap::remove_folder(&old);
            fs::rename(&previous, &old).map_err(|e| io_error("移开旧的输出目录", &previous, &e))?;
        }
    } else {
        let _ = swap::remove_folder(&previous);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutFile {
        OutFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_stale_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = publish(
            &out,
            &[
                file("a/index.html", "A"),
                file("b.html", "B"),
                file("gone.html", "G"),
            ],
        )
        .unwrap();
        assert_eq!(
            s,
            Stats {
                written: 3,
                ..Stats::default()
            }
        );
        use std::os::unix::fs::MetadataExt;
        let ino = fs::metadata(out.join("a/index.html")).unwrap().ino();
        let s = publish(&out, &[file("a/index.html", "A"), file("b.html", "B2")]).unwrap();
        assert_eq!(
            s,
            Stats {
                written: 1,
                unchanged: 1,
                ..Stats::default()
            }
        );
        assert_eq!(fs::metadata(out.join("a/index.html")).unwrap().ino(), ino);
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "B2");
        assert!(!out.join("gone.html").exists());
        // Nothing is left beside the output.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn refuses_to_overwrite_the_site() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_out_dir(dir.path(), dir.path()).is_err());
        assert!(check_out_dir(dir.path(), &dir.path().join("content")).is_err());
        assert!(check_out_dir(dir.path(), &dir.path().join("public")).is_ok());
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        assert!(check_out_dir(dir.path(), &dir.path().join("site.toml")).is_err());
    }
}
