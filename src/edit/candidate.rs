//! Checking the form as typed: the file as it would be saved, through the
//! same checks as `nianbao check` (one implementation, no second checker in
//! JavaScript), in the context of the township's other years so that the
//! cross-year warnings (上年结转 vs last year's 结转下年度) show too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Edits, Refusal, field_name, writeback};
use crate::config::SiteConfig;
use crate::content::{self, Report};
use crate::diag::{Diagnostic, Loc, Msg};
use crate::format::CellRef;
use crate::site;

/// A report file: where it is, and how it is named to the author.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// Relative to the site root, `/`-separated.
    pub rel: String,
}

/// The outcome of checking a candidate.
pub struct Checked {
    /// The file's bytes with the edits (what saving writes).
    pub bytes: Vec<u8>,
    /// The candidate as read, totals completed; `None` when it cannot be read.
    pub report: Option<Report>,
    /// What `nianbao check` says of this file (severities of `site.toml` applied).
    pub diagnostics: Vec<Diagnostic>,
    /// The cells each diagnostic concerns (input names), by diagnostic index.
    pub cells: Vec<Vec<String>>,
    /// Totals left blank and their computed values, by input name.
    pub computed: BTreeMap<String, String>,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
    /// Whether every identity of the format holds (no A/R/D errors).
    pub fn balanced(&self) -> bool {
        !self.errors().any(|d| is_identity(d.code))
    }
}

/// A broken 勾稽关系 (as opposed to a warning or a problem of form).
pub fn is_identity(code: &str) -> bool {
    code.starts_with('A') || code.starts_with('R') || code.starts_with('D')
}

/// Read one report file as it is on disk (totals not completed).
pub fn read(root: &Path, src: &Source) -> Result<(Vec<u8>, Report), Refusal> {
    let config = SiteConfig::load(root).map_err(|d| Refusal(d.message))?;
    let bytes = crate::files::read_report(&src.path, config.report_limit())
        .map_err(|d| Refusal(d.message))?;
    let mut diags = Vec::new();
    let registry = site::load_registry(root, &mut diags);
    match content::parse(&src.rel, &src.path, &bytes, &registry) {
        (Some(r), _) => Ok((bytes, r)),
        (None, d) => Err(Refusal(
            d.into_iter()
                .next()
                .map(|d| d.message)
                .unwrap_or_else(|| Msg::new("无法读取这份报告", "the report cannot be read")),
        )),
    }
}

/// Apply `edits` to the file's `bytes` and check the result. `others`: the
/// same township's other report files, for the cross-year checks.
pub fn check(
    root: &Path,
    src: &Source,
    bytes: &[u8],
    report: &Report,
    edits: &Edits,
    others: &[Source],
) -> Result<Checked, Refusal> {
    let candidate = writeback::apply(bytes, report, edits)?;
    let config = SiteConfig::load(root).map_err(|d| Refusal(d.message))?;
    let mut diagnostics = Vec::new();
    let registry = site::load_registry(root, &mut diagnostics);
    diagnostics.clear();
    let (parsed, mut diags) = content::parse(&src.rel, &src.path, &candidate, &registry);
    if let Some(after) = &parsed {
        writeback::verify(report, after, edits)?;
    }
    let mut reports = Vec::new();
    let mut computed = BTreeMap::new();
    let mut cells_by_loc: BTreeMap<(u32, u32), Vec<String>> = BTreeMap::new();
    if let Some(mut r) = parsed {
        index_cells(&r, &mut cells_by_loc);
        diags.extend(crate::check::report(&mut r));
        computed = computed_totals(&r);
        reports.push(r);
    }
    for o in others {
        if let (Some(r), _) = site::load_report(&o.path, root, &registry, config.report_limit()) {
            reports.push(r);
        }
    }
    crate::check::site(root, &config, &registry, &reports, &mut diags)
        .map_err(|d| Refusal(d.message))?;
    diags.retain(|d| d.file.as_ref().is_none_or(|f| f.rel == src.rel));
    diags.sort_by_key(Diagnostic::sort_key);
    let cells = diags.iter().map(|d| cells_of(d, &cells_by_loc)).collect();
    Ok(Checked {
        bytes: candidate,
        report: reports.into_iter().next().filter(|r| r.file.rel == src.rel),
        diagnostics: diags,
        cells,
        computed,
    })
}

/// Every written cell and row key by (line, column), to the inputs they are.
fn index_cells(r: &Report, out: &mut BTreeMap<(u32, u32), Vec<String>>) {
    for (t, def) in r.format.tables.iter().enumerate() {
        let Some(data) = r.tables.get(t) else {
            continue;
        };
        for row in 0..def.rows.len() {
            if def.is_group(row) {
                continue;
            }
            let names: Vec<String> = (0..def.columns_of(row).len())
                .map(|col| field_name(def, CellRef { row, col }))
                .collect();
            for (col, name) in names.iter().enumerate() {
                if let Some(l) = data.cell(def, CellRef { row, col }).and_then(|c| c.loc()) {
                    out.entry((l.line, l.col)).or_default().push(name.clone());
                }
            }
            if let Some(l) = data.row_locs[row] {
                out.entry((l.line, l.col)).or_default().extend(names);
            }
        }
    }
}

fn cells_of(d: &Diagnostic, by_loc: &BTreeMap<(u32, u32), Vec<String>>) -> Vec<String> {
    let mut locs: Vec<Loc> = d.loc.into_iter().collect();
    locs.extend(d.related.iter().filter_map(|r| r.loc));
    let mut out: Vec<String> = Vec::new();
    for l in locs {
        for n in by_loc.get(&(l.line, l.col)).into_iter().flatten() {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
    }
    out
}

/// Totals the author left out (or blank) and the value they come to.
fn computed_totals(r: &Report) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (t, def) in r.format.tables.iter().enumerate() {
        let Some(data) = r.tables.get(t) else {
            continue;
        };
        for (i, c) in data.cells.iter().enumerate() {
            if c.origin == content::Origin::Computed
                && let Some(at) = writeback::cell_at(def, i)
            {
                out.insert(field_name(def, at), c.value.to_string());
            }
        }
    }
    out
}
