//! `nianbao import`: published reports into the format, one input at a time.

use std::path::Path;
use std::process::ExitCode;

use nianbao::diag::{self, Lang, Msg};
use nianbao::format::Registry;
use nianbao::import::{self, Outcome, Target};

use crate::args::ImportArgs;

fn say(m: &Msg, lang: Lang) {
    eprintln!("{}", m.get(lang));
}

/// `nianbao import`: 0 whole and balanced, 1 partial or unbalanced, 2 unusable input.
pub fn import(args: ImportArgs, color: bool) -> ExitCode {
    let lang = args.lang.lang();
    if args.files.len() > 1 && args.out_dir.is_none() {
        say(
            &Msg::new(
                "导入多个文件时请用 --out-dir 指定输出目录",
                "importing several files needs --out-dir",
            ),
            lang,
        );
        return ExitCode::from(2);
    }
    let registry = Registry::builtin();
    let mut worst = 0u8;
    for file in &args.files {
        let target = import::target_for(file, args.out.as_deref(), args.out_dir.as_deref());
        let code = import_file(file, &target, args.force, &registry, lang, color);
        worst = worst.max(code);
    }
    ExitCode::from(worst)
}

/// One input: 2 when it cannot be read, imported or written, else the
/// outcome's own code. Later inputs are still tried after a 2.
fn import_file(
    file: &Path,
    target: &Target,
    force: bool,
    registry: &Registry,
    lang: Lang,
    color: bool,
) -> u8 {
    let rel = output_name(file, target);
    let Some(outcome) = read_and_import(file, &rel, registry, lang) else {
        return 2;
    };
    match target {
        Target::Stdout => print!("{}", outcome.imported.text),
        Target::File(p) => {
            if let Err(m) = import::save(p, &outcome.imported.text, force) {
                say(&m, lang);
                return 2;
            }
        }
    }
    report(file, &rel, &outcome, lang, color);
    outcome.exit
}

fn file_stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The name the report is written under; also on stdout, where its stem
/// still gives the slug and the paths in the messages.
fn output_name(file: &Path, target: &Target) -> String {
    match target {
        Target::File(p) => p.to_string_lossy().into_owned(),
        Target::Stdout => format!("{}.md", import::front::slug_from(&file_stem(file))),
    }
}

/// The input's bytes imported and checked; `None` (after saying why) when it
/// cannot be read or is not a report.
fn read_and_import(file: &Path, rel: &str, registry: &Registry, lang: Lang) -> Option<Outcome> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            say(
                &Msg::new(
                    format!("无法读取 {}：{e}", file.display()),
                    format!("cannot read {}: {e}", file.display()),
                ),
                lang,
            );
            return None;
        }
    };
    match import::run(&bytes, rel, registry) {
        Ok(o) => Some(o),
        Err(m) => {
            say(
                &Msg::new(
                    format!("{}：{}", file.display(), m.zh),
                    format!("{}: {}", file.display(), m.en),
                ),
                lang,
            );
            None
        }
    }
}

/// What became of one input: its diagnostics, each table's cell counts, a
/// one-line verdict and, if the file name made a poor slug, how to fix it.
fn report(file: &Path, rel: &str, outcome: &Outcome, lang: Lang, color: bool) {
    // Blank cells are kept as `~` on purpose; `check` lists them cell by cell, here one line says so.
    let (blanks, shown): (Vec<diag::Diagnostic>, Vec<diag::Diagnostic>) = outcome
        .diagnostics
        .iter()
        .cloned()
        .partition(|d| d.code == "W5");
    eprint!("{}", diag::render_human(&shown, lang, color));
    if !blanks.is_empty() {
        let n = blanks.len();
        say(
            &Msg::new(
                format!(
                    "原文有 {n} 个空白格，已照原样写作 ~（按 0 计算；nianbao check 会逐格列出）"
                ),
                format!(
                    "{n} cells are blank on the page and were written as ~ (counted as 0; nianbao check lists each)"
                ),
            ),
            lang,
        );
    }
    for t in &outcome.imported.tables {
        say(&t.describe(), lang);
    }
    let state = verdict(outcome);
    let (shown, fmt, sum) = (
        file.display(),
        &outcome.imported.format,
        diag::summary(&outcome.diagnostics, lang),
    );
    match lang {
        Lang::Zh => eprintln!("{shown} → {rel}（{fmt}）：{}；{sum}", state.get(lang)),
        Lang::En => eprintln!("{shown} → {rel} ({fmt}): {}; {sum}", state.get(lang)),
    }
    slug_hint(file, lang);
}

/// Whole or partial, balanced or not.
fn verdict(outcome: &Outcome) -> Msg {
    match (
        outcome.imported.partial,
        outcome.diagnostics.iter().any(|d| d.is_error()),
    ) {
        (false, false) => Msg::new(
            "完整导入，数字全部平衡",
            "imported whole; every identity holds",
        ),
        (true, false) => Msg::new(
            "导入不完整（已标为草稿），见 TODO（导入）",
            "imported in part (marked draft); see the TODO comments",
        ),
        (false, true) => Msg::new(
            "完整导入，但原文数字有不平衡之处（见上）",
            "imported whole, but the published figures do not balance (see above)",
        ),
        (true, true) => Msg::new(
            "导入不完整，且原文数字有不平衡之处",
            "imported in part, and the published figures do not balance",
        ),
    }
}

/// The slug comes from the file name; when that is not already a URL name
/// (Chinese, spaces), say which slug was written and that pinyin is better.
fn slug_hint(file: &Path, lang: Lang) {
    let stem = file_stem(file);
    let slug = import::front::slug_from(&stem);
    if slug != stem {
        say(
            &Msg::new(
                format!(
                    "网址名写作 slug: {slug}（由文件名「{stem}」生成）；请在 front matter 中改为拼音，如 slug: pingan"
                ),
                format!(
                    "the URL name is slug: {slug} (from the file name “{stem}”); change it to a pinyin name such as slug: pingan"
                ),
            ),
            lang,
        );
    }
}
