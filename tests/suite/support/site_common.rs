//! A test site: the sample report, 30 generated reports (`nianbao::corpus`) and
//! a gov-2019 report for a township that also has a 2021 report; built once
//! per test binary under Cargo's test temp folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nianbao::content::Report;

use super::site::copy_dir;

pub const BASE_URL: &str = "https://www.example.gov.cn/xxgk/ndbg/";

/// Portal identifiers written into the test site's `site.toml`.
pub const PORTAL: &str = r#"
[portal]
site_name = "大洼区人民政府"
site_domain = "www.example.gov.cn"
site_id_code = "2111040001"
column_name = "政府信息公开年报"
column_type = "信息公开"
host = "大洼区人民政府办公室"
icp = "辽ICP备12345678号"
police_record = "辽公网安备21110402000001号"
"#;

pub struct Built {
    pub root: PathBuf,
    pub out: PathBuf,
    pub site: nianbao::site::Site,
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Write the site into `<CARGO_TARGET_TMPDIR>/<name>` and build it.
/// `edit`: a last change to the site folder before building.
pub fn build(name: &str, edit: impl FnOnce(&Path)) -> Built {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let root = dir.join("site");
    for g in nianbao::corpus::reports(30, 7) {
        let p = root.join("content").join(g.rel_path());
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, g.markdown).unwrap();
    }
    std::fs::create_dir_all(root.join("content/2021")).unwrap();
    std::fs::copy(
        manifest().join("content/2021/pingan.md"),
        root.join("content/2021/pingan.md"),
    )
    .unwrap();
    copy_dir(
        &manifest().join("tests/fixtures/gov-2019"),
        &root.join("content"),
    );
    let toml = std::fs::read_to_string(manifest().join("site.toml")).unwrap();
    let toml = toml
        .lines()
        .map(|l| {
            if l.starts_with("base_url") {
                format!("base_url = \"{BASE_URL}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        toml.contains(BASE_URL),
        "site.toml's base_url line changed; update the test helper"
    );
    std::fs::write(root.join("site.toml"), format!("{toml}{PORTAL}")).unwrap();
    edit(&root);
    let out = dir.join("public");
    let opts = nianbao::BuildOptions {
        root: root.clone(),
        out: Some(out.clone()),
        drafts: false,
        base_url: None,
    };
    if let Err(diags) = nianbao::build(&opts) {
        panic!(
            "{}",
            nianbao::diag::render_human(&diags, nianbao::diag::Lang::En, false)
        );
    }
    let site = nianbao::site::load(&root).unwrap();
    Built { root, out, site }
}

impl Built {
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
    pub fn bytes(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
    pub fn html(&self, path: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(path))
    }
    pub fn reports(&self) -> impl Iterator<Item = &Report> {
        self.site.reports.iter()
    }
    pub fn by_year(&self) -> BTreeMap<u16, Vec<&Report>> {
        let mut m: BTreeMap<u16, Vec<&Report>> = BTreeMap::new();
        for r in self.reports() {
            m.entry(r.meta.year).or_default().push(r);
        }
        m
    }
    /// Every file of the output, relative, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.out, &self.out, &mut out);
        out.sort();
        out
    }
}

fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, base, out);
        } else {
            out.push(
                p.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

pub fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

pub fn text(e: scraper::ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// Parse a displayed figure: a number, or `None` for the “—” of a missing cell.
pub fn figure(s: &str) -> Option<i128> {
    let s = s.trim().trim_end_matches('*');
    if s == "—" {
        None
    } else {
        Some(s.parse().unwrap_or_else(|_| panic!("not a figure: {s:?}")))
    }
}
