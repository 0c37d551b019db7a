//! Saving a posted form: the candidate checked, then written back into the
//! report's Markdown only when nothing stands in the way; the answer is the
//! form again (or JSON for the page's script).

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::edit::candidate;
use crate::edit::{Edits, Refusal};

use super::{Editor, Entry, authorised, field, html, json, page, text, version, wants_json};

/// What a save came to, for the page.
pub enum Saved {
    Written { balanced: bool },
    Unchanged,
    Conflict,
    Refused(String),
}

/// `POST /__nianbao/edit/{year}/{slug}/`: save (or, without JavaScript,
/// check: the `_action` button pressed), answering with the form again.
pub async fn save(
    State(ed): State<Arc<Editor>>,
    UrlPath((year, slug)): UrlPath<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (entry, posted) = match authorised(&ed, &year, &slug, &headers, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let json_wanted = wants_json(&headers);
    let ed2 = ed.clone();
    let out =
        tokio::task::spawn_blocking(move || save_blocking(&ed2, &entry, &posted, json_wanted))
            .await;
    match out {
        Ok(r) => r,
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "500"),
    }
}

fn save_blocking(
    ed: &Editor,
    entry: &Entry,
    posted: &[(String, String)],
    json_wanted: bool,
) -> Response {
    let (bytes, report) = match candidate::read(&ed.root, &entry.source) {
        Ok(x) => x,
        Err(Refusal(m)) => return text(StatusCode::UNPROCESSABLE_ENTITY, &m.zh),
    };
    let edits = Edits::from_form(&report, posted);
    let checked = candidate::check(
        &ed.root,
        &entry.source,
        &bytes,
        &report,
        &edits,
        &ed.others(entry),
    );
    let (saved, checked, new_version) = settle(entry, &bytes, checked, &edits, posted);
    let location = follow_move(ed, entry, saved.as_ref(), checked.as_ref());
    let status = match &saved {
        Some(Saved::Conflict) => StatusCode::CONFLICT,
        Some(Saved::Refused(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    if json_wanted {
        let mut v = match &checked {
            Some(c) => page::json_result(c, &edits, saved.as_ref()),
            None => serde_json::json!({}),
        };
        v["version"] = new_version.into();
        v["saved"] = page::saved_json(saved.as_ref());
        if let Some(l) = location {
            v["location"] = l.into();
        }
        return json(status, v);
    }
    let view = page::View {
        site_title: ed.site_title(),
        entry,
        token: ed.token(),
        version: new_version,
        report: &report,
        posted: Some(posted),
        checked: checked.as_ref(),
        status: saved.as_ref(),
    };
    html(status, page::render(&view))
}

/// What a posted form comes to: the save's status (none for a plain check),
/// the checked candidate, and the version the form carries from now on. The
/// file is written only for a save (not a check) of the current version
/// that changes something and whose cells all read as numbers.
fn settle(
    entry: &Entry,
    bytes: &[u8],
    checked: Result<candidate::Checked, Refusal>,
    edits: &Edits,
    posted: &[(String, String)],
) -> (Option<Saved>, Option<candidate::Checked>, String) {
    let only_check = field(posted, "_action") == Some("check");
    let conflict = field(posted, "_base").is_some_and(|b| b != version(bytes));
    match checked {
        Err(Refusal(m)) => (Some(Saved::Refused(m.zh)), None, version(bytes)),
        Ok(c) if only_check => (None, Some(c), version(bytes)),
        Ok(c) if conflict => (
            Some(Saved::Conflict),
            Some(c),
            field(posted, "_base").unwrap_or("").to_string(),
        ),
        Ok(c) if !edits.unreadable.is_empty() => {
            let list: Vec<String> = edits
                .unreadable
                .iter()
                .map(|u| format!("「{}」的「{}」", u.labels, u.text))
                .collect();
            (
                Some(Saved::Refused(format!(
                    "没有保存：这些格子里不是数字：{}",
                    list.join("、")
                ))),
                Some(c),
                version(bytes),
            )
        }
        Ok(c) if edits.is_empty() => (Some(Saved::Unchanged), Some(c), version(bytes)),
        Ok(c) => match write_atomically(&entry.source.path, &c.bytes) {
            Ok(()) => {
                let v = version(&c.bytes);
                (
                    Some(Saved::Written {
                        balanced: c.balanced(),
                    }),
                    Some(c),
                    v,
                )
            }
            Err(e) => (
                Some(Saved::Refused(format!("没有保存：写入文件失败：{e}"))),
                Some(c),
                version(bytes),
            ),
        },
    }
}

/// A changed year or URL name moves the report: the form follows it, at the
/// address returned here.
fn follow_move(
    ed: &Editor,
    entry: &Entry,
    saved: Option<&Saved>,
    checked: Option<&candidate::Checked>,
) -> Option<String> {
    let moved = checked
        .and_then(|c| c.report.as_ref())
        .map(|r| (r.meta.year, r.meta.slug.clone()));
    match (saved, moved) {
        (Some(Saved::Written { .. }), Some((y, s)))
            if (y, s.as_str()) != (entry.year, entry.slug.as_str()) =>
        {
            let moved = Entry {
                year: y,
                slug: s,
                ..entry.clone()
            };
            ed.remember(moved.clone());
            Some(moved.edit_url())
        }
        _ => None,
    }
}

/// Write `bytes` to `path` through a temporary file in the same folder and a
/// rename, so the file is never seen half-written; its permissions are kept.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.nianbao-{}", std::process::id()));
    let result = (|| {
        std::fs::write(&tmp, bytes)?;
        if let Ok(m) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, m.permissions())?;
        }
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
