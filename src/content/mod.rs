//! Content loading: from files on disk to typed reports.
//!
//! A report file is split into front matter, Markdown prose and fenced
//! ```` ```yaml table=<id> ```` blocks; the blocks become typed tables whose
//! every cell remembers where it was written. Problems become diagnostics and
//! loading goes on, so that one run reports everything.

pub mod body;
pub mod keyboard;
pub mod meta;
pub mod table;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::diag::{Diagnostic, Loc, Msg, SourceFile};
use crate::format::{FormatDef, Registry};

pub use meta::Meta;
pub use table::{Cell, Decimal, Origin, TableData, Value};

/// One report, parsed.
#[derive(Debug)]
pub struct Report {
    pub file: Arc<SourceFile>,
    pub meta: Meta,
    pub format: Arc<FormatDef>,
    /// The file's first line after its front matter.
    pub body_start_line: u32,
    /// One entry per table of the format, in the format's order.
    pub tables: Vec<TableData>,
    /// The prose, with each table block replaced by a placeholder paragraph.
    pub markdown: String,
    /// Order in which table blocks appear in the prose (indices into `tables`).
    pub table_order: Vec<usize>,
    /// `##` headings as written, for the structure checks.
    pub headings: Vec<(String, Loc)>,
    /// Its cells as its row of the year CSV prints them, made on first use
    /// and kept as long as the report: the watcher keeps every report and
    /// writes a year's CSV from all of them after each save that changes
    /// one of its figures. (The tables are complete before anything is
    /// rendered, so the texts cannot go stale.)
    pub csv_texts: OnceLock<PackedTexts>,
}

/// Texts packed into one string with their end offsets: a report's cells
/// as a few hundred bytes, where one `String` each would be thousands.
#[derive(Debug, Default, Hash)]
pub struct PackedTexts {
    text: String,
    ends: Box<[u32]>,
}

/// [`PackedTexts`] being written, one text at a time.
#[derive(Default)]
pub struct Packer {
    text: String,
    ends: Vec<u32>,
}

impl Packer {
    /// Add a text, written by `write` (no `String` of its own).
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    pub fn done(mut self) -> PackedTexts {
        self.text.shrink_to_fit();
        PackedTexts {
            text: self.text,
            ends: self.ends.into_boxed_slice(),
        }
    }
}

impl PackedTexts {
    pub fn of(texts: impl IntoIterator<Item = impl AsRef<str>>) -> PackedTexts {
        let mut text = String::new();
        let mut ends = Vec::new();
        for t in texts {
            text.push_str(t.as_ref());
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        text.shrink_to_fit();
        PackedTexts {
            text,
            ends: ends.into_boxed_slice(),
        }
    }

    /// The `i`th text (empty when there is none).
    pub fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0),
            None => 0,
        } as usize;
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.text.get(start..end).unwrap_or("")
    }
}

impl Report {
    pub fn table(&self, id: &str) -> Option<(&crate::format::TableDef, &TableData)> {
        let (i, def) = self.format.table(id)?;
        Some((def, self.tables.get(i)?))
    }
}

/// Every `.md` file under `<root>/content`, sorted, with what was wrong on
/// the way (links out of the site, loops, unreadable folders, FIFOs: see
/// [`crate::files`]).
pub fn find_reports(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let w = crate::files::walk(root, &root.join("content"), &|name| name.ends_with(".md"));
    (w.files, w.diagnostics)
}

pub use crate::files::is_editor_temp;

/// Decode a file's bytes: UTF-8 (a BOM is dropped), CRLF folded to LF.
/// GBK/GB18030 — what many Windows editors in China still save — is read
/// transparently and the author is told (the `Msg` beside the text).
/// Binary files are refused.
pub fn decode(bytes: &[u8], file_for_errors: &str) -> Result<(String, Option<Msg>), Msg> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(Msg::new(
            format!("{file_for_errors} 不是文本文件（含有二进制内容）"),
            format!("{file_for_errors} is not a text file (it contains binary data)"),
        ));
    }
    let fold = |s: &str| {
        if s.contains('\r') {
            s.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            s.to_string()
        }
    };
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((fold(s), None));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok((
            fold(&s),
            Some(Msg::new(
                format!(
                    "{file_for_errors} 是 GBK/GB18030 编码，已按此读取；建议另存为 UTF-8（如：iconv -f GB18030 -t UTF-8 原文件 > 新文件）"
                ),
                format!(
                    "{file_for_errors} is GBK/GB18030-encoded and was read as such; consider saving it as UTF-8 (iconv -f GB18030 -t UTF-8 old > new)"
                ),
            )),
        )),
        None => Err(Msg::new(
            format!(
                "{file_for_errors} 既不是 UTF-8 也不是 GBK 编码的文本，无法读取；请用文本编辑器另存为 UTF-8"
            ),
            format!(
                "{file_for_errors} is neither UTF-8 nor GBK text; save it as UTF-8 in a text editor"
            ),
        )),
    }
}

/// [`decode`] of bytes read from a file, kept as they are — no copy — when
/// they are UTF-8 with nothing to change: no BOM, no CR, no NUL (nearly
/// every report).
pub fn decode_owned(bytes: Vec<u8>, file_for_errors: &str) -> Result<(String, Option<Msg>), Msg> {
    let plain = !bytes.starts_with(b"\xEF\xBB\xBF") && memchr::memchr2(0, b'\r', &bytes).is_none();
    if !plain {
        return decode(&bytes, file_for_errors);
    }
    match utf8_owned(bytes) {
        Ok(text) => Ok((text, None)),
        Err(bytes) => decode(&bytes, file_for_errors),
    }
}

/// `bytes` as a `String` without a copy, when they are UTF-8. Every report
/// is validated twice (front matter first, then whole), and every minified
/// page once; std's validator takes its slow path on every CJK character,
/// simdutf8 does not (UTF-8 validation was a twentieth of `check`).
pub(crate) fn utf8_owned(bytes: Vec<u8>) -> Result<String, Vec<u8>> {
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return Err(bytes);
    }
    // SAFETY: simdutf8 has just validated `bytes` as UTF-8.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// Read and parse one report file. `None` when the file cannot be a report at
/// all (unreadable, no usable front matter); the diagnostics say why.
/// `limit`: the most bytes a report may have (`max_report_mb` in site.toml).
pub fn load(
    path: &Path,
    root: &Path,
    registry: &Registry,
    limit: u64,
) -> (Option<Report>, Vec<Diagnostic>) {
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    match crate::files::read_report(path, limit) {
        Ok(bytes) => {
            let decoded = decode_owned(bytes, &rel);
            parse_decoded(&rel, path, decoded, registry)
        }
        Err(d) => (None, vec![d]),
    }
}

/// A report's front matter and its file: what the checks and region names
/// that look across townships read. Both a parsed [`Report`] and the
/// [`Front`] read before reports are parsed whole have them.
pub trait Named: Sync {
    fn meta(&self) -> &Meta;
    fn file(&self) -> &Arc<SourceFile>;
}

impl Named for Report {
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn file(&self) -> &Arc<SourceFile> {
        &self.file
    }
}

impl Named for Front {
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn file(&self) -> &Arc<SourceFile> {
        &self.file
    }
}

impl<T: Named> Named for &T {
    fn meta(&self) -> &Meta {
        (**self).meta()
    }
    fn file(&self) -> &Arc<SourceFile> {
        (**self).file()
    }
}

/// What is read of a report file before reports are parsed whole: its
/// front matter, to group files by township and name the regions. The
/// file's text is cut after the front matter (a region's diagnostics point
/// there), so holding every file's `Front` costs a few hundred bytes each.
pub struct Front {
    pub path: PathBuf,
    pub meta: Meta,
    pub file: Arc<SourceFile>,
}

/// The front matter of the file at `path`, when the file parses into a
/// report (exactly when [`load`] gives one: readable, decodable, with front
/// matter naming a known format). Its problems are left to [`load`].
pub fn front(path: &Path, root: &Path, registry: &Registry, limit: u64) -> Option<Front> {
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let bytes = crate::files::read_report(path, limit).ok()?;
    let (text, _) = decode_owned(bytes, &rel).ok()?;
    let mut diags = Vec::new();
    let whole = Arc::new(SourceFile {
        rel,
        path: path.to_path_buf(),
        text,
    });
    let split = body::split_front_matter(&whole, &mut diags)?;
    let file = Arc::new(whole.front_matter(split.body_start_line));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = meta::parse(&file, &split, &stem, registry, &mut diags)?;
    registry.get(&meta.format)?;
    Some(Front {
        path: path.to_path_buf(),
        meta,
        file,
    })
}

impl Front {
    /// What [`front`] would have read of a report already loaded whole
    /// (`check` reads each file once), keeping its meta.
    pub fn of(report: Report) -> Front {
        Front {
            path: report.file.path.clone(),
            meta: report.meta,
            file: Arc::new(report.file.front_matter(report.body_start_line)),
        }
    }
}

/// Parse a report from bytes (the file need not exist; used by tests and fuzzing).
pub fn parse(
    rel: &str,
    path: &Path,
    bytes: &[u8],
    registry: &Registry,
) -> (Option<Report>, Vec<Diagnostic>) {
    parse_decoded(rel, path, decode(bytes, rel), registry)
}

/// [`parse`] of a file's text as [`decode`] (or [`decode_owned`]) gave it.
fn parse_decoded(
    rel: &str,
    path: &Path,
    decoded: Result<(String, Option<Msg>), Msg>,
    registry: &Registry,
) -> (Option<Report>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (text, note) = match decoded {
        Ok(t) => t,
        Err(msg) => {
            let file = Arc::new(SourceFile {
                rel: rel.to_string(),
                path: path.to_path_buf(),
                text: String::new(),
            });
            diags.push(Diagnostic::error("E002", msg).at(&file, None));
            return (None, diags);
        }
    };
    let file = Arc::new(SourceFile {
        rel: rel.to_string(),
        path: path.to_path_buf(),
        text,
    });
    if let Some(note) = note {
        diags.push(Diagnostic::warning("E011", note).at(&file, None));
    }
    let Some(split) = body::split_front_matter(&file, &mut diags) else {
        return (None, diags);
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(meta) = meta::parse(&file, &split, &stem, registry, &mut diags) else {
        return (None, diags);
    };
    let Some(format) = registry.get(&meta.format).cloned() else {
        // meta::parse already reported the unknown format.
        return (None, diags);
    };
    let parsed = body::parse_body(&file, split.body_start_line, &format, &mut diags);
    let report = Report {
        file,
        meta,
        format,
        body_start_line: split.body_start_line,
        tables: parsed.tables,
        markdown: parsed.markdown,
        table_order: parsed.table_order,
        headings: parsed.headings,
        csv_texts: OnceLock::new(),
    };
    (Some(report), diags)
}
