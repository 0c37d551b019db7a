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
// time in malloc/free. mimalloc's thread-local free lists cut that. Its v2
// (feature `v2`) hands freed memory back after 10 ms where v3 waits a
// second: 50,000 reports peaked at 290-330 MiB with v3, 235-280 with v2.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
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
