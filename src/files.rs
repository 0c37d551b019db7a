//! Reading the site's own files safely: every folder walk (content, static,
//! theme, formats) and every report read goes through here, so the same
//! rules hold everywhere:
//!
//! - a symbolic link is followed only while it stays inside the site root;
//!   one leading out is skipped with a warning naming it (E010), never
//!   published;
//! - a folder reached twice (a symlink loop) is reported once (E012) and not
//!   walked again; a link that cannot be resolved at all is the same error;
//! - a folder or file that cannot be read is an error naming it (E013),
//!   never a silent skip;
//! - FIFOs, sockets and devices are an error naming them (E014): reading one
//!   would block the build for good;
//! - a report over the size limit is refused before it is read (E015).

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Msg};

/// Default limit of one report file, in MiB (`max_report_mb` in site.toml).
pub const DEFAULT_MAX_REPORT_MB: u64 = 20;

/// How deep folders may nest before the walk stops (E012).
const MAX_DEPTH: usize = 64;

/// Files found under a folder, sorted, and what was wrong on the way.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every regular file under `dir` whose name `want` accepts, following the
/// rules above. `root` is the site root the files must stay inside. A `dir`
/// that does not exist gives nothing (a site need not have `static/`).
pub fn walk(root: &Path, dir: &Path, want: &dyn Fn(&str) -> bool) -> Walk {
    let mut w = Walker {
        root: fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        want,
        seen: HashSet::new(),
        out: Walk::default(),
    };
    if fs::symlink_metadata(dir).is_ok() {
        w.dir(dir, 0);
    }
    w.out.files.sort();
    w.out
}

struct Walker<'a> {
    root: PathBuf,
    want: &'a dyn Fn(&str) -> bool,
    /// (device, inode) of every folder walked, to stop at a loop.
    seen: HashSet<(u64, u64)>,
    out: Walk,
}

impl Walker<'_> {
    fn dir(&mut self, dir: &Path, depth: usize) {
        let meta = match fs::metadata(dir) {
            Ok(m) => m,
            Err(e) => return self.unreadable(dir, &e),
        };
        if depth > MAX_DEPTH || !self.seen.insert(file_id(&meta)) {
            return self.out.diagnostics.push(looped(dir));
        }
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => return self.unreadable(dir, &e),
        };
        let mut list = Vec::new();
        for e in entries {
            match e {
                Ok(e) => list.push(e),
                Err(e) => return self.unreadable(dir, &e),
            }
        }
        list.sort_by_key(|e| e.file_name());
        for e in list {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || is_editor_temp(&name) {
                continue;
            }
            // The type as the folder listing gave it (`d_type`): no `stat`
            // per file; std falls back to `lstat` where a filesystem does
            // not say.
            let Ok(kind) = e.file_type() else {
                continue; // gone since the folder was listed
            };
            if kind.is_file() {
                if (self.want)(&name) {
                    self.out.files.push(e.path());
                }
                continue;
            }
            self.entry(&e.path(), &name, kind.is_symlink(), depth);
        }
    }

    /// A folder, a symbolic link or a special file.
    fn entry(&mut self, path: &Path, name: &str, symlink: bool, depth: usize) {
        if symlink {
            match fs::canonicalize(path) {
                Ok(t) if t.starts_with(&self.root) => {}
                Ok(_) => return self.out.diagnostics.push(outside(path)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return self.out.diagnostics.push(dangling(path));
                }
                Err(_) => return self.out.diagnostics.push(looped(path)),
            }
        }
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return self.unreadable(path, &e),
        };
        if meta.is_dir() {
            self.dir(path, depth + 1);
        } else if (self.want)(name) {
            if meta.is_file() {
                self.out.files.push(path.to_path_buf());
            } else {
                self.out.diagnostics.push(special(path));
            }
        }
    }

    fn unreadable(&mut self, path: &Path, e: &io::Error) {
        self.out.diagnostics.push(unreadable(path, e));
    }
}

#[cfg(unix)]
fn file_id(m: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

/// No inode numbers here: every folder counts as new, and the depth limit
/// ends a loop.
#[cfg(not(unix))]
fn file_id(_: &fs::Metadata) -> (u64, u64) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    (0, N.fetch_add(1, Ordering::Relaxed))
}

/// Read a report file of at most `limit` bytes. FIFOs and devices are
/// refused without blocking: the file is opened non-blocking and its type
/// checked on the open handle.
pub fn read_report(path: &Path, limit: u64) -> Result<Vec<u8>, Diagnostic> {
    read_limited("E001", path, limit)
}

fn read_limited(code: &'static str, path: &Path, limit: u64) -> Result<Vec<u8>, Diagnostic> {
    let unreadable = |p: &Path, e: &io::Error| unreadable_as(code, p, e);
    let file = open_nonblocking(path).map_err(|e| unreadable(path, &e))?;
    let (is_file, len) = kind_and_len(&file).map_err(|e| unreadable(path, &e))?;
    if !is_file {
        return Err(special(path));
    }
    if len > limit {
        return Err(too_large(path, len, limit));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take`: a file growing while it is read still stops at the limit.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(path, &e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Whether an open file is a regular file, and its length. On Unix plain
/// `fstat`: std's `metadata` asks `statx` for more than this needs (with
/// the walk's two `stat`s per file, about a tenth of `check`'s CPU time at
/// 50,000 reports).
#[cfg(unix)]
fn kind_and_len(file: &fs::File) -> io::Result<(bool, u64)> {
    let st = rustix::fs::fstat(file)?;
    let kind = rustix::fs::FileType::from_raw_mode(st.st_mode);
    Ok((kind == rustix::fs::FileType::RegularFile, st.st_size as u64))
}

#[cfg(not(unix))]
fn kind_and_len(file: &fs::File) -> io::Result<(bool, u64)> {
    let meta = file.metadata()?;
    Ok((meta.is_file(), meta.len()))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    fs::File::open(path)
}

/// Read a theme, static or format file: its type checked first, so a FIFO
/// is an error rather than a hang.
pub fn read_site_file(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    read_limited("E013", path, u64::MAX / 2)
}

fn shown(path: &Path) -> String {
    crate::diag::escape_controls(&path.display().to_string())
}

fn outside(path: &Path) -> Diagnostic {
    let p = shown(path);
    Diagnostic::warning(
        "E010",
        Msg::new(
            format!("{p} 是指向站点目录之外的符号链接，已跳过（不会发布站点之外的文件）"),
            format!(
                "{p} is a symbolic link leading outside the site; not followed (nothing outside the site is published)"
            ),
        ),
    )
}

fn dangling(path: &Path) -> Diagnostic {
    let p = shown(path);
    Diagnostic::warning(
        "E010",
        Msg::new(
            format!("{p} 是指向不存在的文件的符号链接，已跳过"),
            format!("{p} is a symbolic link to nothing; skipped"),
        ),
    )
}

fn looped(path: &Path) -> Diagnostic {
    let p = shown(path);
    Diagnostic::error(
        "E012",
        Msg::new(
            format!("{p} 形成符号链接循环（或目录嵌套过深），已停止读取这里"),
            format!("{p} is part of a symbolic link loop (or nests too deep); not read further"),
        ),
    )
    .hint(Msg::new(
        "删除或改正这个符号链接",
        "remove or correct the symbolic link",
    ))
}

fn unreadable(path: &Path, e: &io::Error) -> Diagnostic {
    unreadable_as("E013", path, e)
}

/// E001 for a report file, E013 for folders and theme, static or format files.
fn unreadable_as(code: &'static str, path: &Path, e: &io::Error) -> Diagnostic {
    let p = shown(path);
    Diagnostic::error(
        code,
        Msg::new(
            format!("无法读取 {p}：{e}"),
            format!("cannot read {p}: {e}"),
        ),
    )
    .hint(Msg::new(
        "检查它的权限（运行 nianbao 的用户须能读取），或把它移出站点目录",
        "check its permissions (the user running nianbao must be able to read it), or move it out of the site",
    ))
}

fn special(path: &Path) -> Diagnostic {
    let p = shown(path);
    Diagnostic::error(
        "E014",
        Msg::new(
            format!("{p} 不是普通文件（是管道、套接字或设备），不能读取"),
            format!("{p} is not a regular file (a pipe, socket or device); it cannot be read"),
        ),
    )
    .hint(Msg::new(
        "删除它，或换成普通文件",
        "remove it, or replace it with a regular file",
    ))
}

fn too_large(path: &Path, size: u64, limit: u64) -> Diagnostic {
    let p = shown(path);
    let mib = |n: u64| n as f64 / 1024.0 / 1024.0;
    Diagnostic::error(
        "E015",
        Msg::new(
            format!(
                "{p} 有 {:.1} MiB，超过一份报告的上限 {:.0} MiB，未读取",
                mib(size),
                mib(limit)
            ),
            format!(
                "{p} is {:.1} MiB, over the {:.0} MiB limit for one report; not read",
                mib(size),
                mib(limit)
            ),
        ),
    )
    .hint(Msg::new(
        "年度报告通常不足 100 KB；检查是否误把其他文件命名为 .md，或在 site.toml 中调大 max_report_mb",
        "annual reports are usually under 100 KB; check the file, or raise max_report_mb in site.toml",
    ))
}

/// Files that editors write beside the one being saved; never content.
pub fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.starts_with(".goutputstream-")
        || name.starts_with("~$")
}
