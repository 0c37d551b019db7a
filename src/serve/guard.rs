//! Who may talk to the preview. The preview serves the author's drafts (and
//! the table editor writes their files), so a web page the author happens to
//! visit must not be able to read or drive it:
//!
//! - `Host` must name this server by IP address or `localhost`, with its
//!   port. A DNS-rebinding attack needs a domain name of the attacker's in
//!   `Host`; it gets 421 and nothing else.
//! - Any request that can change something or stays open (every method but
//!   GET and HEAD, and the live-reload WebSocket) must not carry a foreign
//!   `Origin`: browsers always send it there, so another site's page is
//!   refused with 403. Clients that are not browsers send none.

use std::net::IpAddr;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The port the preview listens on, which `Host` and `Origin` must name.
#[derive(Debug, Clone, Copy)]
pub struct Port(pub u16);

/// Whether `host` (a `Host` header value) names this server: an IP literal
/// or `localhost`, with `port`.
pub fn host_allowed(host: &str, port: u16) -> bool {
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    if p.parse::<u16>() != Ok(port) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    name.parse::<IpAddr>().is_ok()
}

/// Whether `origin` (an `Origin` header value) is this server.
pub fn origin_allowed(origin: &str, port: u16) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|h| host_allowed(h, port))
}

fn refuse(status: StatusCode, zh: &str, en: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{} {zh} / {en}", status.as_u16()),
    )
        .into_response()
}

/// The middleware applied to every route of the preview.
pub async fn check(State(Port(port)): State<Port>, req: Request<Body>, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, port) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "预览只接受以 IP 地址或 localhost 访问",
            "the preview answers only to its IP address or localhost",
        );
    }
    let upgrade = req.headers().contains_key(header::UPGRADE);
    let reads_only = req.method() == Method::GET || req.method() == Method::HEAD;
    if (upgrade || !reads_only)
        && let Some(origin) = req.headers().get(header::ORIGIN)
        && !origin.to_str().is_ok_and(|o| origin_allowed(o, port))
    {
        return refuse(
            StatusCode::FORBIDDEN,
            "来自其他网站的请求被拒绝",
            "requests from another site are refused",
        );
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for ok in [
            "127.0.0.1:1111",
            "localhost:1111",
            "[::1]:1111",
            "192.168.1.5:1111",
        ] {
            assert!(host_allowed(ok, 1111), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "127.0.0.1:2222",
            "127.0.0.1",
            "",
            "localhost.evil.example:1111",
        ] {
            assert!(!host_allowed(bad, 1111), "{bad}");
        }
        assert!(origin_allowed("http://127.0.0.1:1111", 1111));
        assert!(!origin_allowed("http://evil.example:1111", 1111));
        assert!(!origin_allowed("null", 1111));
    }
}
