//! The table editor of the preview (issue 18): the official form in the
//! browser, checked as typed, saved back into the report's Markdown.
//!
//! It exists only in `nianbao serve`, on loopback, behind the same Host and
//! Origin checks as the rest of the preview ([`super::guard`]); every request
//! that reads candidate figures or writes also carries the token this
//! preview made when it started, and must come from the preview's own page
//! (an `Origin` header naming it). The file written is the one the report's
//! identity (year and URL name) leads to in the site as last loaded, never a
//! path from the request. The meaning (edits, write-back, checks) lives in
//! [`crate::edit`]; this module is HTTP and pages.

mod assets;
mod page;
mod save;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::edit::candidate::{self, Source};
use crate::edit::{Edits, Refusal};
use crate::site::Site;

pub use assets::{EDITOR_CSS, EDITOR_JS};
pub use save::{Saved, save};

/// URL prefix of everything the editor serves (no site page starts with `__`).
pub const PREFIX: &str = "/__nianbao";

/// One report of the site as last loaded.
#[derive(Debug, Clone)]
pub struct Entry {
    pub year: u16,
    pub slug: String,
    pub township: String,
    pub organ: String,
    pub region: Option<String>,
    pub title: String,
    pub draft: bool,
    pub source: Source,
}

impl Entry {
    pub fn edit_url(&self) -> String {
        format!("{PREFIX}/edit/{}/{}/", self.year, self.slug)
    }
}

/// What the editor keeps: the site's reports and this preview's token.
pub struct Editor {
    root: PathBuf,
    token: String,
    site_title: Mutex<String>,
    entries: Mutex<Vec<Entry>>,
}

impl Editor {
    pub fn new(root: &Path) -> Editor {
        Editor {
            root: root.to_path_buf(),
            token: new_token(),
            site_title: Mutex::new(String::new()),
            entries: Mutex::new(Vec::new()),
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Take in the site as the watcher loaded it.
    pub fn update(&self, site: &Site) {
        let list = site
            .reports
            .iter()
            .map(|r| Entry {
                year: r.meta.year,
                slug: r.meta.slug.clone(),
                township: r.meta.township.clone(),
                organ: r.meta.organ.clone(),
                region: r.meta.region.clone(),
                title: r.meta.title.clone(),
                draft: r.meta.draft,
                source: Source {
                    path: r.file.path.clone(),
                    rel: r.file.rel.clone(),
                },
            })
            .collect();
        if let Ok(mut e) = self.entries.lock() {
            *e = list;
        }
        if let Ok(mut t) = self.site_title.lock() {
            *t = site.config.title.clone();
        }
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    fn find(&self, year: u16, slug: &str) -> Option<Entry> {
        self.entries()
            .into_iter()
            .find(|e| e.year == year && e.slug == slug)
    }

    /// The same township's other reports, for the cross-year checks.
    fn others(&self, e: &Entry) -> Vec<Source> {
        self.entries()
            .into_iter()
            .filter(|o| o.slug == e.slug && o.source.rel != e.source.rel)
            .map(|o| o.source)
            .collect()
    }

    fn site_title(&self) -> String {
        self.site_title
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default()
    }
}

/// 128 random bits from the system, as hex. Falls back to a hash of the
/// time and process (still unguessable from another origin's page, which
/// cannot read this preview's pages).
fn new_token() -> String {
    let mut buf = [0u8; 16];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut buf))
        .is_ok();
    if !ok {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        buf[..8].copy_from_slice(&h.finish().to_le_bytes());
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A hash of the file as loaded into the form: a save is refused when the
/// file on disk no longer has it.
pub fn version(bytes: &[u8]) -> String {
    // FNV-1a, 64 bits: a change detector, not a defence.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}-{}", bytes.len())
}

fn text(status: StatusCode, body: &str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        value.to_string(),
    )
        .into_response()
}

const NOT_FOUND: &str =
    "404 找不到这份报告（可能已改名或删除；请回到首页重新打开）/ no such report";

/// `GET /__nianbao/edit/{year}/{slug}/`: the form, with the checks of the file as it is.
pub async fn form(
    State(ed): State<Arc<Editor>>,
    UrlPath((year, slug)): UrlPath<(String, String)>,
) -> Response {
    let Some(entry) = year.parse().ok().and_then(|y| ed.find(y, &slug)) else {
        return text(StatusCode::NOT_FOUND, NOT_FOUND);
    };
    let ed2 = ed.clone();
    let out = tokio::task::spawn_blocking(move || {
        let (bytes, report) = candidate::read(&ed2.root, &entry.source)?;
        let checked = candidate::check(
            &ed2.root,
            &entry.source,
            &bytes,
            &report,
            &Edits::default(),
            &ed2.others(&entry),
        )?;
        let view = page::View {
            site_title: ed2.site_title(),
            entry: &entry,
            token: ed2.token(),
            version: version(&bytes),
            report: &report,
            posted: None,
            checked: Some(&checked),
            status: None,
        };
        Ok::<String, Refusal>(page::render(&view))
    })
    .await;
    match out {
        Ok(Ok(body)) => html(StatusCode::OK, body),
        Ok(Err(Refusal(m))) => text(StatusCode::UNPROCESSABLE_ENTITY, &m.zh),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "500"),
    }
}

/// Posted fields, in order (a checkbox's hidden fallback comes first).
fn fields(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Who may post: a request from the preview's own page (its `Origin`,
/// already checked against the Host by the guard, must be present) with
/// this preview's token.
fn allowed(ed: &Editor, headers: &HeaderMap, fields: &[(String, String)]) -> bool {
    let has_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| o != "null");
    has_origin && field(fields, "_token").is_some_and(|t| t == ed.token)
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.contains_key("x-nianbao-editor")
}

/// The report a post is about and its fields, if the post may be taken:
/// from the preview's own page with its token (403), for a report the site
/// has (404).
fn authorised(
    ed: &Editor,
    year: &str,
    slug: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Entry, Vec<(String, String)>), Response> {
    let posted = fields(body);
    if !allowed(ed, headers, &posted) {
        return Err(text(StatusCode::FORBIDDEN, FORBIDDEN));
    }
    match year.parse().ok().and_then(|y| ed.find(y, slug)) {
        Some(entry) => Ok((entry, posted)),
        None => Err(text(StatusCode::NOT_FOUND, NOT_FOUND)),
    }
}

const FORBIDDEN: &str = "403 拒绝：请从预览中的编辑页面提交（缺少有效的令牌或来源）/ forbidden: post from the preview's editor page";

/// `POST /__nianbao/edit/{year}/{slug}/check`: check the figures as typed (no write).
pub async fn check(
    State(ed): State<Arc<Editor>>,
    UrlPath((year, slug)): UrlPath<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (entry, posted) = match authorised(&ed, &year, &slug, &headers, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let ed2 = ed.clone();
    let out = tokio::task::spawn_blocking(move || {
        let (bytes, report) = candidate::read(&ed2.root, &entry.source)?;
        let edits = Edits::from_form(&report, &posted);
        let checked = candidate::check(
            &ed2.root,
            &entry.source,
            &bytes,
            &report,
            &edits,
            &ed2.others(&entry),
        )?;
        Ok::<_, Refusal>(page::json_result(&checked, &edits, None))
    })
    .await;
    match out {
        Ok(Ok(v)) => json(StatusCode::OK, v),
        Ok(Err(Refusal(m))) => json(
            StatusCode::UNPROCESSABLE_ENTITY,
            serde_json::json!({ "error": m.zh }),
        ),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "500"),
    }
}

impl Editor {
    /// A report written or moved by the editor, known before the watcher
    /// has loaded it again.
    fn remember(&self, e: Entry) {
        if let Ok(mut list) = self.entries.lock() {
            list.retain(|o| o.source.rel != e.source.rel);
            list.push(e);
        }
    }
}

/// `POST /__nianbao/new`: start next year's report of a township (the
/// prefill of `nianbao new`), then open it in the editor.
pub async fn new_report(
    State(ed): State<Arc<Editor>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let posted = fields(&body);
    if !allowed(&ed, &headers, &posted) {
        return text(StatusCode::FORBIDDEN, FORBIDDEN);
    }
    let slug = field(&posted, "township").unwrap_or("").to_string();
    let latest = ed
        .entries()
        .into_iter()
        .filter(|e| e.slug == slug)
        .max_by_key(|e| e.year);
    let Some(latest) = latest else {
        return text(StatusCode::NOT_FOUND, NOT_FOUND);
    };
    let ed2 = ed.clone();
    let out = tokio::task::spawn_blocking(move || {
        let opts = crate::init::NewOptions {
            root: ed2.root.clone(),
            township: latest.township.clone(),
            slug: Some(latest.slug.clone()),
            year: latest.year + 1,
            region: latest.region.clone(),
            organ: Some(latest.organ.clone()),
            draft: true,
        };
        let created = crate::init::new_report(&opts).map_err(|d| d.message.zh)?;
        let rel = created
            .path
            .strip_prefix(&ed2.root)
            .unwrap_or(&created.path)
            .to_string_lossy()
            .replace('\\', "/");
        let entry = Entry {
            year: latest.year + 1,
            title: String::new(),
            draft: true,
            source: Source {
                path: created.path,
                rel,
            },
            ..latest
        };
        ed2.remember(entry.clone());
        Ok::<_, String>(entry.edit_url())
    })
    .await;
    match out {
        Ok(Ok(url)) => {
            let mut r = StatusCode::SEE_OTHER.into_response();
            if let Ok(v) = axum::http::HeaderValue::from_str(&url) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Ok(Err(m)) => text(StatusCode::UNPROCESSABLE_ENTITY, &m),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "500"),
    }
}

/// `GET /__nianbao/editor.js` and `editor.css`.
pub async fn asset(UrlPath(name): UrlPath<String>) -> Response {
    let (ty, body) = match name.as_str() {
        "editor.js" => ("text/javascript; charset=utf-8", EDITOR_JS),
        "editor.css" => ("text/css; charset=utf-8", EDITOR_CSS),
        _ => return text(StatusCode::NOT_FOUND, "404"),
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Reports by township, for the preview's home page.
pub fn by_township(entries: &[Entry]) -> BTreeMap<String, Vec<Entry>> {
    let mut out: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for e in entries {
        out.entry(e.slug.clone()).or_default().push(e.clone());
    }
    for list in out.values_mut() {
        list.sort_by_key(|e| std::cmp::Reverse(e.year));
    }
    out
}
