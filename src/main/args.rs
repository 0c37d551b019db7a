//! The command line: every subcommand's flags and help text, as clap reads them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use nianbao::diag::Lang;

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "政府信息公开工作年度报告的静态网站生成器：核对每一个数字，生成无障碍的网页"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

impl LangArg {
    pub fn lang(self) -> Lang {
        match self {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

// Each subcommand's flags are a struct of their own so that `main` hands the
// whole set to the command's module instead of unpacking every field.
#[derive(Subcommand)]
pub enum Command {
    /// Check every report and build the site (核对并生成网站)
    Build(BuildArgs),
    /// Build, watch and serve the site with live reload (预览：生成、监视并在浏览器中自动刷新)
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Start a new site in DIR (新建站点)
    Init(InitArgs),
    /// Write next year's report for a township, prefilled from its last one (新建报告，按上年预填)
    New(NewArgs),
    /// Check every report; write nothing (只核对，不生成)
    Check(CheckArgs),
    /// Bring published reports (page text or HTML) into the format (导入已发布的报告)
    Import(ImportArgs),
    /// Write a synthetic corpus of valid reports, for benchmarks and tests (生成测试语料)
    #[command(hide = true)]
    Corpus(CorpusArgs),
}

#[derive(Args)]
pub struct BuildArgs {
    /// Site folder (站点目录)
    #[arg(long, short = 'r', default_value = ".")]
    pub root: PathBuf,
    /// Output folder (输出目录), default <root>/public
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Publishing address, overriding site.toml's base_url (发布地址，覆盖 site.toml 的 base_url), e.g. https://www.example.gov.cn/xxgk/ndbg/
    #[arg(long = "base-url", short = 'u')]
    pub base_url: Option<String>,
    /// Include reports marked `draft: true` (包括草稿)
    #[arg(long)]
    pub drafts: bool,
    /// Message language (提示语言)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
    /// Keep watching and rebuild after every save (监视修改并自动重新生成)
    #[arg(long)]
    pub watch: bool,
    /// With --watch: scan for changes instead of file-system events (WSL2, network shares) (轮询检查修改)
    #[arg(long, requires = "watch")]
    pub poll: bool,
}

#[cfg(feature = "serve")]
#[derive(Args)]
pub struct ServeArgs {
    /// Site folder (站点目录)
    #[arg(long, short = 'r', default_value = ".")]
    pub root: PathBuf,
    /// Output folder (输出目录), default a temporary folder removed on exit
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Port (端口)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on (监听地址); loopback only by default
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include reports marked `draft: true` (包括草稿)
    #[arg(long)]
    pub drafts: bool,
    /// Scan for changes instead of file-system events (WSL2, network shares) (轮询检查修改)
    #[arg(long)]
    pub poll: bool,
    /// Message language (提示语言)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
    /// Open the preview in the default browser (在默认浏览器中打开预览)
    #[arg(long)]
    pub open: bool,
}

#[derive(Args)]
pub struct InitArgs {
    /// Folder of the new site (新站点目录)
    pub dir: PathBuf,
    /// Year of the first report (第一份报告的年度), default last year
    #[arg(long)]
    pub year: Option<u16>,
    /// Message language (提示语言)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
}

#[derive(Args)]
pub struct NewArgs {
    /// Site folder (站点目录)
    #[arg(long, short = 'r', default_value = ".")]
    pub root: PathBuf,
    /// Short name of the township or body (乡镇、单位简称)
    #[arg(long)]
    pub township: String,
    /// URL name (网址名), e.g. pingan; default: last year's
    #[arg(long)]
    pub slug: Option<String>,
    /// Year of the new report (报告年度), e.g. 2025
    #[arg(long)]
    pub year: u16,
    /// Region (所属地区), e.g. 大洼区; default: last year's
    #[arg(long)]
    pub region: Option<String>,
    /// Full name of the reporting body (发布机构); default: last year's
    #[arg(long)]
    pub organ: Option<String>,
    /// Message language (提示语言)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Site folder (站点目录)
    #[arg(long, short = 'r', default_value = ".")]
    pub root: PathBuf,
    /// human: messages on stderr; json: one JSON array on stdout (输出形式)
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Message language (提示语言)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
}

#[derive(Args)]
pub struct ImportArgs {
    /// Copied page text or saved HTML, UTF-8 or GBK (复制的网页文字或保存的网页)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output file, for one input (输出文件)
    #[arg(long, short = 'o', conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Output folder, one <name>.md per input (输出目录)
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Replace existing output files (覆盖已有文件)
    #[arg(long)]
    pub force: bool,
    /// Message language (提示语言)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
}

#[derive(Args)]
pub struct CorpusArgs {
    /// How many reports (townships × years) (报告份数)
    #[arg(long, default_value_t = 1000)]
    pub reports: usize,
    /// Site folder to write: site.toml and content/ (输出站点目录)
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Also write the same reports as a Hugo site here (同时生成 Hugo 站点)
    #[arg(long)]
    pub hugo: Option<PathBuf>,
    /// Also write the same reports as a Zola site here (同时生成 Zola 站点)
    #[arg(long)]
    pub zola: Option<PathBuf>,
    /// Seed: the same seed gives the same bytes (随机种子)
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}
