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
use axum::routing::{get, post};
use tokio::sync::watch;

mod editor;
mod files;
mod guard;
mod inject;
mod limits;
mod reload;

pub use files::safe_segments;
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
    let (listener, addr) = listen(SocketAddr::new(opts.bind, opts.port))?;

    let (reload, _) = watch::channel(0u64);
    let (shutdown, _) = watch::channel(false);
    let editor = Arc::new(editor::Editor::new(&crate::watch::absolute(
        &opts.build.root,
    )));
    let shared = Arc::new(Shared {
        out: out.clone(),
        editor,
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
    let (watcher, stop) = start_watching(&opts, &out, &shared)?;
    let app = router(&shared, addr.port());
    // Installed before `start` returns (and the URL is printed), so a
    // SIGTERM or SIGHUP from then on always ends the preview cleanly.
    let signals = if opts.ctrl_c {
        let _in_runtime = runtime.enter();
        Some(Signals::install())
    } else {
        None
    };
    let server = spawn_server(runtime, listener, app, shared.clone(), signals)?;

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

/// A non-blocking listener on `addr`, and the address it got (port 0 picks one).
fn listen(addr: SocketAddr) -> Result<(std::net::TcpListener, SocketAddr), Diagnostic> {
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
    Ok((listener, addr))
}

impl Shared {
    /// A build is done, good or failed: the next generation, and the overlay
    /// text while it failed. `None` if the status lock was poisoned.
    fn record(&self, outcome: &Outcome, lang: Lang) -> Option<u64> {
        let mut st = self.status.lock().ok()?;
        st.generation += 1;
        st.failure = (!outcome.is_ok()).then(|| diag::render_html(outcome.diagnostics(), lang));
        Some(st.generation)
    }
}

/// The watcher thread: the first build, then one rebuild per save, each
/// recorded in `shared` and announced to the open pages.
fn start_watching(
    opts: &ServeOptions,
    out: &Path,
    shared: &Arc<Shared>,
) -> Result<(JoinHandle<()>, StopHandle), Diagnostic> {
    let editor = shared.editor.clone();
    let watcher = Watcher::new().on_site(move |site| editor.update(site));
    let stop = watcher.stop_handle();
    let wopts = WatchOptions {
        build: BuildOptions {
            root: opts.build.root.clone(),
            out: Some(out.to_path_buf()),
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
                let Some(generation) = shared_w.record(outcome, lang) else {
                    return;
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
        Ok(Ok(())) => Ok((watcher, stop)),
        Ok(Err(d)) => {
            let _ = watcher.join();
            Err(d)
        }
        Err(_) => {
            let _ = watcher.join();
            Err(serve_error(Msg::new(
                "监视意外停止",
                "watching stopped unexpectedly",
            )))
        }
    }
}

/// Live reload, the editor and the output folder's files, all behind the
/// Host and Origin checks.
fn router(shared: &Arc<Shared>, port: u16) -> Router {
    let edit_routes = Router::new()
        .route(
            "/__nianbao/edit/{year}/{slug}/",
            get(editor::form).post(editor::save),
        )
        .route("/__nianbao/edit/{year}/{slug}/check", post(editor::check))
        .route("/__nianbao/new", post(editor::new_report))
        .route("/__nianbao/{asset}", get(editor::asset))
        .with_state(shared.editor.clone());
    Router::new()
        .route(LIVERELOAD_PATH, get(reload::livereload))
        .fallback(get(files::file))
        .with_state(shared.clone())
        .merge(edit_routes)
        .layer(axum::middleware::from_fn_with_state(
            guard::Port(port),
            guard::check,
        ))
}

/// The server thread: serves `app` until a signal (when `signals` is set) or
/// [`Running::stop`] asks for shutdown.
fn spawn_server(
    runtime: tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    app: Router,
    shared: Arc<Shared>,
    signals: Option<Signals>,
) -> Result<JoinHandle<()>, Diagnostic> {
    let idle = shared.idle;
    std::thread::Builder::new()
        .name("nianbao-serve".into())
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
                let listener = limits::Limited::new(listener, idle);
                let mut down = shared.shutdown.subscribe();
                let signal = async move {
                    tokio::select! {
                        _ = async { match signals { Some(s) => s.wait().await, None => std::future::pending::<()>().await } } => {}
                        _ = reload::shut_down(&mut down) => {}
                    }
                    // Tell live-reload sockets to close, or shutdown would wait for them.
                    shared.shutdown.send_replace(true);
                };
                if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(signal).await {
                    eprintln!("服务出错 / server error: {e}");
                }
            });
        })
        .map_err(|e| serve_error(Msg::new(format!("无法启动服务：{e}"), format!("cannot start the server: {e}"))))
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

#[cfg(test)]
mod tests {
    use super::*;

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
