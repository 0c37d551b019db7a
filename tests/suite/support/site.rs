//! The one way the tests make a site: a temporary folder holding `site/`
//! (so that output next to it, `../out`, stays inside the temp folder).

use std::path::{Path, PathBuf};

use tempfile::TempDir;

pub fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub struct TempSite {
    pub dir: TempDir,
    /// `<dir>/site`: the site root.
    pub root: PathBuf,
}

impl TempSite {
    /// A site with the given `site.toml` and nothing else.
    pub fn with_toml(toml: &str) -> TempSite {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        std::fs::write(root.join("site.toml"), toml).expect("write site.toml");
        TempSite { dir, root }
    }

    /// A site with the repository's `site.toml` and no reports.
    pub fn empty() -> TempSite {
        let toml = std::fs::read_to_string(manifest().join("site.toml")).expect("site.toml");
        TempSite::with_toml(&toml)
    }

    /// A site of `reports` reports from the project's corpus generator.
    pub fn corpus(reports: usize, seed: u64) -> TempSite {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("site");
        nianbao::corpus::write(&nianbao::corpus::Options {
            reports,
            seed,
            out: root.clone(),
            hugo: None,
            zola: None,
        })
        .expect("corpus");
        TempSite { dir, root }
    }

    /// A copy of the sample site: the repository's `site.toml` and `content/`.
    pub fn sample() -> TempSite {
        let s = TempSite::empty();
        copy_dir(&manifest().join("content"), &s.root.join("content"));
        s
    }

    /// Write a file under the site root, making its folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }

    /// Append lines to `site.toml`.
    pub fn config(&self, extra: &str) {
        let p = self.root.join("site.toml");
        let mut t = std::fs::read_to_string(&p).expect("site.toml");
        t.push('\n');
        t.push_str(extra);
        std::fs::write(p, t).expect("write site.toml");
    }

    /// Build into `<root>/public`, failing the test with the diagnostics.
    pub fn build(&self) -> PathBuf {
        build(&self.root)
    }

    pub fn into_parts(self) -> (TempDir, PathBuf) {
        (self.dir, self.root)
    }
}

/// Build `root` into `<root>/public`, failing the test with the diagnostics.
pub fn build(root: &Path) -> PathBuf {
    let opts = nianbao::BuildOptions::new(root);
    match nianbao::build(&opts) {
        Ok(_) => opts.out_dir(),
        Err(d) => panic!(
            "{}",
            nianbao::diag::render_human(&d, nianbao::diag::Lang::Zh, false)
        ),
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}
