//! Which format a page's tables follow, by the strongest evidence first: the
//! column headers it prints. gov-2019 and gov-2021 share most row labels, and
//! a page can fit the wrong format's rows better (a 2022 report printing
//! 其他处理 as one row), but a header such as 本年制发件数 belongs to one
//! format only; reading the figures under another format's columns would put
//! a real number in the wrong cell.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::Item;
use crate::format::FormatDef;
use crate::format::labels::normalize;

/// What the headers say.
#[derive(Debug, PartialEq, Eq)]
pub enum Headers {
    /// No header that belongs to one format only.
    Silent,
    /// Headers of this format only (its id), with the labels seen.
    One(String, Vec<String>),
    /// Headers of several formats: the ids and labels seen of each.
    Conflict(Vec<(String, Vec<String>)>),
}

/// Column labels that only one of `formats` has, by format id.
fn distinctive(formats: &[Arc<FormatDef>]) -> BTreeMap<String, BTreeSet<String>> {
    let labels_of = |f: &FormatDef| -> BTreeSet<String> {
        f.tables
            .iter()
            .flat_map(|t| t.blocks.iter())
            .flat_map(|b| b.columns.iter())
            .map(|c| normalize(&c.label))
            .collect()
    };
    let all: Vec<(String, BTreeSet<String>)> = formats
        .iter()
        .map(|f| (f.id.clone(), labels_of(f)))
        .collect();
    all.iter()
        .map(|(id, mine)| {
            let only: BTreeSet<String> = mine
                .iter()
                .filter(|l| {
                    all.iter()
                        .all(|(other, theirs)| other == id || !theirs.contains(*l))
                })
                .cloned()
                .collect();
            (id.clone(), only)
        })
        .collect()
}

/// The cells of the page: HTML cells, and lines split where a copied table
/// separates its cells (tabs, `|`, two or more spaces).
fn cells(items: &[Item]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in items {
        match item {
            Item::Cell(c) => {
                out.insert(normalize(c.trim()));
            }
            Item::Line(l) => {
                for part in l.split(['\t', '|']).flat_map(|p| p.split("  ")) {
                    let p = part.trim();
                    if !p.is_empty() {
                        out.insert(normalize(p));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

pub fn headers(items: &[Item], formats: &[Arc<FormatDef>]) -> Headers {
    let seen = cells(items);
    let mut hits: Vec<(String, Vec<String>)> = distinctive(formats)
        .into_iter()
        .map(|(id, only)| {
            (
                id,
                only.into_iter()
                    .filter(|l| seen.contains(l))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, found)| !found.is_empty())
        .collect();
    match hits.len() {
        0 => Headers::Silent,
        1 => {
            let (id, found) = hits.remove(0);
            Headers::One(id, found)
        }
        _ => Headers::Conflict(hits),
    }
}
