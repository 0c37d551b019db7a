//! `nianbao init`, `new` and `corpus`: the commands that write a site or
//! reports to start from.

use std::process::ExitCode;

use nianbao::diag::{self, Lang};

use crate::args::{CorpusArgs, InitArgs, NewArgs};

/// One line on stderr in the chosen language.
fn say(lang: Lang, zh: String, en: String) {
    match lang {
        Lang::Zh => eprintln!("{zh}"),
        Lang::En => eprintln!("{en}"),
    }
}

/// `nianbao init`: a site folder with site.toml and an example report.
pub fn init(args: InitArgs, color: bool) -> ExitCode {
    let (dir, lang) = (args.dir, args.lang.lang());
    let year = args
        .year
        .unwrap_or_else(|| nianbao::content::meta::this_year() - 1);
    match nianbao::init::init(&dir, year) {
        Ok(files) => {
            for f in files {
                say(
                    lang,
                    format!("已创建 {}", f.display()),
                    format!("created {}", f.display()),
                );
            }
            say(
                lang,
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

/// `nianbao new`: next year's report for a township, prefilled from its last one.
pub fn new(args: NewArgs, color: bool) -> ExitCode {
    let lang = args.lang.lang();
    let opts = nianbao::init::NewOptions {
        root: args.root,
        township: args.township,
        slug: args.slug,
        year: args.year,
        region: args.region,
        organ: args.organ,
        draft: false,
    };
    match nianbao::init::new_report(&opts) {
        Ok(created) => {
            let path = created.path.display();
            say(lang, format!("已创建 {path}"), format!("created {path}"));
            match &created.from {
                Some(from) => {
                    say(
                        lang,
                        format!("按 {from} 预填："),
                        format!("prefilled from {from}:"),
                    );
                    for line in &created.prefilled {
                        eprintln!("  {line}");
                    }
                }
                None => say(
                    lang,
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

/// `nianbao corpus` (hidden): synthetic reports for benchmarks and tests.
pub fn corpus(args: CorpusArgs) -> ExitCode {
    let opts = nianbao::corpus::Options {
        reports: args.reports,
        seed: args.seed,
        out: args.out,
        hugo: args.hugo,
        zola: args.zola,
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
