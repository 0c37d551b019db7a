//! `nianbao build --watch` and `nianbao serve`: the commands that keep
//! running until Ctrl-C.

use std::process::ExitCode;

use nianbao::diag::{self, Lang};

/// `nianbao build --watch`: runs until Ctrl-C.
pub fn watch(build: nianbao::BuildOptions, poll: bool, lang: Lang, color: bool) -> ExitCode {
    let opts = nianbao::watch::WatchOptions { build, poll };
    let (root, out) = (opts.build.root.display(), opts.build.out_dir());
    match lang {
        Lang::Zh => eprintln!(
            "正在监视 {root}，输出到 {}；按 Ctrl-C 结束。",
            out.display()
        ),
        Lang::En => eprintln!(
            "watching {root}, building into {}; press Ctrl-C to stop.",
            out.display()
        ),
    }
    let watcher = nianbao::watch::Watcher::new();
    match watcher.run(&opts, |outcome| {
        eprint!("{}", nianbao::watch::describe(outcome, lang, color))
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => {
            eprint!("{}", diag::render_human(&[d], lang, color));
            ExitCode::from(2)
        }
    }
}

/// `nianbao serve`: build, watch and serve until Ctrl-C.
#[cfg(feature = "serve")]
pub fn serve(args: crate::args::ServeArgs, color: bool) -> ExitCode {
    let crate::args::ServeArgs {
        root,
        out,
        port,
        bind,
        drafts,
        poll,
        lang,
        open,
    } = args;
    let lang = lang.lang();
    if !bind.is_loopback() {
        match lang {
            Lang::Zh => eprintln!(
                "警告：预览监听在 {bind}，网络上的其他人也能访问（包括草稿和未核对通过的数字）；只在本机预览请去掉 --bind"
            ),
            Lang::En => eprintln!(
                "warning: the preview listens on {bind} and is reachable from the network (drafts and unchecked figures included); drop --bind to keep it on this machine"
            ),
        }
    }
    let build = nianbao::BuildOptions {
        root,
        out,
        drafts,
        base_url: None,
    };
    let opts = nianbao::serve::ServeOptions {
        build,
        bind,
        port,
        poll,
        lang,
        ctrl_c: true,
        print: true,
        idle: nianbao::serve::DEFAULT_IDLE,
    };
    match nianbao::serve::start(opts) {
        Ok(running) => {
            match lang {
                Lang::Zh => eprintln!(
                    "预览地址：{}  （保存修改后页面自动刷新；按 Ctrl-C 结束）",
                    running.url()
                ),
                Lang::En => eprintln!(
                    "open {}  (pages reload after each save; press Ctrl-C to stop)",
                    running.url()
                ),
            }
            if open {
                open_browser(&running.url(), lang);
            }
            running.wait();
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", diag::render_human(&[d], lang, color));
            ExitCode::from(2)
        }
    }
}

/// `serve --open`: the system's way of opening a URL in the default browser.
#[cfg(feature = "serve")]
fn open_browser(url: &str, lang: Lang) {
    let (cmd, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(cmd)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        match lang {
            Lang::Zh => eprintln!("无法自动打开浏览器，请手动打开 {url}"),
            Lang::En => eprintln!("could not open a browser; open {url} yourself"),
        }
    }
}
