//! `nianbao build --watch`: rebuild on every save, safely.
//!
//! The watcher watches folders, not files — `content/`, `themes/`,
//! `templates/`, `static/`, `formats/`, and the site root itself without
//! recursion (for `site.toml`) — because editors save by writing a temporary
//! file and renaming it over the old one, which a watch on the file itself
//! would lose. Editor temporaries (`content::is_editor_temp`) and hidden files
//! are ignored, the output folder and its staging siblings are never looked
//! at (so publishing cannot trigger a rebuild, even with the output inside the
//! site root), and notify-debouncer-full merges a save's burst of events.
//!
//! Each rebuild goes through [`incremental::Build`]; a save with errors
//! prints them and leaves the published folder exactly as it was.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer_opt,
};

use crate::BuildOptions;
use crate::content::is_editor_temp;
use crate::diag::{Diagnostic, Msg};
use crate::incremental::{Build, Changes, Rebuilt};

mod report;

pub use report::{describe, describe_changes};

/// Folders under the site root whose changes matter, watched recursively.
pub const WATCHED_DIRS: &[&str] = &["content", "themes", "templates", "static", "formats"];

/// How long the debouncer waits for a save's burst of events to end.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// With `--poll`: how often the folders are scanned, and the (longer) debounce.
/// The scan compares contents, not only modification times: notify's poller
/// keeps times in whole seconds and would miss a second save within a second.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
const POLL_DEBOUNCE: Duration = Duration::from_millis(100);

#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub build: BuildOptions,
    /// Scan the folders instead of relying on file-system events (WSL2 on
    /// Windows drives, network shares).
    pub poll: bool,
}

/// What one (re)build came to.
#[derive(Debug)]
pub enum Outcome {
    Built {
        rebuilt: Rebuilt,
        elapsed: Duration,
    },
    /// Nothing was published; the output folder is as it was.
    Failed {
        diagnostics: Vec<Diagnostic>,
        changes: Changes,
        elapsed: Duration,
    },
}

impl Outcome {
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Built { .. })
    }
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Outcome::Built { rebuilt, .. } => &rebuilt.diagnostics,
            Outcome::Failed { diagnostics, .. } => diagnostics,
        }
    }
    /// The changes this build took in.
    pub fn changes(&self) -> &Changes {
        match self {
            Outcome::Built { rebuilt, .. } => &rebuilt.changes,
            Outcome::Failed { changes, .. } => changes,
        }
    }
}

/// What reaches the watcher's loop: a batch of file-system events, or a stop.
enum Event {
    Fs(DebounceEventResult),
    Stop,
}

/// Stops a running [`Watcher::run`] from another thread.
#[derive(Clone)]
pub struct StopHandle(Sender<Event>);

impl StopHandle {
    pub fn stop(&self) {
        let _ = self.0.send(Event::Stop);
    }
}

/// The watch loop. Create it, take a [`StopHandle`] if another thread must
/// stop it, then [`run`](Watcher::run) it.
pub struct Watcher {
    tx: Sender<Event>,
    rx: Receiver<Event>,
    /// Hears the site as loaded after every change, before the outcome is
    /// announced (the preview's editor keeps its list of reports from it).
    on_site: Option<SiteHook>,
}

type SiteHook = Box<dyn FnMut(&crate::site::Site) + Send>;

impl Default for Watcher {
    fn default() -> Self {
        Watcher::new()
    }
}

enum Guard {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Guard {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Guard::Native(d) => d.watch(path, mode),
            Guard::Poll(d) => d.watch(path, mode),
        }
    }
}

/// What a batch of events asks for.
#[derive(Debug, Default)]
struct Wanted {
    /// Report files named by the events.
    reports: Vec<PathBuf>,
    /// Something else under `content/` (a folder created, renamed, deleted):
    /// walk `content/` again.
    rescan: bool,
    /// site.toml, a format, a template or a static file: reload everything.
    full: bool,
    /// Watched folders that appeared at the root and must now be watched.
    new_dirs: Vec<PathBuf>,
}

impl Wanted {
    fn any(&self) -> bool {
        self.full || self.rescan || !self.reports.is_empty()
    }
}

/// Paths the watcher must ignore: the output folder and its siblings.
struct Scope {
    root: PathBuf,
    out: PathBuf,
    out_sibling_prefix: String,
}

impl Scope {
    fn classify(&self, path: &Path, wanted: &mut Wanted) {
        if path.starts_with(&self.out) {
            return;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return;
        };
        let comps: Vec<String> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let Some(first) = comps.first() else { return };
        if first.starts_with(&self.out_sibling_prefix) {
            return;
        }
        // Hidden files and folders, editor temporaries: never content.
        if comps
            .iter()
            .any(|c| c.starts_with('.') || is_editor_temp(c))
        {
            return;
        }
        if comps.len() == 1 {
            if first == "site.toml" {
                wanted.full = true;
            } else if WATCHED_DIRS.contains(&first.as_str()) {
                wanted.full = true;
                wanted.new_dirs.push(path.to_path_buf());
            }
            return;
        }
        match first.as_str() {
            "content" => {
                if path.extension().is_some_and(|x| x == "md") {
                    wanted.reports.push(path.to_path_buf());
                } else {
                    wanted.rescan = true;
                }
            }
            "themes" | "templates" | "static" | "formats" => wanted.full = true,
            _ => {}
        }
    }
}

pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    // The output folder may not exist yet: canonicalize its parent.
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => absolute(parent).join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf()),
    }
}

/// The build options and event scope for `opts`, with the root and output
/// made absolute and checked before anything is watched.
fn locate(opts: &WatchOptions) -> Result<(BuildOptions, Scope), Diagnostic> {
    let root = absolute(&opts.build.root);
    // A missing or wrong --root is said as `build` says it (S001), not
    // as the file watcher's "No path was found".
    crate::config::SiteConfig::load(&root)?;
    let out = absolute(&opts.build.out_dir());
    let out = crate::output::check_out_dir(&root, &out)?;
    let build_opts = BuildOptions {
        root: root.clone(),
        out: Some(out.clone()),
        drafts: opts.build.drafts,
        base_url: opts.build.base_url.clone(),
    };
    let out_name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let scope = Scope {
        root,
        out,
        out_sibling_prefix: format!(".{out_name}.nianbao-"),
    };
    Ok((build_opts, scope))
}

/// Add one message from the debouncer to `wanted`; true if it is the stop.
fn take_in(m: Event, scope: &Scope, debug: bool, wanted: &mut Wanted) -> bool {
    match m {
        Event::Stop => return true,
        Event::Fs(Ok(events)) => {
            for ev in events {
                // Reading a file (our own builds read them all) is no change;
                // closing it after writing is.
                if matches!(ev.kind, EventKind::Access(a) if a != AccessKind::Close(AccessMode::Write))
                {
                    continue;
                }
                if debug {
                    eprintln!("[watch] {:?} {:?}", ev.kind, ev.paths);
                }
                if ev.need_rescan() {
                    wanted.full = true;
                }
                for p in &ev.paths {
                    scope.classify(p, wanted);
                }
            }
        }
        Event::Fs(Err(errors)) => {
            for e in errors {
                eprintln!("监视出错 / watch error: {e}");
            }
        }
    }
    false
}

/// The file-system watch: the debouncer and the folders it watches.
struct Watches {
    guard: Guard,
    dirs: Vec<PathBuf>,
}

impl Watches {
    /// Watch the site root (for site.toml) and each watched folder in it,
    /// sending every debounced batch of events to `tx`.
    fn start(tx: Sender<Event>, poll: bool, scope: &Scope) -> Result<Watches, Diagnostic> {
        let (root, out) = (&scope.root, &scope.out);
        let handler = move |res: DebounceEventResult| {
            let _ = tx.send(Event::Fs(res));
        };
        let watch_error = |e: notify::Error| {
            Diagnostic::error(
                "V002",
                Msg::new(
                    format!("无法监视 {}：{e}", root.display()),
                    format!("cannot watch {}: {e}", root.display()),
                ),
            )
        };
        // Symlinks are not followed: a link loop under content/ would make
        // the watcher walk forever (files::walk reports the loop once).
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut guard = if poll {
            let config = config
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Guard::Poll(
                new_debouncer_opt::<_, PollWatcher, NoCache>(
                    POLL_DEBOUNCE,
                    None,
                    handler,
                    NoCache,
                    config,
                )
                .map_err(watch_error)?,
            )
        } else {
            Guard::Native(
                new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
                    DEBOUNCE,
                    Some(Duration::from_millis(5)),
                    handler,
                    RecommendedCache::new(),
                    config,
                )
                .map_err(watch_error)?,
            )
        };
        guard
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(watch_error)?;
        let mut dirs: Vec<PathBuf> = Vec::new();
        for d in WATCHED_DIRS {
            let p = root.join(d);
            if p.is_dir() && !out.starts_with(&p) {
                guard
                    .watch(&p, RecursiveMode::Recursive)
                    .map_err(watch_error)?;
                dirs.push(p);
            }
        }
        Ok(Watches { guard, dirs })
    }

    /// Watched folders created at the root since the start: watch them too,
    /// unless they hold the output. A folder that cannot be watched is
    /// skipped; the next event naming it tries again.
    fn add(&mut self, new_dirs: Vec<PathBuf>, out: &Path) {
        for d in new_dirs {
            if d.is_dir()
                && !self.dirs.contains(&d)
                && !out.starts_with(&d)
                && self.guard.watch(&d, RecursiveMode::Recursive).is_ok()
            {
                self.dirs.push(d);
            }
        }
    }
}

impl Watcher {
    pub fn new() -> Watcher {
        let (tx, rx) = mpsc::channel();
        Watcher {
            tx,
            rx,
            on_site: None,
        }
    }

    /// Call `f` with the loaded site after every (re)load, good or failed.
    pub fn on_site(mut self, f: impl FnMut(&crate::site::Site) + Send + 'static) -> Watcher {
        self.on_site = Some(Box::new(f));
        self
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.tx.clone())
    }

    /// Build the site, then rebuild after every change until stopped.
    /// `on_build` hears every outcome, the first build included. Returns an
    /// error only when watching cannot start at all.
    pub fn run(
        mut self,
        opts: &WatchOptions,
        mut on_build: impl FnMut(&Outcome),
    ) -> Result<(), Diagnostic> {
        let (build_opts, scope) = locate(opts)?;
        // Watch before the first build, so that no save is lost in between.
        let mut watches = Watches::start(self.tx.clone(), opts.poll, &scope)?;

        // NIANBAO_WATCH_DEBUG=1 prints every file-system event taken in.
        let debug = std::env::var_os("NIANBAO_WATCH_DEBUG").is_some();
        let started = Instant::now();
        let mut state: Option<Build> = None;
        let mut needs_reload = true;
        self.rebuild(
            &build_opts,
            &mut state,
            &mut needs_reload,
            Wanted {
                full: true,
                ..Wanted::default()
            },
            started,
            &mut on_build,
        );

        while let Some(mut wanted) = self.next_batch(&scope, debug) {
            watches.add(std::mem::take(&mut wanted.new_dirs), &scope.out);
            if !wanted.any() {
                continue;
            }
            self.rebuild(
                &build_opts,
                &mut state,
                &mut needs_reload,
                wanted,
                Instant::now(),
                &mut on_build,
            );
        }
        drop(watches);
        Ok(())
    }

    /// What the next batch of events asks for: the first to arrive and
    /// whatever else arrived meanwhile, so that one rebuild serves them all.
    /// `None` once stopped.
    fn next_batch(&self, scope: &Scope, debug: bool) -> Option<Wanted> {
        let first = self.rx.recv().ok()?;
        let mut wanted = Wanted::default();
        let mut stop = take_in(first, scope, debug, &mut wanted);
        while let Ok(m) = self.rx.try_recv() {
            stop |= take_in(m, scope, debug, &mut wanted);
        }
        (!stop).then_some(wanted)
    }

    fn rebuild(
        &mut self,
        opts: &BuildOptions,
        state: &mut Option<Build>,
        needs_reload: &mut bool,
        wanted: Wanted,
        started: Instant,
        on_build: &mut impl FnMut(&Outcome),
    ) {
        let full = wanted.full || *needs_reload || state.is_none();
        if full {
            let reloaded = match state.take() {
                Some(b) => b.reload(),
                None => Build::new(opts.clone()).map_err(|d| (d, None)),
            };
            match reloaded {
                Ok(b) => {
                    *state = Some(b);
                    *needs_reload = false;
                }
                Err((d, old)) => {
                    *state = old;
                    *needs_reload = true;
                    let changes = Changes {
                        full: true,
                        ..Changes::default()
                    };
                    on_build(&Outcome::Failed {
                        diagnostics: vec![d],
                        changes,
                        elapsed: started.elapsed(),
                    });
                    return;
                }
            }
        }
        let Some(build) = state.as_mut() else { return };
        if !full {
            if wanted.rescan {
                build.rescan(&wanted.reports);
            } else {
                build.touch(&wanted.reports);
            }
            if build.pending().is_empty() {
                return;
            }
        }
        if let Some(hook) = self.on_site.as_mut() {
            hook(build.site());
        }
        let outcome = match build.publish() {
            Ok(rebuilt) => Outcome::Built {
                rebuilt,
                elapsed: started.elapsed(),
            },
            Err(diagnostics) => Outcome::Failed {
                diagnostics,
                changes: build.pending().clone(),
                elapsed: started.elapsed(),
            },
        };
        on_build(&outcome);
        // The previous output, renamed away by the publish: removed only now,
        // so that the author does not wait for it.
        crate::output::remove_previous(build.out_dir());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(paths: &[&str]) -> Wanted {
        let scope = Scope {
            root: PathBuf::from("/site"),
            out: PathBuf::from("/site/public"),
            out_sibling_prefix: ".public.nianbao-".into(),
        };
        let mut w = Wanted::default();
        for p in paths {
            scope.classify(Path::new(p), &mut w);
        }
        w
    }

    #[test]
    fn editor_temporaries_and_the_output_never_trigger_a_build() {
        for p in [
            "/site/content/2021/pingan.md.swp",
            "/site/content/2021/.pingan.md.swx",
            "/site/content/2021/pingan.md~",
            "/site/content/2021/4913",
            "/site/content/2021/#pingan.md#",
            "/site/content/2021/.#pingan.md",
            "/site/content/2021/pingan.md___jb_tmp___",
            "/site/content/2021/.goutputstream-ABC123",
            "/site/content/2021/~$pingan.md",
            "/site/public/2021/pingan/index.html",
            "/site/public",
            "/site/.public.nianbao-staging-42",
            "/site/.public.nianbao-old-42/index.html",
            "/site/README.md",
            "/elsewhere/content/a.md",
        ] {
            assert!(!wanted(&[p]).any(), "{p} must not trigger a build");
        }
    }

    #[test]
    fn what_each_change_asks_for() {
        let w = wanted(&["/site/content/2021/pingan.md"]);
        assert_eq!(
            w.reports,
            vec![PathBuf::from("/site/content/2021/pingan.md")]
        );
        assert!(!w.full && !w.rescan);
        // A rename pair from a hidden temporary: the report is what counts.
        let w = wanted(&[
            "/site/content/2021/.pingan.md.tmp",
            "/site/content/2021/pingan.md",
        ]);
        assert_eq!(w.reports.len(), 1);
        assert!(wanted(&["/site/content/2022"]).rescan);
        for p in [
            "/site/site.toml",
            "/site/templates/report.html",
            "/site/themes/x/static/a.css",
            "/site/static/logo.png",
            "/site/formats/my.toml",
        ] {
            assert!(wanted(&[p]).full, "{p}");
        }
        let w = wanted(&["/site/templates"]);
        assert!(w.full);
        assert_eq!(w.new_dirs, vec![PathBuf::from("/site/templates")]);
    }
}
