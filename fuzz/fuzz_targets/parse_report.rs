//! Any bytes as a report file: parsing, checking, rendering the tables and
//! printing the diagnostics must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::format::Registry;

thread_local! {
    static REGISTRY: Registry = Registry::builtin();
}

fuzz_target!(|data: &[u8]| {
    REGISTRY.with(|reg| {
        let (report, mut diags) = nianbao::content::parse("content/f.md", std::path::Path::new("content/f.md"), data, reg);
        if let Some(mut r) = report {
            diags.extend(nianbao::check::report(&mut r));
            for (t, def) in r.format.tables.iter().enumerate() {
                if let Some(d) = r.tables.get(t) {
                    let _ = nianbao::render::grid::build(def, d);
                }
            }
            let _ = nianbao::render::markdown::to_html(&r.markdown);
        }
        let _ = nianbao::diag::render_human(&diags, nianbao::diag::Lang::Zh, false);
        let _ = nianbao::diag::render_json(&diags, nianbao::diag::Lang::En);
    });
});
