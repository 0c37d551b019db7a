//! Any bytes as a copied portal page: importing, then reading back and
//! checking what the importer wrote, must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::format::Registry;

thread_local! {
    static REGISTRY: Registry = Registry::builtin();
}

fuzz_target!(|data: &[u8]| {
    REGISTRY.with(|reg| {
        if let Ok(imported) = nianbao::import::import(data, "fuzz", reg) {
            let path = std::path::Path::new("content/fuzz.md");
            let (report, _) = nianbao::content::parse("content/fuzz.md", path, imported.text.as_bytes(), reg);
            if let Some(mut r) = report {
                let _ = nianbao::check::report(&mut r);
            }
        }
    });
});
