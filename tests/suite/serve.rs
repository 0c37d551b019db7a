//! `nianbao serve` on a temporary copy of the sample site, on a free
//! loopback port, spoken to with plain HTTP/1.1 over a TcpStream.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use nianbao::BuildOptions;
use nianbao::diag::Lang;
use nianbao::serve::{LIVERELOAD_PATH, Running, ServeOptions};
use scraper::{Html, Selector};

use crate::support::rebuild_common;

const TIMEOUT: Duration = Duration::from_secs(30);
const PROSE: &str = "创新活动形式";

pub(crate) struct Site {
    dir: tempfile::TempDir,
    pub(crate) root: PathBuf,
    server: Option<Running>,
}

impl Site {
    pub(crate) fn start() -> Site {
        let (dir, root) = rebuild_common::sample_site();
        let mut build = BuildOptions::new(&root);
        build.out = Some(dir.path().join("out"));
        let opts = ServeOptions {
            build,
            bind: "127.0.0.1".parse().unwrap(),
            port: 0,
            poll: false,
            lang: Lang::Zh,
            ctrl_c: false,
            print: false,
            idle: Duration::from_secs(2),
        };
        let server = nianbao::serve::start(opts).unwrap();
        Site {
            dir,
            root,
            server: Some(server),
        }
    }
    pub(crate) fn addr(&self) -> SocketAddr {
        self.server.as_ref().unwrap().addr()
    }
    pub(crate) fn get(&self, path: &str) -> Response {
        request(
            self.addr(),
            &format!(
                "GET {path} HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
                self.addr().port()
            ),
        )
    }
    fn save(&self, text: &str) {
        std::fs::write(self.root.join("content/2021/pingan.md"), text).unwrap();
    }
    pub(crate) fn wait_for(
        &self,
        what: &str,
        path: &str,
        done: impl Fn(&Response) -> bool,
    ) -> Response {
        let start = Instant::now();
        loop {
            let r = self.get(path);
            if done(&r) {
                return r;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {what}; last response: {} {}",
                r.status,
                r.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop();
        }
    }
}

pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) body: String,
}

pub(crate) fn request(addr: SocketAddr, raw: &str) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn sample_with(from: &str, to: &str) -> String {
    let text = rebuild_common::SAMPLE.to_string();
    assert!(text.contains(from));
    text.replacen(from, to, 1)
}

fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

#[test]
fn pages_are_served_with_the_reload_hook_and_saves_show_up() {
    let site = Site::start();
    let r = site.get("/2021/pingan/");
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(
        r.head
            .to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{}",
        r.head
    );
    assert!(
        texts(&r.body, "h1").concat().contains("平安镇"),
        "{}",
        r.body
    );
    let scripts = texts(&r.body, "script").concat();
    assert!(scripts.contains(LIVERELOAD_PATH), "{scripts}");
    assert!(scripts.contains("location.reload()"), "{scripts}");
    // Only the response carries it, never the file on disk.
    let on_disk =
        std::fs::read_to_string(site.dir.path().join("out/2021/pingan/index.html")).unwrap();
    assert!(!on_disk.contains(LIVERELOAD_PATH));
    // Static files are served as they are.
    let css = site.get("/static/style.css");
    assert_eq!(css.status, 200);
    assert!(css.head.contains("text/css") && !css.body.contains("<script"));

    site.save(&sample_with(PROSE, "浏览器里看到的修改"));
    let r = site.wait_for("the saved text", "/2021/pingan/index.html", |r| {
        texts(&r.body, "main p")
            .iter()
            .any(|p| p.contains("浏览器里看到的修改"))
    });
    assert_eq!(r.status, 200);
}

#[test]
fn paths_outside_the_site_are_refused() {
    let site = Site::start();
    for path in [
        "/../site.toml",
        "/2021/../../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2e%2e/site.toml",
        "/2021/%2e%2e%2f%2e%2e%2fsite.toml",
        "/..%5csite.toml",
    ] {
        let r = site.get(path);
        assert_eq!(r.status, 403, "{path}: {} {}", r.head, r.body);
        assert!(!r.body.contains("title ="), "{path} leaked site.toml");
    }
    // A symbolic link inside the output that leads out of it.
    std::os::unix::fs::symlink(
        site.root.join("site.toml"),
        site.dir.path().join("out/leak.txt"),
    )
    .unwrap();
    let r = site.get("/leak.txt");
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(!r.body.contains("title ="));
    // A folder without its slash is redirected (pages link relatively), a missing page is a 404 page.
    let r = site.get("/2021");
    assert_eq!(r.status, 301);
    assert!(r.head.contains("/2021/"), "{}", r.head);
    let r = site.get("/no/such/page.html");
    assert_eq!(r.status, 404);
    assert!(r.body.contains(LIVERELOAD_PATH));
}

#[test]
fn a_failed_build_shows_an_escaped_overlay_over_the_last_good_page() {
    let site = Site::start();
    let good = std::fs::read(site.dir.path().join("out/2021/pingan/index.html")).unwrap();
    // A broken figure, and prose that would be markup if not escaped.
    let broken = sample_with(
        "予以公开:                        [0, 0, 0, 0, 0, 0, 0]",
        "予以公开:                        [1, 0, 0, 0, 0, 0, 0]  # <b>x</b>",
    );
    site.save(&broken);
    let r = site.wait_for("the overlay", "/2021/pingan/", |r| {
        r.body.contains("nianbao-overlay")
    });
    let overlay = texts(&r.body, "#nianbao-overlay").concat();
    // The place is marked in the quoted line itself, not by a caret.
    assert!(
        !texts(&r.body, "#nianbao-overlay pre mark").is_empty(),
        "{}",
        r.body
    );
    assert!(overlay.contains("content/2021/pingan.md"), "{overlay}");
    assert!(overlay.contains("予以公开"), "{overlay}");
    // The diagnostics quote the source line: its markup is text, not elements.
    assert!(
        overlay.contains("<b>x</b>"),
        "the quoted line is shown as text: {overlay}"
    );
    let doc = Html::parse_document(&r.body);
    assert!(
        doc.select(&Selector::parse("#nianbao-overlay b").unwrap())
            .next()
            .is_none(),
        "markup in the overlay was not escaped"
    );
    // Still the last good page underneath, and the file on disk untouched.
    assert_eq!(
        std::fs::read(site.dir.path().join("out/2021/pingan/index.html")).unwrap(),
        good
    );

    site.save(&sample_with(PROSE, "修好了"));
    let r = site.wait_for("the overlay gone", "/2021/pingan/", |r| {
        !r.body.contains("nianbao-overlay")
    });
    assert!(
        texts(&r.body, "main p")
            .iter()
            .any(|p| p.contains("修好了"))
    );
}

#[test]
fn the_reload_socket_says_reload_after_a_save() {
    let site = Site::start();
    let generation = site.server.as_ref().unwrap().generation();
    let port = site.addr().port();
    let mut s = TcpStream::connect(site.addr()).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    let req = format!(
        "GET {LIVERELOAD_PATH}?generation={generation} HTTP/1.1\r\nHost: localhost:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");

    site.save(&sample_with(PROSE, "触发刷新"));
    // One unmasked text frame from the server: 0x81, length, "reload".
    let mut frame = [0u8; 8];
    s.read_exact(&mut frame).unwrap();
    assert_eq!(frame[0], 0x81);
    assert_eq!(frame[1], 6);
    assert_eq!(&frame[2..], b"reload");
}

#[test]
fn only_this_server_s_host_and_origin_are_answered() {
    let site = Site::start();
    let port = site.addr().port();
    // DNS rebinding: the attacker's name in Host.
    let r = request(
        site.addr(),
        &format!(
            "GET /2021/pingan/ HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(r.status, 421, "{}", r.head);
    assert!(!r.body.contains("平安镇"));
    // Another site's page opening the live-reload socket.
    let r = request(
        site.addr(),
        &format!(
            "GET {LIVERELOAD_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\n\
             Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        ),
    );
    assert_eq!(r.status, 403, "{}", r.head);
    // A write from another site.
    let r = request(
        site.addr(),
        &format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: https://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(r.status, 403, "{}", r.head);
    // The page's own origin is fine.
    let r = request(
        site.addr(),
        &format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(r.status, 200, "{}", r.head);
}

#[test]
fn a_double_slash_never_redirects_to_another_host() {
    let site = Site::start();
    let r = site.get("//2021");
    assert_eq!(r.status, 301, "{}", r.head);
    let location = r
        .head
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap_or("");
    assert_eq!(location, "/2021/");
}

#[test]
fn a_held_connection_is_closed_after_the_idle_timeout() {
    let site = Site::start();
    let mut s = TcpStream::connect(site.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // Half a request, then nothing.
    s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1").unwrap();
    let start = Instant::now();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf); // returns when the server closes
    let waited = start.elapsed();
    assert!(waited < Duration::from_secs(25), "closed after {waited:?}");
    // Meanwhile and after, the preview still answers.
    assert_eq!(site.get("/").status, 200);
}

#[test]
fn sigterm_and_sighup_remove_the_temporary_folder() {
    for signal in ["-TERM", "-HUP"] {
        let site = crate::support::site::TempSite::sample();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args([
                "serve",
                "--port",
                "0",
                "--root",
                site.root.to_str().unwrap(),
            ])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let temp = std::env::temp_dir().join(format!("nianbao-serve-{}", child.id()));
        // The address line is printed once the preview is up, signals included.
        let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while !line.contains("http://") {
            line.clear();
            let n = std::io::BufRead::read_line(&mut err, &mut line).unwrap();
            assert!(n > 0, "serve ended before it was up");
        }
        assert!(temp.join("index.html").exists());
        let killed = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert!(status.success(), "{signal}: {status:?}");
        assert!(!temp.exists(), "{signal}: {} left behind", temp.display());
    }
}

#[test]
fn binding_beyond_loopback_warns() {
    let site = crate::support::site::TempSite::sample();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "serve",
            "--port",
            "0",
            "--bind",
            "0.0.0.0",
            "--root",
            site.root.to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut text = String::new();
    std::io::BufRead::read_line(&mut err, &mut text).unwrap();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    assert!(text.contains("警告") && text.contains("0.0.0.0"), "{text}");
}
