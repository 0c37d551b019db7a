//! Checks: everything nianbao can say about a site's reports.
//!
//! Per report ([`report`], run in parallel while loading): the format's
//! identities A1–A3/R1 with one message per root cause ([`identities`]),
//! blank cells W5, the gov-2019 bounds W12 and the section headings W10/W11
//! ([`structure`]). Per site ([`site`], after every report is loaded): two
//! files for one township and year, the cross-year warnings W1/W2/W3/W7/W13
//! ([`cross`]), the body-kind checks W4/W9 ([`plausible`]), tables that fit
//! another format W14 ([`formats`]), and finally the
//! severities configured in `site.toml` `[check]` ([`severity`]).
//!
//! Every rule that names a row or column comes from the format definition;
//! the codes are listed in [`severity`] and explained in docs/checks.md.

pub mod cross;
pub mod formats;
pub mod identities;
pub mod plausible;
pub mod prompts;
pub mod severity;
pub mod structure;

use std::path::Path;

use crate::config::SiteConfig;
use crate::content::Report;
use crate::diag::Diagnostic;
use crate::format::Registry;

pub use identities::{blanks, complete, identities};

/// Everything checkable within one report. Mutates only to fill omitted totals.
pub fn report(report: &mut Report) -> Vec<Diagnostic> {
    complete(report);
    let mut out = identities(report);
    out.extend(blanks(report));
    out.extend(plausible::bounds(report));
    out.extend(structure::headings(report));
    out.extend(prompts::placeholders(report));
    out.extend(prompts::year_folder(report));
    out
}

/// The checks that need more than one report, then the site's severities
/// applied to every diagnostic (`diagnostics` holds the per-report ones on
/// entry): [`duplicates`] and [`township`].
///
/// `Err`: `[check]` in `site.toml` is invalid, so nothing can be graded
/// (the command exits 2).
pub fn site(
    root: &Path,
    config: &SiteConfig,
    registry: &Registry,
    reports: &[Report],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    diagnostics.extend(duplicates(reports));
    township(root, config, registry, reports, diagnostics)
}

/// Two files for one report, across the whole site: `reports` in file order.
pub use cross::{collides, duplicates, has_duplicates};

/// The checks that look within one township's reports — cross-year
/// warnings, body kind, tables fitting another format — then the site's
/// severities applied to every diagnostic. Everything but [`duplicates`]
/// looks within one township, so a site may be checked township by
/// township (`site::stream`, `site::sweep`, the watcher).
pub fn township(
    root: &Path,
    config: &SiteConfig,
    registry: &Registry,
    reports: &[Report],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let severities = severity::Severities::from_config(&config.check, root)?;
    diagnostics.extend(cross::years(reports));
    for r in reports {
        diagnostics.extend(plausible::no_rules(r, config));
        diagnostics.extend(plausible::late(r, config));
        diagnostics.extend(formats::fit(r, registry));
    }
    let all = std::mem::take(diagnostics);
    *diagnostics = severities.apply(all);
    Ok(())
}
