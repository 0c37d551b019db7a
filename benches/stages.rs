//! Per-report stage timings: parse, check, render (with minifying) and
//! report.json, each run many times over the sample report, median per
//! call. Finds the stage to profile; `scripts/bench` measures whole builds.
//!
//!     cargo bench --bench stages
//!
//! No benchmark framework: a plain loop and `Instant`, so it adds no
//! dependencies and builds in seconds.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use nianbao::format::Registry;
use nianbao::render::Theme;
use nianbao::site::regions::RegionSlugs;
use nianbao::site::summary::Summary;
use nianbao::site::{PageCtx, SiteConfig, data, pages};

fn median(mut f: impl FnMut(), rounds: usize) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read(root.join("content/2021/pingan.md")).unwrap();
    let registry = Registry::builtin();
    let parse = || {
        nianbao::content::parse(
            "content/2021/pingan.md",
            Path::new("pingan.md"),
            &text,
            &registry,
        )
    };
    let (report, diags) = parse();
    assert!(diags.is_empty(), "{diags:?}");
    let mut report = report.unwrap();
    nianbao::check::report(&mut report);
    let cfg = SiteConfig::load(root).unwrap();
    let theme = Theme::load(root, &cfg.theme).unwrap();
    let pc = PageCtx::new(&cfg, vec![2021]);
    let catalog = data::Catalog::of(&report.format);
    let labels = nianbao::site::summary::Columns::of(&nianbao::format::Registry::builtin());
    let summary = Summary::of(&report, &RegionSlugs::default(), &labels);
    let rounds = 2000;
    let rows = [
        ("parse", median(|| drop(black_box(parse())), rounds)),
        ("check", {
            // Each round checks a freshly parsed report (checking fills totals in).
            let mut times: Vec<Duration> = (0..rounds)
                .map(|_| {
                    let (r, _) = parse();
                    let mut r = r.unwrap();
                    let t = Instant::now();
                    black_box(nianbao::check::report(&mut r));
                    t.elapsed()
                })
                .collect();
            times.sort();
            times[rounds / 2]
        }),
        (
            "page + report.json",
            median(
                || {
                    drop(black_box(pages::report_html(
                        &report, &summary, &theme, &pc,
                    )));
                    drop(black_box(data::report_json(
                        &report, &summary, &cfg, &catalog,
                    )))
                },
                rounds,
            ),
        ),
        (
            "report.json alone",
            median(
                || {
                    drop(black_box(data::report_json(
                        &report, &summary, &cfg, &catalog,
                    )))
                },
                rounds,
            ),
        ),
        (
            "summary",
            median(
                || {
                    drop(black_box(Summary::of(
                        &report,
                        &RegionSlugs::default(),
                        &labels,
                    )))
                },
                rounds,
            ),
        ),
    ];
    println!("median per call over {rounds} calls, the sample report:");
    for (name, d) in rows {
        println!("  {name:<20} {:>8.1} µs", d.as_secs_f64() * 1e6);
    }
}
