//! The output folder over HTTP: a URL path resolved strictly inside it,
//! folders redirected to their slash, HTML pages given the live-reload script
//! (and the overlay while the last build failed) and the editor's links.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Shared, inject};

/// Decode `%xx` escapes; `None` for malformed escapes or non-UTF-8 results.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Segments joined back into a URL path, each percent-encoded where needed.
fn encoded_path(segs: &[String]) -> String {
    let mut out = String::new();
    for (i, s) in segs.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The URL path's segments, or `None` when it tries to leave the site.
pub fn safe_segments(url_path: &str) -> Option<Vec<String>> {
    let decoded = percent_decode(url_path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut segs = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return None,
            s if s.contains(':') => return None,
            s => segs.push(s.to_string()),
        }
    }
    Some(segs)
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_string(),
    )
        .into_response()
}

pub(super) async fn file(State(shared): State<Arc<Shared>>, req: Request<Body>) -> Response {
    let raw = req.uri().path().to_string();
    let Some(segs) = safe_segments(&raw) else {
        return plain(
            StatusCode::FORBIDDEN,
            "403 拒绝访问：路径超出站点目录 / forbidden: path outside the site",
        );
    };
    let mut path = shared.out.clone();
    for s in &segs {
        path.push(s);
    }
    let dir_like = raw.ends_with('/');
    if path.is_dir() {
        if !dir_like {
            // Pages link relatively: a folder must be addressed with its
            // slash. Built from the segments, so `//2021` gives `/2021/`,
            // never the protocol-relative `//2021/` (another host).
            let location = format!("/{}/", encoded_path(&segs));
            let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        path.push("index.html");
    }
    let (status, path) = match resolve_inside(&shared.out, &path) {
        Resolved::Inside(p) => (StatusCode::OK, p),
        Resolved::Outside => {
            return plain(
                StatusCode::FORBIDDEN,
                "403 拒绝访问：路径超出站点目录 / forbidden: path outside the site",
            );
        }
        Resolved::Missing => (StatusCode::NOT_FOUND, shared.out.join("404.html")),
    };
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(_) if status == StatusCode::NOT_FOUND => "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title><body><p>404 找不到页面 / not found</p></body></html>".as_bytes().to_vec(),
        Err(_) => return plain(StatusCode::NOT_FOUND, "404"),
    };
    let ty = if status == StatusCode::NOT_FOUND {
        "text/html; charset=utf-8"
    } else {
        content_type(&path)
    };
    let body = if ty.starts_with("text/html") {
        let bytes = editor_links(&shared, &segs, bytes);
        match shared.status.lock() {
            Ok(st) => inject::inject(bytes, &st),
            Err(_) => bytes,
        }
    } else {
        bytes
    };
    (
        status,
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The editor's links on a report page and on the home page.
fn editor_links(shared: &Shared, segs: &[String], html: Vec<u8>) -> Vec<u8> {
    let page: Vec<&str> = segs
        .iter()
        .map(String::as_str)
        .filter(|s| *s != "index.html")
        .collect();
    match page.as_slice() {
        [] => {
            let entries = shared.editor.entries();
            inject::after_main(html, &inject::home_panel(&entries, shared.editor.token()))
        }
        [year, slug] => {
            let hit = shared
                .editor
                .entries()
                .into_iter()
                .find(|e| e.year.to_string() == *year && e.slug == *slug);
            match hit {
                Some(e) => inject::after_main(html, &inject::edit_link(&e)),
                None => html,
            }
        }
        _ => html,
    }
}

enum Resolved {
    Inside(PathBuf),
    Outside,
    Missing,
}

/// The real path of `path`, if it is a file inside `root` once symbolic
/// links are followed.
fn resolve_inside(root: &Path, path: &Path) -> Resolved {
    let Ok(real_root) = std::fs::canonicalize(root) else {
        return Resolved::Missing;
    };
    match std::fs::canonicalize(path) {
        Ok(real) if !real.starts_with(&real_root) => Resolved::Outside,
        Ok(real) if real.is_file() => Resolved::Inside(real),
        _ => Resolved::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_site_are_refused() {
        assert_eq!(
            safe_segments("/2021/pingan/index.html"),
            Some(vec!["2021".into(), "pingan".into(), "index.html".into()])
        );
        assert_eq!(safe_segments("/"), Some(vec![]));
        assert_eq!(safe_segments("/%E5%B9%B3/"), Some(vec!["平".into()]));
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/a/%2e%2e%2fb",
            "/..%5c..%5cx",
            "/a/./b",
            "/%00",
            "/%zz",
            "/C:/x",
        ] {
            assert_eq!(safe_segments(bad), None, "{bad}");
        }
    }
}
