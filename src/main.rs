//! The `nianbao` command.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

// The binary's own modules sit in src/main/, apart from the library's
// modules in src/; `#[path]` is how a crate root reaches a folder of that name.
#[path = "main/args.rs"]
mod args;
#[path = "main/build.rs"]
mod build;
#[path = "main/import.rs"]
mod import;
#[path = "main/live.rs"]
mod live;
#[path = "main/scaffold.rs"]
mod scaffold;

use args::{Cli, Command};

// A build allocates millions of small strings across threads (cells, template
// values, minified pages); glibc's malloc spent a quarter of the build's CPU
// time in malloc/free. mimalloc's thread-local free lists cut that.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the sys crate
/// names no constant for it; a test checks it is the option whose default
/// is 1000 ms).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Hand freed memory back to the system after 10 ms rather than mimalloc
/// v3's second. A one-shot build frees its large buffers (a year page,
/// `reports.json`) and allocates the next at once, so its peak counted pages
/// it no longer used: at 50,000 reports 290-330 MiB, 226-238 MiB with this,
/// at the same speed. The watcher keeps the default: it makes those buffers
/// again on every save, and handing them back made a save 25-35 ms slower.
fn purge_freed_memory_soon() {
    // SAFETY: sets one integer option, which mimalloc reads when it purges.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 10) }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
    if !long_running(&cli.command) {
        purge_freed_memory_soon();
    }
    match cli.command {
        Command::Build(a) => {
            let (lang, watch, poll) = (a.lang.lang(), a.watch, a.poll);
            let opts = nianbao::BuildOptions {
                root: a.root,
                out: a.out,
                drafts: a.drafts,
                base_url: a.base_url,
            };
            if watch {
                live::watch(opts, poll, lang, color)
            } else {
                build::build(opts, lang, color)
            }
        }
        #[cfg(feature = "serve")]
        Command::Serve(a) => live::serve(a, color),
        Command::Init(a) => scaffold::init(a, color),
        Command::New(a) => scaffold::new(a, color),
        Command::Corpus(a) => scaffold::corpus(a),
        Command::Import(a) => import::import(a, color),
        Command::Check(a) => build::check(a, color),
    }
}

/// Watching and serving: they rebuild again and again in one process.
fn long_running(command: &Command) -> bool {
    match command {
        Command::Build(a) => a.watch,
        #[cfg(feature = "serve")]
        Command::Serve(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads one integer option.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(default, 1000, "mimalloc's option order changed");
    }
}
