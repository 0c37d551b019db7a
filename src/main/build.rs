//! `nianbao build` and `nianbao check`: one pass over the site, then a summary.

use std::process::ExitCode;

use nianbao::diag::{self, Lang};

use crate::args::{CheckArgs, OutputFormat};

/// `nianbao build` without `--watch`.
pub fn build(opts: nianbao::BuildOptions, lang: Lang, color: bool) -> ExitCode {
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

/// `nianbao check`: 0 clean, 1 the site has errors, 2 it could not be checked.
pub fn check(args: CheckArgs, color: bool) -> ExitCode {
    let (lang, format) = (args.lang.lang(), args.format);
    match nianbao::check(&args.root) {
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
