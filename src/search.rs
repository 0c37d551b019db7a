//! 站内搜索: a Pagefind index of every report page, written with the site.
//!
//! Pagefind's library indexes the report pages from the staging folder (so
//! no page is held in memory for it) and returns its index and its own
//! JavaScript, WebAssembly and CSS, which go into the output through the same
//! staged write as every other file. Chinese is segmented by the `extended`
//! build (ICU word boundaries). Only elements marked `data-pagefind-body`
//! (the report article) are indexed; filters 年度, 地区 and 单位 and the sort
//! key come from the report template's `data-pagefind-*` attributes.

use crate::diag::{Diagnostic, Msg};
use crate::output::OutFile;

/// Where the index and Pagefind's files go in the output.
pub const BUNDLE: &str = crate::layout::SEARCH_BUNDLE;

fn failed(what: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        "O004",
        Msg::new(
            format!("生成搜索索引失败（{what}）：{e}"),
            format!("building the search index failed ({what}): {e}"),
        ),
    )
    .hint(Msg::new(
        "可在 site.toml 中写 [search] enabled = false 暂时关闭搜索",
        "set [search] enabled = false in site.toml to build without search",
    ))
}

/// What the index holds of one report: the words people search for (its
/// title, organ, township, region, year and the prose of its six
/// sections), its filters and its sort key. The tables are left out: their
/// row labels are the same in every report of a format (a query for
/// 行政复议 would find every report alike) and their figures are not words;
/// leaving them out made indexing 5,000 reports twice as fast and cut its
/// peak memory by 60 % (README, Performance).
pub struct Record {
    /// The page's URL from the site root, e.g. `/2021/pingan/`.
    pub url: String,
    pub title: String,
    pub organ: String,
    pub township: String,
    pub region: Option<String>,
    pub year: u16,
    /// The prose as Markdown (tables replaced by placeholders).
    pub markdown: String,
}

impl Record {
    pub fn of(r: &crate::content::Report) -> Record {
        Record {
            url: format!(
                "/{}",
                crate::layout::Output::Report {
                    year: r.meta.year,
                    slug: &r.meta.slug,
                }
                .url()
            ),
            title: r.meta.title.clone(),
            organ: r.meta.organ.clone(),
            township: r.meta.township.clone(),
            region: r.meta.region.clone(),
            year: r.meta.year,
            markdown: r.markdown.clone(),
        }
    }

    /// The words to index, as plain text: Markdown marks and the tables'
    /// placeholders dropped.
    pub fn content(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n{}\n{}年\n",
            self.title,
            self.organ,
            self.township,
            self.region.as_deref().unwrap_or(""),
            self.year
        );
        for line in self.markdown.lines() {
            let t = line
                .trim()
                .trim_start_matches(['#', '>', '-', '*', '+'])
                .trim();
            if t.starts_with('\u{E000}') || t.starts_with("```") {
                continue;
            }
            for c in t.chars() {
                if !matches!(c, '*' | '_' | '`' | '[' | ']' | '\u{E000}') {
                    out.push(c);
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Index the reports and return Pagefind's files (index, fragments, its
/// JavaScript, WebAssembly and CSS) for the staged output.
pub fn index(records: Vec<Record>) -> Result<Vec<OutFile>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed("runtime", e))?;
    runtime.block_on(async {
        use pagefind::api::PagefindIndex;
        use pagefind::options::PagefindServiceConfig;
        use std::collections::BTreeMap;
        let config = PagefindServiceConfig::builder()
            .force_language("zh".to_string())
            .build();
        let mut idx = PagefindIndex::new(Some(config)).map_err(|e| failed("options", e))?;
        let t0 = std::time::Instant::now();
        for r in records {
            let content = r.content();
            let meta = BTreeMap::from([
                ("title".to_string(), r.title.clone()),
                ("organ".to_string(), r.organ.clone()),
                ("year".to_string(), r.year.to_string()),
            ]);
            let mut filters = BTreeMap::from([
                ("年度".to_string(), vec![r.year.to_string()]),
                ("单位".to_string(), vec![r.organ.clone()]),
            ]);
            if let Some(region) = &r.region {
                filters.insert("地区".to_string(), vec![region.clone()]);
            }
            let sort = BTreeMap::from([("year".to_string(), r.year.to_string())]);
            idx.add_custom_record(
                r.url,
                content,
                "zh".into(),
                Some(meta),
                Some(filters),
                Some(sort),
            )
            .await
            .map_err(|e| failed("pages", e))?;
        }
        let t1 = std::time::Instant::now();
        let files = idx.get_files().await.map_err(|e| failed("index", e))?;
        if std::env::var_os("NIANBAO_TIMINGS").is_some() {
            eprintln!(
                "search: records {:.3}s, index {:.3}s",
                (t1 - t0).as_secs_f64(),
                t1.elapsed().as_secs_f64()
            );
        }
        Ok(files
            .into_iter()
            .map(|f| OutFile {
                path: format!(
                    "{BUNDLE}/{}",
                    f.filename.to_string_lossy().replace('\\', "/")
                ),
                bytes: f.contents,
            })
            .collect())
    })
}
