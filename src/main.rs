//! The `nianbao` command.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use nianbao::diag::{self, Lang};

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
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (输出目录), default <root>/public
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include reports marked `draft: true` (包括草稿)
        #[arg(long)]
        drafts: bool,
        /// Message language (提示语言)
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
    /// Start a new site in DIR (新建站点)
    Init {
        dir: PathBuf,
        /// Year of the first report (第一份报告的年度), default last year
        #[arg(long)]
        year: Option<u16>,
    },
    /// Write next year's report for a township, prefilled from its last one (新建报告，按上年预填)
    New {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Short name of the township or body (乡镇、单位简称)
        #[arg(long)]
        township: String,
        /// URL name (网址名), e.g. pingan; default: last year's
        #[arg(long)]
        slug: Option<String>,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        region: Option<String>,
        /// Full name of the reporting body (发布机构); default: last year's
        #[arg(long)]
        organ: Option<String>,
    },
    /// Check every report; write nothing (只核对，不生成)
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        #[arg(long, value_enum, default_value = "zh")]
        lang: LangArg,
    },
}

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
    match cli.command {
        Command::Build {
            root,
            out,
            drafts,
            lang: l,
        } => {
            let lang = lang(l);
            let opts = nianbao::BuildOptions { root, out, drafts };
            let started = std::time::Instant::now();
            match nianbao::build(&opts) {
                Ok(report) => {
                    eprint!("{}", diag::render_human(&report.diagnostics, lang, color));
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
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir, year } => {
            let year = year.unwrap_or_else(|| nianbao::content::meta::this_year() - 1);
            match nianbao::init::init(&dir, year) {
                Ok(files) => {
                    for f in files {
                        eprintln!("已创建 {}", f.display());
                    }
                    eprintln!(
                        "下一步：编辑报告后运行 nianbao build --root {}",
                        dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprint!("{}", diag::render_human(&[d], Lang::Zh, color));
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
        } => {
            let opts = nianbao::init::NewOptions {
                root,
                township,
                slug,
                year,
                region,
                organ,
            };
            match nianbao::init::new_report(&opts) {
                Ok(created) => {
                    eprintln!("已创建 {}", created.path.display());
                    match &created.from {
                        Some(from) => {
                            eprintln!("按 {from} 预填：");
                            for line in &created.prefilled {
                                eprintln!("  {line}");
                            }
                        }
                        None => eprintln!("没有找到往年的报告，各表均为 0。"),
                    }
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprint!("{}", diag::render_human(&[d], Lang::Zh, color));
                    ExitCode::from(2)
                }
            }
        }
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
                    eprint!("{}", diag::render_human(&[d], lang, color));
                    ExitCode::from(2)
                }
            }
        }
    }
}
