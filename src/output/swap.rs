//! Putting a staged folder in place of the output in one step, and clearing
//! what builds that were killed half-way left beside it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::guard::MARKER;

/// The kinds of folder a build makes beside the output.
const KINDS: [&str; 3] = ["staging", "old", "prep"];

/// `.<out>.nianbao-<kind>-<pid>`: beside the output, so that renames stay on
/// one file system; hidden, so that a web server does not list it.
pub fn sibling(out: &Path, kind: &str) -> PathBuf {
    out.with_file_name(format!(
        ".{}.nianbao-{kind}-{}",
        out_name(out),
        std::process::id()
    ))
}

fn out_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// Exchange `staging` and `out` atomically (a reader of `out` sees the old
/// folder or the new one, never neither); `staging` then holds the previous
/// output. Where the system cannot exchange (not Linux, or a file system
/// without `RENAME_EXCHANGE`), two renames, with the previous output put
/// back if the second fails. Returns where the previous output now is.
pub fn exchange(out: &Path, staging: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(staging.to_path_buf()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let old = sibling(out, "old");
    if old.exists() {
        remove_folder(&old)?;
    }
    fs::rename(out, &old)?;
    if let Err(e) = fs::rename(staging, out) {
        if let Err(back) = fs::rename(&old, out) {
            return Err(io::Error::other(format!(
                "{e}; restoring the previous output from {} also failed: {back}",
                old.display()
            )));
        }
        return Err(e);
    }
    Ok(old)
}

/// Remove the staging and old folders that earlier builds of `out` left
/// when they were killed: recognised by name (`.<out>.nianbao-<kind>-<pid>`),
/// by the marker every build writes first, and by their process being gone
/// (a build running at the same moment keeps its own). Returns how many.
pub fn remove_debris(out: &Path) -> usize {
    let Some(parent) = out.parent() else { return 0 };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return 0;
    };
    let prefix = format!(".{}.nianbao-", out_name(out));
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let Some((kind, pid)) = rest.rsplit_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !KINDS.contains(&kind) || pid == std::process::id() || alive(pid) {
            continue;
        }
        let path = e.path();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        let marked = path.join(MARKER).is_file();
        // A `prep` folder is made empty and only ever holds the marker: a
        // build killed before writing it leaves it empty (`remove_dir` takes
        // only an empty folder).
        let gone = is_dir
            && ((marked && remove_marked(&path).is_ok())
                || (kind == "prep" && fs::remove_dir(&path).is_ok()));
        if gone {
            removed += 1;
        }
    }
    removed
}

/// Remove a folder nianbao made: its marker last when it has one (see
/// [`remove_marked`]).
pub fn remove_folder(path: &Path) -> io::Result<()> {
    if path.join(MARKER).is_file() {
        remove_marked(path)
    } else {
        fs::remove_dir_all(path)
    }
}

/// Remove a marked folder, its marker last: a build killed while removing
/// it leaves it still marked, for the next build to finish.
fn remove_marked(path: &Path) -> io::Result<()> {
    for e in fs::read_dir(path)?.flatten() {
        if e.file_name() == MARKER {
            continue;
        }
        let p = e.path();
        if e.file_type()?.is_dir() {
            fs::remove_dir_all(&p)?;
        } else {
            fs::remove_file(&p)?;
        }
    }
    fs::remove_file(path.join(MARKER))?;
    fs::remove_dir(path)
}

/// Whether process `pid` exists (it may be another user's: then it exists).
fn alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        true
    }
}
