//! Helpers shared by the test modules. Every temporary site is a
//! [`site::TempSite`]; the other modules add what their area needs.
#![allow(dead_code)]

pub mod common;
pub mod rebuild_common;
pub mod site;
pub mod site_common;

/// The summary columns of the built-in gov-2021 definition (label, cells),
/// as the index pages and `data/reports.json` show them.
pub static SUMMARY: std::sync::LazyLock<Vec<(&'static str, &'static [&'static str])>> =
    std::sync::LazyLock::new(|| {
        let registry = nianbao::format::Registry::builtin();
        let f = registry.get("gov-2021").expect("gov-2021 is built in");
        f.summary
            .iter()
            .map(|c| {
                let cells: Vec<&'static str> = c
                    .cells
                    .iter()
                    .map(|s| &*Box::leak(s.clone().into_boxed_str()))
                    .collect();
                (
                    &*Box::leak(c.label.clone().into_boxed_str()),
                    &*Box::leak(cells.into_boxed_slice()),
                )
            })
            .collect()
    });
