//! `nianbao init` (a new site) and `nianbao new` (next year's report, prefilled).
//!
//! Every January each township writes the same report again; the carry-over
//! figures of last year are this year's starting point. The rules for what
//! carries over are the format definition's `[[carry]]` and `[[stock]]`
//! entries — the same ones the cross-year warnings check.

mod prefill;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check;
use crate::content::{self, Origin, Report, TableData, write};
use crate::diag::{Diagnostic, Msg};
use crate::format::FormatDef;
use crate::site;

use prefill::{prefill, previous};

/// `new` reads the township's earlier reports with the default size limit.
const DEFAULT_LIMIT: u64 = crate::files::DEFAULT_MAX_REPORT_MB * 1024 * 1024;

/// A one-line prompt under each of the six sections, marked so that `check`
/// recognises one left in (W16).
use crate::check::prompts::PROMPTS;

fn err(zh: String, en: String) -> Diagnostic {
    Diagnostic::error("N001", Msg::new(zh, en))
}

const SITE_TOML: &str = r#"# nianbao 站点设置。除 title 外都可省略；去掉行首的 # 即可启用。

# 网站名称，显示在每页页头
title = "政府信息公开工作年度报告"

# 网站发布地址：请改为门户上本栏目的完整地址（站点地图、订阅、开放数据中的网址都由它生成；
# 页面之间的链接都是相对的，可放在门户任意路径下）。也可在生成时用 --base-url 指定。
base_url = "https://www.example.gov.cn/xxgk/ndbg/"

# 主题：themes/<名称>/templates/；default 为内置主题
# theme = "default"

# 网页语言
# language = "zh-CN"

# 机关类别，用于发布时限提醒：department（部门，次年 1 月 31 日前）、government（县级以上政府，3 月 31 日前）、township
# body_kind = "township"

# 是否压缩 HTML
# minify = true

[portal]
# 政府网站的页面元数据与页脚（都可省略）
# site_name = "某某区人民政府"
# site_domain = "www.example.gov.cn"
# site_id_code = "0000000000"          # 网站标识码
# host = "某某区人民政府办公室"           # 主办单位
# icp = "某ICP备00000000号"              # ICP备案号
# police_record = "某公网安备 00000000000000号"   # 公安机关备案号

[check]
# 检查项的严重程度：error、warning 或 off，例如：
# W4 = "off"

[regions]
# 地区的网址名，例如：
# "大洼区" = "dawa"
"示例区" = "shiliqu"
"#;

/// Create a new site in `dir`: `site.toml`, `content/`, and a first report.
pub fn init(dir: &Path, year: u16) -> Result<Vec<PathBuf>, Diagnostic> {
    let site_toml = dir.join("site.toml");
    if site_toml.exists() {
        return Err(err(
            format!("{} 已经存在，不会覆盖", site_toml.display()),
            format!("{} exists; not overwritten", site_toml.display()),
        ));
    }
    fs::create_dir_all(dir.join("content")).map_err(|e| {
        err(
            format!("无法创建 {}：{e}", dir.display()),
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    fs::write(&site_toml, SITE_TOML).map_err(|e| {
        err(
            format!("无法写入 {}：{e}", site_toml.display()),
            format!("cannot write {}: {e}", site_toml.display()),
        )
    })?;
    let opts = NewOptions {
        root: dir.to_path_buf(),
        township: "示例镇".into(),
        slug: Some("example".into()),
        year,
        region: Some("示例区".into()),
        organ: None,
        // An example to copy from, never to publish: a draft, so `build`
        // skips it until `--drafts` (its prompts are then W16).
        draft: true,
    };
    let created = new_report(&opts)?;
    Ok(vec![site_toml, created.path])
}

pub struct NewOptions {
    pub root: PathBuf,
    pub township: String,
    pub slug: Option<String>,
    pub year: u16,
    pub region: Option<String>,
    pub organ: Option<String>,
    /// Write `draft: true`.
    pub draft: bool,
}

pub struct Created {
    pub path: PathBuf,
    /// What was taken from last year's report, for the author to review.
    pub prefilled: Vec<String>,
    pub from: Option<String>,
}

/// Write `content/<year>/<slug>.md` for a township, prefilled from its previous report.
pub fn new_report(opts: &NewOptions) -> Result<Created, Diagnostic> {
    // The range `check` accepts (E036): never write a report it rejects.
    let max_year = crate::content::meta::this_year() + 1;
    if !(2008..=max_year).contains(&opts.year) {
        return Err(err(
            format!("年度应在 2008 至 {max_year} 之间，写的是 {}", opts.year),
            format!(
                "the year must be between 2008 and {max_year}, got {}",
                opts.year
            ),
        ));
    }
    let mut diags = Vec::new();
    let registry = site::load_registry(&opts.root, &mut diags);
    let format = registry.for_year(opts.year).cloned().ok_or_else(|| {
        err(
            format!("没有适用于 {} 年度的报告格式", opts.year),
            format!("no format applies to {}", opts.year),
        )
    })?;
    let prev = previous(&opts.root, &opts.township, opts.slug.as_deref(), opts.year);
    let slug = slug_for(opts, prev.as_ref())?;
    let path = opts
        .root
        .join("content")
        .join(opts.year.to_string())
        .join(format!("{slug}.md"));
    if path.exists() {
        return Err(err(
            format!("{} 已经存在，不会覆盖", path.display()),
            format!("{} exists; not overwritten", path.display()),
        ));
    }
    let carried = prefill(&format, prev.as_ref());
    let tables = with_totals(opts, &slug, &path, &format, carried.tables);
    let header = header(opts, prev.as_ref(), slug);
    let prose: Vec<String> = PROMPTS.iter().map(|p| p.to_string()).collect();
    let text = write::report(&header, &format, &tables, &prose, &carried.notes);
    save(&path, &text)?;
    Ok(Created {
        path,
        prefilled: carried.lines,
        from: prev.map(|p| p.file.rel.clone()),
    })
}

/// The URL name: as given, else the one of the township's earlier report.
fn slug_for(opts: &NewOptions, prev: Option<&Report>) -> Result<String, Diagnostic> {
    let slug = opts
        .slug
        .clone()
        .or_else(|| prev.map(|p| p.meta.slug.clone()))
        .ok_or_else(|| {
            err(
                format!(
                    "请用 --slug 指定 {} 的网址名（小写拼音，如 pingan）：没有找到它往年的报告",
                    opts.township
                ),
                format!(
                    "give {} a URL name with --slug (e.g. pingan): no earlier report was found",
                    opts.township
                ),
            )
        })?;
    if !content::meta::is_slug(&slug) {
        return Err(err(
            format!("网址名 “{slug}” 只能由小写英文字母、数字和 - 组成"),
            format!("the URL name `{slug}` may only use a-z, 0-9 and -"),
        ));
    }
    Ok(slug)
}

/// The tables with their totals filled in: totals are written out so the
/// author sees the whole form.
fn with_totals(
    opts: &NewOptions,
    slug: &str,
    path: &Path,
    format: &Arc<FormatDef>,
    tables: Vec<TableData>,
) -> Vec<TableData> {
    let mut draft = Report {
        file: Arc::new(crate::diag::SourceFile {
            rel: String::new(),
            path: path.to_path_buf(),
            text: String::new(),
        }),
        meta: content::Meta {
            organ: String::new(),
            township: opts.township.clone(),
            slug: slug.to_string(),
            region: None,
            region_slug: None,
            year: opts.year,
            published: None,
            title: String::new(),
            format: format.id.clone(),
            format_written: false,
            index_no: None,
            draft: false,
            body_kind: None,
            locs: Default::default(),
        },
        format: format.clone(),
        body_start_line: 1,
        tables,
        markdown: String::new(),
        table_order: Vec::new(),
        headings: Vec::new(),
        csv_texts: Default::default(),
    };
    for t in draft.tables.iter_mut() {
        for c in t.cells.iter_mut() {
            if c.origin == Origin::Computed {
                c.origin = Origin::Omitted;
            }
        }
    }
    check::complete(&mut draft);
    draft.tables
}

/// The front matter: organ and region as given, else as last year (with no
/// last year, the organ is the township's people's government).
fn header(opts: &NewOptions, prev: Option<&Report>, slug: String) -> write::Header {
    let organ = opts
        .organ
        .clone()
        .or_else(|| prev.map(|p| p.meta.organ.clone()))
        .unwrap_or_else(|| {
            format!(
                "{}{}人民政府",
                opts.region.clone().unwrap_or_default(),
                opts.township
            )
        });
    let region = opts
        .region
        .clone()
        .or_else(|| prev.and_then(|p| p.meta.region.clone()));
    write::Header {
        organ,
        township: opts.township.clone(),
        slug,
        region,
        year: opts.year,
        draft: opts.draft,
        ..write::Header::default()
    }
}

/// Write the new report, creating its year's folder.
fn save(path: &Path, text: &str) -> Result<(), Diagnostic> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| {
            err(
                format!("无法创建 {}：{e}", dir.display()),
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
    }
    fs::write(path, text).map_err(|e| {
        err(
            format!("无法写入 {}：{e}", path.display()),
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::format::CellRef;

    #[test]
    fn init_then_build_works_on_an_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let files = init(&root, 2025).unwrap();
        assert_eq!(files.len(), 2);
        let built = crate::build(&crate::BuildOptions::new(&root)).unwrap_or_else(|d| {
            panic!(
                "{}",
                crate::diag::render_human(&d, crate::diag::Lang::Zh, false)
            )
        });
        // The example is a draft: not published, and no warning for it.
        assert_eq!(built.reports, 0);
        assert!(built.diagnostics.is_empty(), "{:?}", built.diagnostics);
        let mut opts = crate::BuildOptions::new(&root);
        opts.drafts = true;
        let built = crate::build(&opts).unwrap_or_else(|d| {
            panic!(
                "{}",
                crate::diag::render_human(&d, crate::diag::Lang::Zh, false)
            )
        });
        assert_eq!(built.reports, 1);
        assert!(root.join("public/2025/example/index.html").is_file());
        assert!(init(&root, 2025).is_err(), "init must not overwrite a site");
    }

    #[test]
    fn new_prefills_carry_over_from_last_year_and_passes_check() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/2021")).unwrap();
        std::fs::write(root.join("site.toml"), "title = \"t\"\n").unwrap();
        let sample = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content/2021/pingan.md"
        ))
        .unwrap();
        let with_carry = sample
            .replace("规范性文件:     [0, 0, 0]", "规范性文件:     [1, 0, 5]")
            .replace(
                "属于三类内部事务信息:          [3, 0, 0, 0, 0, 0, 3]",
                "属于三类内部事务信息:          [2, 0, 0, 0, 0, 0, 2]",
            )
            .replace(
                "总计:                            [3, 0, 0, 0, 0, 0, 3]",
                "总计:                            [2, 0, 0, 0, 0, 0, 2]",
            )
            .replace(
                "结转下年度继续办理:               [0, 0, 0, 0, 0, 0, 0]",
                "结转下年度继续办理:               [1, 0, 0, 0, 0, 0, 1]",
            );
        assert_ne!(sample, with_carry);
        std::fs::write(root.join("content/2021/pingan.md"), with_carry).unwrap();
        assert!(crate::check(root).unwrap().iter().all(|d| !d.is_error()));

        let opts = NewOptions {
            root: root.to_path_buf(),
            township: "平安镇".into(),
            slug: None,
            year: 2022,
            region: None,
            organ: None,
            draft: false,
        };
        let created = new_report(&opts).unwrap();
        assert_eq!(created.path, root.join("content/2022/pingan.md"));
        assert_eq!(created.from.as_deref(), Some("content/2021/pingan.md"));
        assert!(
            created
                .prefilled
                .iter()
                .any(|l| l.contains("上年结转") && l.contains("[1, 0, 0, 0, 0, 0, 1]")),
            "{:?}",
            created.prefilled
        );

        let reg = crate::format::Registry::builtin();
        let (r, d) = crate::content::load(&created.path, root, &reg, DEFAULT_LIMIT);
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        assert_eq!(r.meta.organ, "大洼区平安镇人民政府");
        assert_eq!(r.meta.region.as_deref(), Some("大洼区"));
        let (def, data) = r.table("applications").unwrap();
        let co = def.row_by_id("carried_over").unwrap();
        let np = CellRef { row: co, col: 0 };
        assert_eq!(data.int(def, np), 1);
        assert_eq!(data.int(def, CellRef { row: co, col: 6 }), 1);
        let (adef, adata) = r.table("active").unwrap();
        let nd = adef.row_by_id("normative_docs").unwrap();
        assert_eq!(adata.int(adef, CellRef { row: nd, col: 2 }), 5);
        // The new report passes check as written, together with last year's.
        let diags = crate::check(root).unwrap();
        assert!(
            diags.iter().all(|d| !d.is_error()),
            "{}",
            crate::diag::render_human(&diags, crate::diag::Lang::Zh, false)
        );
        // And it is never overwritten.
        assert!(new_report(&opts).is_err());
    }

    #[test]
    fn new_without_history_needs_a_slug() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), "title = \"t\"\n").unwrap();
        let opts = NewOptions {
            root: dir.path().to_path_buf(),
            township: "新镇".into(),
            slug: None,
            year: 2022,
            region: None,
            organ: None,
            draft: false,
        };
        let e = new_report(&opts).err().unwrap();
        assert!(e.message.zh.contains("--slug"));
    }
}
