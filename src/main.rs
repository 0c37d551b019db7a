//! The `nianbao` command.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use nianbao::diag::{self, Lang};

// A build allocates millions of small strings across threads (cells, template
// values, minified pages); glibc's malloc spent a quarter of the build's CPU
// time in malloc/free. mimalloc's thread-local free lists cut that.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "政府信息公开工作年度报告的静态网站生成器：核对每一个数字，生成无障碍的网页"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check every report and build the site (核对并生成网站)
    Build {
        /// Site folder (站点目录)
        #[arg(long, short = 'r', default_value = ".")]
        root: PathBuf,
        /// Output folder (输出目录), default <root>/public
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Publishing address, overriding site.toml's base_url (发布地址，覆盖 site.toml 的 base_url), e.g. https://www.example.gov.cn/xxgk/ndbg/
        #[arg(long = "base-url", short = 'u')]
        base_url: Option<String>,
        /// Include reports marked `draft: true` (包括草稿)
        #[arg(long)]
        drafts: bool,
        /// Message language (提示语言)
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
        /// Keep watching and rebuild after every save (监视修改并自动重新生成)
        #[arg(long)]
        watch: bool,
        /// With --watch: scan for changes instead of file-system events (WSL2, network shares) (轮询检查修改)
        #[arg(long, requires = "watch")]
        poll: bool,
    },
    /// Build, watch and serve the site with live reload (预览：生成、监视并在浏览器中自动刷新)
    #[cfg(feature = "serve")]
    Serve {
        /// Site folder (站点目录)
        #[arg(long, short = 'r', default_value = ".")]
        root: PathBuf,
        /// Output folder (输出目录), default a temporary folder removed on exit
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Port (端口)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (监听地址); loopback only by default
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include reports marked `draft: true` (包括草稿)
        #[arg(long)]
        drafts: bool,
        /// Scan for changes instead of file-system events (WSL2, network shares) (轮询检查修改)
        #[arg(long)]
        poll: bool,
        /// Message language (提示语言)
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
        /// Open the preview in the default browser (在默认浏览器中打开预览)
        #[arg(long)]
        open: bool,
    },
    /// Start a new site in DIR (新建站点)
    Init {
        /// Folder of the new site (新站点目录)
        dir: PathBuf,
        /// Year of the first report (第一份报告的年度), default last year
        #[arg(long)]
        year: Option<u16>,
        /// Message language (提示语言)
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
    /// Write next year's report for a township, prefilled from its last one (新建报告，按上年预填)
    New {
        /// Site folder (站点目录)
        #[arg(long, short = 'r', default_value = ".")]
        root: PathBuf,
        /// Short name of the township or body (乡镇、单位简称)
        #[arg(long)]
        township: String,
        /// URL name (网址名), e.g. pingan; default: last year's
        #[arg(long)]
        slug: Option<String>,
        /// Year of the new report (报告年度), e.g. 2025
        #[arg(long)]
        year: u16,
        /// Region (所属地区), e.g. 大洼区; default: last year's
        #[arg(long)]
        region: Option<String>,
        /// Full name of the reporting body (发布机构); default: last year's
        #[arg(long)]
        organ: Option<String>,
        /// Message language (提示语言)
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
    /// Check every report; write nothing (只核对，不生成)
    Check {
        /// Site folder (站点目录)
        #[arg(long, short = 'r', default_value = ".")]
        root: PathBuf,
        /// human: messages on stderr; json: one JSON array on stdout (输出形式)
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        /// Message language (提示语言)
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
    /// Bring published reports (page text or HTML) into the format (导入已发布的报告)
    Import {
        /// Copied page text or saved HTML, UTF-8 or GBK (复制的网页文字或保存的网页)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output file, for one input (输出文件)
        #[arg(long, short = 'o', conflicts_with = "out_dir")]
        out: Option<PathBuf>,
        /// Output folder, one <name>.md per input (输出目录)
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Replace existing output files (覆盖已有文件)
        #[arg(long)]
        force: bool,
        /// Message language (提示语言)
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
    /// Write a synthetic corpus of valid reports, for benchmarks and tests (生成测试语料)
    #[command(hide = true)]
    Corpus {
        /// How many reports (townships × years) (报告份数)
        #[arg(long, default_value_t = 1000)]
        reports: usize,
        /// Site folder to write: site.toml and content/ (输出站点目录)
        #[arg(long, short = 'o')]
        out: PathBuf,
        /// Also write the same reports as a Hugo site here (同时生成 Hugo 站点)
        #[arg(long)]
        hugo: Option<PathBuf>,
        /// Also write the same reports as a Zola site here (同时生成 Zola 站点)
        #[arg(long)]
        zola: Option<PathBuf>,
        /// Seed: the same seed gives the same bytes (随机种子)
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    }
}

/// `nianbao import`: 0 whole and balanced, 1 partial or unbalanced, 2 unusable input.
fn import(
    files: &[PathBuf],
    out: Option<&std::path::Path>,
    out_dir: Option<&std::path::Path>,
    force: bool,
    lang: Lang,
    color: bool,
) -> u8 {
    use nianbao::import::{self, Target};
    let say = |m: &diag::Msg| eprintln!("{}", m.get(lang));
    if files.len() > 1 && out_dir.is_none() {
        say(&diag::Msg::new(
            "导入多个文件时请用 --out-dir 指定输出目录",
            "importing several files needs --out-dir",
        ));
        return 2;
    }
    let registry = nianbao::format::Registry::builtin();
    let mut worst = 0u8;
    for file in files {
        let target = import::target_for(file, out, out_dir);
        let rel = match &target {
            Target::File(p) => p.to_string_lossy().into_owned(),
            Target::Stdout => format!(
                "{}.md",
                import::front::slug_from(
                    &file
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                )
            ),
        };
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                say(&diag::Msg::new(
                    format!("无法读取 {}：{e}", file.display()),
                    format!("cannot read {}: {e}", file.display()),
                ));
                worst = 2;
                continue;
            }
        };
        let outcome = match import::run(&bytes, &rel, &registry) {
            Ok(o) => o,
            Err(m) => {
                say(&diag::Msg::new(
                    format!("{}：{}", file.display(), m.zh),
                    format!("{}: {}", file.display(), m.en),
                ));
                worst = 2;
                continue;
            }
        };
        match &target {
            Target::Stdout => print!("{}", outcome.imported.text),
            Target::File(p) => {
                if let Err(m) = import::save(p, &outcome.imported.text, force) {
                    say(&m);
                    worst = 2;
                    continue;
                }
            }
        }
        // Blank cells are kept as `~` on purpose; `check` lists them cell by cell, here one line says so.
        let (blanks, shown): (Vec<diag::Diagnostic>, Vec<diag::Diagnostic>) = outcome
            .diagnostics
            .iter()
            .cloned()
            .partition(|d| d.code == "W5");
        eprint!("{}", diag::render_human(&shown, lang, color));
        if !blanks.is_empty() {
            let n = blanks.len();
            say(&diag::Msg::new(
                format!(
                    "原文有 {n} 个空白格，已照原样写作 ~（按 0 计算；nianbao check 会逐格列出）"
                ),
                format!(
                    "{n} cells are blank on the page and were written as ~ (counted as 0; nianbao check lists each)"
                ),
            ));
        }
        for t in &outcome.imported.tables {
            say(&t.describe());
        }
        let state = match (
            outcome.imported.partial,
            outcome.diagnostics.iter().any(|d| d.is_error()),
        ) {
            (false, false) => diag::Msg::new(
                "完整导入，数字全部平衡",
                "imported whole; every identity holds",
            ),
            (true, false) => diag::Msg::new(
                "导入不完整（已标为草稿），见 TODO（导入）",
                "imported in part (marked draft); see the TODO comments",
            ),
            (false, true) => diag::Msg::new(
                "完整导入，但原文数字有不平衡之处（见上）",
                "imported whole, but the published figures do not balance (see above)",
            ),
            (true, true) => diag::Msg::new(
                "导入不完整，且原文数字有不平衡之处",
                "imported in part, and the published figures do not balance",
            ),
        };
        let (shown, fmt, sum) = (
            file.display(),
            &outcome.imported.format,
            diag::summary(&outcome.diagnostics, lang),
        );
        match lang {
            Lang::Zh => eprintln!("{shown} → {rel}（{fmt}）：{}；{sum}", state.get(lang)),
            Lang::En => eprintln!("{shown} → {rel} ({fmt}): {}; {sum}", state.get(lang)),
        }
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let slug = import::front::slug_from(&stem);
        if slug != stem {
            say(&diag::Msg::new(
                format!(
                    "网址名写作 slug: {slug}（由文件名「{stem}」生成）；请在 front matter 中改为拼音，如 slug: pingan"
                ),
                format!(
                    "the URL name is slug: {slug} (from the file name “{stem}”); change it to a pinyin name such as slug: pingan"
                ),
            ));
        }
        worst = worst.max(outcome.exit);
    }
    worst
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            lang: l,
            watch: true,
            poll,
        } => watch(
            nianbao::BuildOptions {
                root,
                out,
                drafts,
                base_url,
            },
            poll,
            lang(l),
            color,
        ),
        #[cfg(feature = "serve")]
        Command::Serve {
            root,
            out,
            port,
            bind,
            drafts,
            poll,
            lang: l,
            open,
        } => serve(
            nianbao::BuildOptions {
                root,
                out,
                drafts,
                base_url: None,
            },
            open,
            bind,
            port,
            poll,
            lang(l),
            color,
        ),
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            lang: l,
            watch: false,
            ..
        } => {
            let lang = lang(l);
            let opts = nianbao::BuildOptions {
                root,
                out,
                drafts,
                base_url,
            };
            let started = std::time::Instant::now();
            match nianbao::build(&opts) {
                Ok(report) => {
                    eprint!("{}", diag::render_human(&report.diagnostics, lang, color));
                    let debris = report.stats.debris_removed;
                    if debris > 0 {
                        match lang {
                            Lang::Zh => eprintln!(
                                "注意：已删除此前被中断的构建在输出目录旁留下的 {debris} 个临时目录"
                            ),
                            Lang::En => eprintln!(
                                "note: removed {debris} temporary folders that interrupted builds left beside the output"
                            ),
                        }
                    }
                    let secs = started.elapsed().as_secs_f64();
                    match lang {
                        Lang::Zh => eprintln!(
                            "已生成 {} 份报告、{} 个页面到 {}（改写 {} 个文件，{} 个未变），用时 {:.2} 秒；{}",
                            report.reports,
                            report.pages,
                            opts.out_dir().display(),
                            report.stats.written,
                            report.stats.unchanged,
                            secs,
                            diag::summary(&report.diagnostics, lang)
                        ),
                        Lang::En => eprintln!(
                            "built {} reports, {} pages into {} ({} files written, {} unchanged) in {:.2}s; {}",
                            report.reports,
                            report.pages,
                            opts.out_dir().display(),
                            report.stats.written,
                            report.stats.unchanged,
                            secs,
                            diag::summary(&report.diagnostics, lang)
                        ),
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    eprint!("{}", diag::render_human(&diags, lang, color));
                    match lang {
                        Lang::Zh => eprintln!(
                            "未生成：{}。输出目录保持原样。",
                            diag::summary(&diags, lang)
                        ),
                        Lang::En => eprintln!(
                            "not built: {}. The output folder is unchanged.",
                            diag::summary(&diags, lang)
                        ),
                    }
                    ExitCode::from(build_failure_code(&diags))
                }
            }
        }
        Command::Init { dir, year, lang: l } => {
            let lang = lang(l);
            let year = year.unwrap_or_else(|| nianbao::content::meta::this_year() - 1);
            match nianbao::init::init(&dir, year) {
                Ok(files) => {
                    let say = |zh: String, en: String| match lang {
                        Lang::Zh => eprintln!("{zh}"),
                        Lang::En => eprintln!("{en}"),
                    };
                    for f in files {
                        say(
                            format!("已创建 {}", f.display()),
                            format!("created {}", f.display()),
                        );
                    }
                    say(
                        format!(
                            "下一步：在 site.toml 中写明门户的发布地址（base_url），编辑示例报告（草稿）后运行 nianbao build --root {}",
                            dir.display()
                        ),
                        format!(
                            "next: set base_url in site.toml to the portal's address, edit the example report (a draft), then run nianbao build --root {}",
                            dir.display()
                        ),
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprint!("{}", diag::render_human(&[d], lang, color));
                    ExitCode::from(2)
                }
            }
        }
        Command::New {
            root,
            township,
            slug,
            year,
            region,
            organ,
            lang: l,
        } => {
            let lang = lang(l);
            let opts = nianbao::init::NewOptions {
                root,
                township,
                slug,
                year,
                region,
                organ,
                draft: false,
            };
            match nianbao::init::new_report(&opts) {
                Ok(created) => {
                    let say = |zh: String, en: String| match lang {
                        Lang::Zh => eprintln!("{zh}"),
                        Lang::En => eprintln!("{en}"),
                    };
                    let path = created.path.display();
                    say(format!("已创建 {path}"), format!("created {path}"));
                    match &created.from {
                        Some(from) => {
                            say(
                                format!("按 {from} 预填："),
                                format!("prefilled from {from}:"),
                            );
                            for line in &created.prefilled {
                                eprintln!("  {line}");
                            }
                        }
                        None => say(
                            "没有找到往年的报告，各表均为 0。".into(),
                            "no earlier report found; every table is 0.".into(),
                        ),
                    }
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprint!("{}", diag::render_human(&[d], lang, color));
                    ExitCode::from(2)
                }
            }
        }
        Command::Corpus {
            reports,
            out,
            hugo,
            zola,
            seed,
        } => {
            let opts = nianbao::corpus::Options {
                reports,
                seed,
                out,
                hugo,
                zola,
            };
            match nianbao::corpus::write(&opts) {
                Ok(n) => {
                    eprintln!("已生成 {n} 份报告：{}", opts.out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("错误：无法写入语料（{e}）");
                    ExitCode::from(2)
                }
            }
        }
        Command::Import {
            files,
            out,
            out_dir,
            force,
            lang: l,
        } => ExitCode::from(import(
            &files,
            out.as_deref(),
            out_dir.as_deref(),
            force,
            lang(l),
            color,
        )),
        Command::Check {
            root,
            format,
            lang: l,
        } => {
            let lang = lang(l);
            match nianbao::check(&root) {
                Ok(diags) => {
                    match format {
                        OutputFormat::Human => {
                            eprint!("{}", diag::render_human(&diags, lang, color));
                            eprintln!("{}", diag::summary(&diags, lang));
                        }
                        OutputFormat::Json => println!("{}", diag::render_json(&diags, lang)),
                    }
                    if diags.iter().any(|d| d.is_error()) {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(d) => {
                    // Editors and CI read stdout in JSON mode, also when the site cannot be checked.
                    match format {
                        OutputFormat::Human => eprint!("{}", diag::render_human(&[d], lang, color)),
                        OutputFormat::Json => println!("{}", diag::render_json(&[d], lang)),
                    }
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// `nianbao build --watch`: runs until Ctrl-C.
fn watch(build: nianbao::BuildOptions, poll: bool, lang: Lang, color: bool) -> ExitCode {
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
fn serve(
    build: nianbao::BuildOptions,
    open: bool,
    bind: std::net::IpAddr,
    port: u16,
    poll: bool,
    lang: Lang,
    color: bool,
) -> ExitCode {
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

/// Exit code of a build that did not happen: 2 when it could not run at all
/// (no site, bad site.toml, unusable output folder), 1 when the site has
/// errors. The same rule as `check`.
fn build_failure_code(diags: &[diag::Diagnostic]) -> u8 {
    let cannot_run = |c: &str| {
        matches!(
            c,
            "S001" | "S002" | "S003" | "O002" | "O003" | "V001" | "V002"
        )
    };
    if diags.iter().any(|d| d.is_error() && cannot_run(d.code)) {
        2
    } else {
        1
    }
}
