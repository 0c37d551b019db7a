//! Incremental builds, for `build --watch` and `serve`.
//!
//! A [`Build`] keeps what the last build learnt in memory: every report
//! parsed and checked, keyed by its file, the theme, and the files last
//! published with their bytes. A rebuild has three parts:
//!
//! - [`tracking`]: after a save only the files whose stamp (length,
//!   modification time, inode) changed are re-read and re-checked, and the
//!   townships, years and regions they touch are remembered;
//! - [`plan`]: from what the changed reports show now and showed when last
//!   published, which [`Key`](crate::layout::Key)s changed and so which
//!   outputs are rendered again (a pure function);
//! - [`publish`]: render those, reuse every other file's bytes, and write —
//!   file by file into the folder this process published last, or a whole
//!   new folder swapped in when that is gone, so a broken save never
//!   touches what readers see.
//!
//! A change to `site.toml`, a format, a template or a static file reloads
//! everything ([`Build::reload`]).

mod checks;
mod plan;
mod publish;
mod tracking;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::layout::Output;
use crate::render::Theme;
use crate::site::regions::RegionSlugs;
use crate::site::{self, Site, SiteConfig};
use crate::{BuildOptions, output};

/// What a rebuild changed, for the one-line report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Report files re-read (relative to the root).
    pub changed: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Everything was reloaded (site.toml, formats, templates, static files).
    pub full: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.full && self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
    fn merge(&mut self, other: Changes) {
        self.changed.extend(other.changed);
        self.added.extend(other.added);
        self.removed.extend(other.removed);
        self.full |= other.full;
    }
}

/// What a successful publish did.
#[derive(Debug)]
pub struct Rebuilt {
    pub reports: usize,
    pub pages: usize,
    /// Pages rendered this time (the rest reused their bytes).
    pub rendered: usize,
    pub stats: output::Stats,
    /// Warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// The changes this publish took in.
    pub changes: Changes,
}

/// In-memory state of a site being watched.
pub struct Build {
    opts: BuildOptions,
    out: PathBuf,
    site: Site,
    theme: Theme,
    files: tracking::Files,
    /// What the changes since the last publish touched.
    dirty: tracking::Dirty,
    /// `check::site` results per township (severities applied).
    checked: BTreeMap<String, Vec<Diagnostic>>,
    /// Render every file next time.
    full: bool,
    /// Whether two reports were one report (E050) at the last check.
    duplicates: bool,
    /// Changes not yet published (a failed build keeps them for the next).
    pending: Changes,
    last: Option<publish::Published>,
    /// The output folder as this process last published it (device, inode):
    /// while it is still there, a rebuild is applied file by file.
    published_dir: Option<(u64, u64)>,
    shown: ShownState,
}

/// What the index pages and site-wide files show of each report, as last
/// published, and the region URL names then. A save that changes none of it
/// (most saves while drafting: prose, or a figure outside the summary
/// columns) re-renders the report's own files only.
#[derive(Default)]
struct ShownState {
    /// What each report of `site.reports` showed, at the report's index
    /// (kept in step by `tracking`): `None` for a report read again since,
    /// or not published (a draft). A save reads every report's entry (some
    /// 50,000): by index, where a lookup by path cost a third of the
    /// render in cache misses.
    slots: Vec<Option<plan::Shown>>,
    /// What the reports read again or removed since the last publish
    /// showed then, by path.
    departed: ShownByFile,
    regions: Option<RegionSlugs>,
}

/// Summaries by report path's bytes (FxHash: `Path`'s own hashing and
/// equality parse components).
type ShownByFile = rustc_hash::FxHashMap<std::ffi::OsString, plan::Shown>;

/// The output path of a report's page.
pub fn report_page(r: &crate::content::Report) -> String {
    Output::Report {
        year: r.meta.year,
        slug: &r.meta.slug,
    }
    .path()
}

impl Build {
    /// Read and check the whole site; publish nothing yet.
    pub fn new(opts: BuildOptions) -> Result<Build, Diagnostic> {
        let out = opts.out_dir();
        let out = output::check_out_dir(&opts.root, &out)?;
        let root = opts.root.clone();
        let config = SiteConfig::load(&root)?;
        let mut walk_diags = Vec::new();
        let registry = site::load_registry(&root, &mut walk_diags);
        let mut theme = Theme::load(&root, &config.theme)?;
        // The theme minifies as it renders, as in `crate::build`.
        theme.minify &= config.minify;
        let site = Site {
            root,
            config,
            registry,
            reports: Vec::new(),
            diagnostics: Vec::new(),
        };
        let mut build = Build {
            opts,
            out,
            site,
            theme,
            files: tracking::Files {
                by_path: BTreeMap::new(),
                walk_diags,
            },
            dirty: tracking::Dirty::default(),
            checked: BTreeMap::new(),
            full: true,
            duplicates: true,
            pending: Changes::default(),
            last: None,
            published_dir: None,
            shown: ShownState::default(),
        };
        build.rescan(&[]);
        build.pending = Changes {
            full: true,
            ..Changes::default()
        };
        Ok(build)
    }

    /// Reload everything (site.toml, formats, theme, every report), keeping
    /// the pages last published so that unchanged ones are not minified again.
    pub fn reload(self) -> Result<Build, (Diagnostic, Option<Build>)> {
        match Build::new(self.opts.clone()) {
            Ok(mut b) => {
                b.last = self.last;
                Ok(b)
            }
            Err(d) => Err((d, Some(self))),
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }
    pub fn out_dir(&self) -> &Path {
        &self.out
    }
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The changes not yet published.
    pub fn pending(&self) -> &Changes {
        &self.pending
    }
}
