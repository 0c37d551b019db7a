//! Any bytes as a report file: parsing, checking, rendering the tables and
//! printing the diagnostics must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::format::Registry;

thread_local! {
    static REGISTRY: Registry = Registry::builtin();
    static THEME: Option<nianbao::render::Theme> = nianbao::render::Theme::load(std::path::Path::new("/nonexistent"), "default").ok();
}

fuzz_target!(|data: &[u8]| {
    REGISTRY.with(|reg| {
        let (report, mut diags) = nianbao::content::parse("content/f.md", std::path::Path::new("content/f.md"), data, reg);
        if let Some(mut r) = report {
            diags.extend(nianbao::check::report(&mut r));
            for (t, def) in r.format.tables.iter().enumerate() {
                if let Some(d) = r.tables.get(t) {
                    let _ = nianbao::render::grid::build(def, d, "t");
                }
            }
            THEME.with(|theme| {
                if let Some(theme) = theme {
                    let body = theme.report_body(&r);
                    let _ = theme.fill_tables(body, &r);
                }
            });
        }
        let _ = nianbao::diag::render_human(&diags, nianbao::diag::Lang::Zh, false);
        let _ = nianbao::diag::render_json(&diags, nianbao::diag::Lang::En);
    });
});
