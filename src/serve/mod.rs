//! `nianbao serve`: build, watch, and serve the site with live reload.
//!
//! The site is built into a folder of its own (a temporary one unless
//! `--out` says otherwise, so a preview never overwrites what a portal team
//! publishes) and served from there on loopback. Every HTML page is served
//! with a small script that opens a WebSocket to `/__nianbao/livereload` and
//! reloads the page after each rebuild; while the last build failed, pages
//! also carry an overlay with the diagnostics (HTML-escaped). The script is
//! added to responses only, never to the files on disk.
//!
//! Paths are resolved strictly inside the output folder: `..` segments
//! (also percent-encoded), backslashes and NUL bytes are refused, and a file
//! whose real path leads outside the folder (a symbolic link) is refused.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::Router;
use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::watch;

mod editor;
mod guard;
mod inject;
mod limits;

pub use guard::{host_allowed, origin_allowed};

use crate::BuildOptions;
use crate::diag::{self, Diagnostic, Lang, Msg};
use crate::watch::{Outcome, StopHandle, WatchOptions, Watcher};

/// Where the live-reload WebSocket lives (no site page can be there: output
/// paths never start with `__`).
pub const LIVERELOAD_PATH: &str = "/__nianbao/livereload";

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `build.out == None`: a temporary folder, removed on exit.
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub poll: bool,
    pub lang: Lang,
    /// Stop on Ctrl-C (the command does; tests stop through [`Running::stop`]).
    pub ctrl_c: bool,
    /// Print each rebuild's outcome on stderr.
    pub print: bool,
    /// A connection without a byte either way for this long is closed
    /// ([`DEFAULT_IDLE`]; tests shorten it).
    pub idle: std::time::Duration,
}

pub use limits::{IDLE as DEFAULT_IDLE, MAX_CONNECTIONS};

/// What the pages need to know about the last build.
#[derive(Default)]
struct Status {
    /// Bumped after every build, good or failed: the reload signal.
    generation: u64,
    /// Diagnostics text while the last build failed.
    failure: Option<String>,
}

struct Shared {
    out: PathBuf,
    editor: Arc<editor::Editor>,
    idle: std::time::Duration,
    status: Mutex<Status>,
    reload: watch::Sender<u64>,
    shutdown: watch::Sender<bool>,
}

/// A running server.
pub struct Running {
    addr: SocketAddr,
    out: PathBuf,
    temp_out: bool,
    shared: Arc<Shared>,
    stop: StopHandle,
    watcher: Option<JoinHandle<()>>,
    server: Option<JoinHandle<()>>,
}

impl Running {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
    pub fn out_dir(&self) -> &Path {
        &self.out
    }
    /// The number of builds so far (good or failed).
    pub fn generation(&self) -> u64 {
        self.shared.status.lock().map(|s| s.generation).unwrap_or(0)
    }

    /// Stop serving and watching, and wait for both.
    pub fn stop(mut self) {
        let _ = self.shared.shutdown.send(true);
        self.finish();
    }

    /// Wait until the server stops (Ctrl-C), then stop watching.
    pub fn wait(mut self) {
        if let Some(s) = self.server.take() {
            let _ = s.join();
        }
        self.finish();
    }

    fn finish(&mut self) {
        if let Some(s) = self.server.take() {
            let _ = s.join();
        }
        self.stop.stop();
        if let Some(w) = self.watcher.take() {
            let _ = w.join();
        }
        if self.temp_out {
            let _ = std::fs::remove_dir_all(&self.out);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shared.shutdown.send(true);
        self.finish();
    }
}

fn serve_error(what: Msg) -> Diagnostic {
    Diagnostic::error("V001", what)
}

/// Bind, build, watch and serve; returns once the server is listening.
pub fn start(opts: ServeOptions) -> Result<Running, Diagnostic> {
    let temp_out = opts.build.out.is_none();
    let out = opts.build.out.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("nianbao-serve-{}", std::process::id()))
    });
    let out = crate::output::check_out_dir(&opts.build.root, &out)?;
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        serve_error(Msg::new(
            format!("无法在 {addr} 上监听：{e}（换一个端口：--port）"),
            format!("cannot listen on {addr}: {e} (try another --port)"),
        ))
    })?;
    listener.set_nonblocking(true).map_err(|e| {
        serve_error(Msg::new(
            format!("监听设置失败：{e}"),
            format!("listener setup failed: {e}"),
        ))
    })?;
    let addr = listener.local_addr().unwrap_or(addr);

    let (reload, _) = watch::channel(0u64);
    let (shutdown, _) = watch::channel(false);
    let editor = Arc::new(editor::Editor::new(&crate::watch::absolute(
        &opts.build.root,
    )));
    let shared = Arc::new(Shared {
        out: out.clone(),
        editor: editor.clone(),
        idle: opts.idle,
        status: Mutex::new(Status::default()),
        reload,
        shutdown,
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            serve_error(Msg::new(
                format!("无法启动服务：{e}"),
                format!("cannot start the server: {e}"),
            ))
        })?;

    // The watcher: first build, then one rebuild per save.
    let editor_w = editor.clone();
    let watcher = Watcher::new().on_site(move |site| editor_w.update(site));
    let stop = watcher.stop_handle();
    let wopts = WatchOptions {
        build: BuildOptions {
            root: opts.build.root.clone(),
            out: Some(out.clone()),
            drafts: opts.build.drafts,
            base_url: opts.build.base_url.clone(),
        },
        poll: opts.poll,
    };
    let (first_tx, first_rx) = std::sync::mpsc::channel::<Result<(), Diagnostic>>();
    let shared_w = shared.clone();
    let (lang, print) = (opts.lang, opts.print);
    let watcher = std::thread::Builder::new()
        .name("nianbao-watch".into())
        .spawn(move || {
            let first = first_tx.clone();
            let result = watcher.run(&wopts, |outcome: &Outcome| {
                if print {
                    let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
                    eprint!("{}", crate::watch::describe(outcome, lang, color));
                }
                let generation = {
                    let Ok(mut st) = shared_w.status.lock() else {
                        return;
                    };
                    st.generation += 1;
                    st.failure =
                        (!outcome.is_ok()).then(|| diag::render_html(outcome.diagnostics(), lang));
                    st.generation
                };
                shared_w.reload.send_replace(generation);
                let _ = first.send(Ok(()));
            });
            if let Err(d) = result {
                let _ = first_tx.send(Err(d));
            }
        })
        .map_err(|e| {
            serve_error(Msg::new(
                format!("无法启动监视：{e}"),
                format!("cannot start watching: {e}"),
            ))
        })?;
    // Serve only once the first build is done (good or not), so the URL
    // printed next works at once.
    match first_rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(d)) => {
            let _ = watcher.join();
            return Err(d);
        }
        Err(_) => {
            let _ = watcher.join();
            return Err(serve_error(Msg::new(
                "监视意外停止",
                "watching stopped unexpectedly",
            )));
        }
    }

    let edit_routes = Router::new()
        .route(
            "/__nianbao/edit/{year}/{slug}/",
            get(editor::form).post(editor::save),
        )
        .route("/__nianbao/edit/{year}/{slug}/check", post(editor::check))
        .route("/__nianbao/new", post(editor::new_report))
        .route("/__nianbao/{asset}", get(editor::asset))
        .with_state(editor.clone());
    let app = Router::new()
        .route(LIVERELOAD_PATH, get(livereload))
        .fallback(get(file))
        .with_state(shared.clone())
        .merge(edit_routes)
        .layer(axum::middleware::from_fn_with_state(
            guard::Port(addr.port()),
            guard::check,
        ));
    let shared_s = shared.clone();
    let ctrl_c = opts.ctrl_c;
    let idle = opts.idle;
    // Installed before `start` returns (and the URL is printed), so a
    // SIGTERM or SIGHUP from then on always ends the preview cleanly.
    let signals = if ctrl_c {
        let _in_runtime = runtime.enter();
        Some(Signals::install())
    } else {
        None
    };
    let server = std::thread::Builder::new()
        .name("nianbao-serve".into())
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
                let listener = limits::Limited::new(listener, idle);
                let mut down = shared_s.shutdown.subscribe();
                let signal = async move {
                    tokio::select! {
                        _ = async { match signals { Some(s) => s.wait().await, None => std::future::pending::<()>().await } } => {}
                        _ = shut_down(&mut down) => {}
                    }
                    // Tell live-reload sockets to close, or shutdown would wait for them.
                    shared_s.shutdown.send_replace(true);
                };
                if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(signal).await {
                    eprintln!("服务出错 / server error: {e}");
                }
            });
        })
        .map_err(|e| serve_error(Msg::new(format!("无法启动服务：{e}"), format!("cannot start the server: {e}"))))?;

    Ok(Running {
        addr,
        out,
        temp_out,
        shared,
        stop,
        watcher: Some(watcher),
        server: Some(server),
    })
}

/// Ctrl-C, SIGTERM (a service manager, `kill`) or SIGHUP (the terminal
/// closed): each ends the preview the same way, temporary folder removed.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    /// Must run inside the runtime (`Runtime::enter`).
    fn install() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                term: signal(SignalKind::terminate()).ok(),
                hup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            let (mut term, mut hup) = (self.term, self.hup);
            let term = async {
                match term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            let hup = async {
                match hup.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term => {}
                _ = hup => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Resolves once shutdown is asked for (holding no lock across awaits).
async fn shut_down(rx: &mut watch::Receiver<bool>) {
    loop {
        let done = *rx.borrow_and_update();
        if done || rx.changed().await.is_err() {
            return;
        }
    }
}

#[derive(serde::Deserialize)]
struct ReloadQuery {
    #[serde(default)]
    generation: Option<u64>,
}

async fn livereload(
    ws: WebSocketUpgrade,
    Query(q): Query<ReloadQuery>,
    State(shared): State<Arc<Shared>>,
) -> Response {
    ws.on_upgrade(move |socket| reload_loop(socket, q.generation, shared))
}

async fn reload_loop(mut socket: WebSocket, seen: Option<u64>, shared: Arc<Shared>) {
    let mut rx = shared.reload.subscribe();
    let mut down = shared.shutdown.subscribe();
    // A build finished between serving the page and opening the socket.
    let current = *rx.borrow_and_update();
    if seen.is_some_and(|g| g != current)
        && socket.send(Message::Text("reload".into())).await.is_err()
    {
        return;
    }
    // A ping now and then keeps the idle timeout (limits::IDLE) from
    // closing a page that is simply open.
    let every = shared.idle / 2;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
            changed = rx.changed() => {
                if changed.is_err() || socket.send(Message::Text("reload".into())).await.is_err() {
                    return;
                }
            }
            msg = socket.recv() => {
                if !matches!(msg, Some(Ok(_))) {
                    return;
                }
            }
            _ = shut_down(&mut down) => {
                let _ = socket.send(Message::Close(None)).await;
                return;
            }
        }
    }
}

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

async fn file(State(shared): State<Arc<Shared>>, req: Request<Body>) -> Response {
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

    #[test]
    fn the_overlay_escapes_diagnostics() {
        use crate::diag::{Diagnostic, Lang, Loc, Msg, SourceFile};
        let file = std::sync::Arc::new(SourceFile {
            rel: "content/2021/平安.md".into(),
            path: "x".into(),
            text: "行政许可: <script>alert(1)</script> & \"x\"\n".into(),
        });
        let d = Diagnostic::error("D1", Msg::new("<b>错</b>", "<b>bad</b>")).at(
            &file,
            Some(Loc {
                line: 1,
                col: 7,
                len: 8,
            }),
        );
        let st = Status {
            generation: 3,
            failure: Some(crate::diag::render_html(&[d], Lang::Zh)),
        };
        let html = String::from_utf8(inject::inject(
            b"<html><body><p>x</p></body></html>".to_vec(),
            &st,
        ))
        .unwrap_or_default();
        assert!(html.contains("&lt;b&gt;错&lt;/b&gt;"), "{html}");
        // The span is marked in the line itself (CJK before it or not).
        assert!(
            html.contains("<pre>行政许可: <mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; &amp; &quot;x&quot;</pre>"),
            "{html}"
        );
        assert!(!html.contains("<script>alert(1)"), "{html}");
        assert!(
            html.contains("generation='+g") && html.contains("var g=3;"),
            "{html}"
        );
        assert!(html.ends_with("</body></html>"), "{html}");
    }
}
