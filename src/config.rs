//! `site.toml`: the site's settings.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::content::meta::BodyKind;
use crate::diag::{Diagnostic, Msg};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    /// Where the site is published, e.g. `https://www.example.gov.cn/xxgk/ndbg/`.
    /// Used for absolute URLs (sitemap, feed, canonical); pages link relatively.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Default kind of reporting body, for the publication-deadline lint.
    #[serde(default)]
    pub body_kind: Option<BodyKind>,
    #[serde(default = "yes")]
    pub minify: bool,
    #[serde(default)]
    pub portal: Portal,
    /// Severity overrides: `W4 = "off"`, `W1 = "error"`.
    #[serde(default)]
    pub check: BTreeMap<String, String>,
    /// URL names of regions: `大洼区 = "dawa"`.
    #[serde(default)]
    pub regions: BTreeMap<String, String>,
    /// `[search]`: the site's Chinese full-text search (Pagefind).
    #[serde(default)]
    pub search: Search,
    /// How the open data may be reused (`datapackage.json`'s `licenses`).
    #[serde(default)]
    pub open_data: OpenData,
    /// The largest report file read, in MiB: memory stays bounded whatever
    /// lands in `content/` (a report is usually under 100 KB).
    #[serde(default = "default_max_report_mb")]
    pub max_report_mb: u64,
}

/// `[search]` in site.toml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
    /// Build the search index and the search page (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for Search {
    fn default() -> Search {
        Search { enabled: true }
    }
}

/// `[open_data]` in site.toml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenData {
    /// Data Package licenses; default CC BY 4.0 (reuse with attribution,
    /// the usual terms of government open data portals).
    #[serde(default = "default_licenses")]
    pub licenses: Vec<License>,
}

impl Default for OpenData {
    fn default() -> OpenData {
        OpenData {
            licenses: default_licenses(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct License {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

fn default_licenses() -> Vec<License> {
    vec![License {
        name: "CC-BY-4.0".into(),
        path: Some("https://creativecommons.org/licenses/by/4.0/".into()),
        title: Some("Creative Commons Attribution 4.0（署名后可自由使用）".into()),
    }]
}

fn default_max_report_mb() -> u64 {
    crate::files::DEFAULT_MAX_REPORT_MB
}

impl SiteConfig {
    /// Whether `base_url` is a full address (`https://…/`), which the
    /// sitemap, the feed and the open data's `url` fields need.
    pub fn has_absolute_base(&self) -> bool {
        self.base_url.starts_with("https://") || self.base_url.starts_with("http://")
    }

    /// S025 when `base_url` is not a full address.
    pub fn base_url_warning(&self) -> Option<Diagnostic> {
        (!self.has_absolute_base()).then(|| {
            Diagnostic::warning(
                "S025",
                Msg::new(
                    format!(
                        "site.toml 的 base_url 是 “{}”，不是完整网址：站点地图不合规范，订阅和开放数据中的网址也不可用",
                        self.base_url
                    ),
                    format!(
                        "base_url in site.toml is “{}”, not a full address: the sitemap is invalid, and feed and open-data URLs do not work",
                        self.base_url
                    ),
                ),
            )
            .hint(Msg::new(
                "写门户上本栏目的完整地址，如 base_url = \"https://www.example.gov.cn/xxgk/ndbg/\"；或生成时用 --base-url 指定",
                "write the section's full address, e.g. base_url = \"https://www.example.gov.cn/xxgk/ndbg/\", or pass --base-url",
            ))
        })
    }

    /// [`SiteConfig::max_report_mb`] in bytes.
    pub fn report_limit(&self) -> u64 {
        self.max_report_mb.saturating_mul(1024 * 1024)
    }
}

/// Identifiers that government portal pages carry (all optional).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Portal {
    pub site_name: Option<String>,
    pub site_domain: Option<String>,
    pub site_id_code: Option<String>,
    /// `ColumnName` of the index pages (栏目名称); default: the page's own name.
    pub column_name: Option<String>,
    /// `ColumnType` of the index pages (栏目类别), e.g. 信息公开.
    pub column_type: Option<String>,
    /// 主办单位
    pub host: Option<String>,
    /// ICP备案号
    pub icp: Option<String>,
    /// 公安机关备案号
    pub police_record: Option<String>,
}

fn default_base_url() -> String {
    "/".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_language() -> String {
    "zh-CN".into()
}
fn yes() -> bool {
    true
}

impl SiteConfig {
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostic> {
        let path = root.join("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(
                "S001",
                Msg::new(
                    format!(
                        "无法读取 {}：{e}（站点根目录应有 site.toml）",
                        path.display()
                    ),
                    format!(
                        "cannot read {}: {e} (a site root has a site.toml)",
                        path.display()
                    ),
                ),
            )
        })?;
        let mut cfg: SiteConfig =
            toml::from_str(text.trim_start_matches('\u{FEFF}')).map_err(|e| {
                Diagnostic::error(
                    "S002",
                    Msg::new(
                        format!("site.toml 有误：{e}"),
                        format!("site.toml is invalid: {e}"),
                    ),
                )
            })?;
        if !cfg.base_url.ends_with('/') {
            cfg.base_url.push('/');
        }
        Ok(cfg)
    }
}
