//! 站内搜索: a Pagefind index of every report page, written with the site.
//!
//! Pagefind's library indexes the report pages from the staging folder (so
//! no page is held in memory for it) and returns its index and its own
//! JavaScript, WebAssembly and CSS, which go into the output through the same
//! staged write as every other file. Chinese is segmented by the `extended`
//! build (ICU word boundaries). Only elements marked `data-pagefind-body`
//! (the report article) are indexed; filters 年度, 地区 and 单位 and the sort
//! key come from the report template's `data-pagefind-*` attributes.

use std::path::Path;

use crate::diag::{Diagnostic, Msg};
use crate::site::OutFile;

/// Where the index and Pagefind's files go in the output.
pub const BUNDLE: &str = "pagefind";

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

/// Index the HTML pages staged under `staging` and return Pagefind's files.
pub fn index(staging: &Path) -> Result<Vec<OutFile>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed("runtime", e))?;
    runtime.block_on(async {
        use pagefind::api::PagefindIndex;
        use pagefind::options::PagefindServiceConfig;
        let config = PagefindServiceConfig::builder()
            .force_language("zh".to_string())
            .build();
        let mut idx = PagefindIndex::new(Some(config)).map_err(|e| failed("options", e))?;
        idx.add_directory(
            staging.to_string_lossy().into_owned(),
            Some("**/*.html".into()),
        )
        .await
        .map_err(|e| failed("pages", e))?;
        let files = idx.get_files().await.map_err(|e| failed("index", e))?;
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
