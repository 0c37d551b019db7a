//! What a (re)build is reported as: the one-line summary after each save,
//! with the diagnostics above it.

use crate::diag::{self, Lang};
use crate::incremental::Changes;

use super::Outcome;

fn list(items: &[String], lang: Lang) -> String {
    const MAX: usize = 3;
    let mut s = items
        .iter()
        .take(MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "、" } else { ", " });
    if items.len() > MAX {
        s.push_str(&match lang {
            Lang::Zh => format!(" 等 {} 个", items.len()),
            Lang::En => format!(" and {} more", items.len() - MAX),
        });
    }
    s
}

/// "changed content/2021/pingan.md" and the like, for the one-line report.
pub fn describe_changes(c: &Changes, lang: Lang) -> String {
    let mut parts = Vec::new();
    let (full, changed, added, removed) = match lang {
        Lang::Zh => ("全部重新读取", "改动", "新增", "删除"),
        Lang::En => ("reloaded everything", "changed", "added", "removed"),
    };
    if c.full {
        parts.push(full.to_string());
    }
    for (word, items) in [
        (changed, &c.changed),
        (added, &c.added),
        (removed, &c.removed),
    ] {
        // After a full reload every file was read again: "changed" says nothing.
        let redundant = c.full && word == changed;
        if !items.is_empty() && !redundant {
            parts.push(format!("{word} {}", list(items, lang)));
        }
    }
    if parts.is_empty() {
        parts.push(match lang {
            Lang::Zh => "无内容变化".into(),
            Lang::En => "no content change".into(),
        });
    }
    parts.join(if lang == Lang::Zh { "；" } else { "; " })
}

/// The text printed after a rebuild: diagnostics (if any) and one summary line.
pub fn describe(outcome: &Outcome, lang: Lang, color: bool) -> String {
    let mut s = diag::render_human(outcome.diagnostics(), lang, color);
    match outcome {
        Outcome::Built {
            rebuilt: r,
            elapsed,
        } => {
            let ms = elapsed.as_secs_f64() * 1000.0;
            let what = describe_changes(&r.changes, lang);
            s.push_str(&match lang {
                Lang::Zh => format!(
                    "已重新生成（{what}）：渲染 {} 个文件，改写 {} 个，{} 个未变，用时 {ms:.0} 毫秒；{}\n",
                    r.rendered,
                    r.stats.written,
                    r.stats.unchanged,
                    diag::summary(&r.diagnostics, lang)
                ),
                Lang::En => format!(
                    "rebuilt ({what}): {} files rendered, {} written, {} unchanged, in {ms:.0} ms; {}\n",
                    r.rendered,
                    r.stats.written,
                    r.stats.unchanged,
                    diag::summary(&r.diagnostics, lang)
                ),
            });
        }
        Outcome::Failed {
            diagnostics,
            changes,
            ..
        } => {
            let what = describe_changes(changes, lang);
            s.push_str(&match lang {
                Lang::Zh => format!("未生成（{what}）：{}。输出目录保持上一次的结果，继续监视，保存修改后会自动重新生成。\n", diag::summary(diagnostics, lang)),
                Lang::En => format!("not built ({what}): {}. The output folder keeps the last good build; still watching, the next save rebuilds.\n", diag::summary(diagnostics, lang)),
            });
        }
    }
    s
}
