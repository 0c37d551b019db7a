//! The small per-report record that index pages, feeds and listings are
//! built from: computed once per report (in parallel), so that a year, a
//! township or a region page never walks whole reports again.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::content::Report;
use crate::content::meta::Date;
use crate::format::{CellRef, FormatDef, Registry};
use crate::layout::Output;

use super::regions::RegionSlugs;
use super::summary_value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub year: u16,
    pub slug: String,
    pub township: String,
    pub organ: String,
    pub title: String,
    pub region: Option<String>,
    pub region_slug: Option<String>,
    pub published: Option<Date>,
    pub index_no: Option<String>,
    pub format: String,
    pub format_name: String,
    /// One per summary column of the site (`Registry::summary_labels`);
    /// `None` where the report's format lacks the column or a cell of it.
    pub figures: Vec<Option<i128>>,
    pub received: Option<i128>,
    pub handled: Option<i128>,
    /// What the site-wide files make from this summary alone, kept with it
    /// while it is kept across renders (the watcher's, see [`Summary::kept`]).
    pub pieces: Pieces,
}

impl Summary {
    /// The summary of `r`, with a figure for each of the site's summary
    /// `columns`.
    pub fn of(r: &Report, regions: &RegionSlugs, columns: &Columns) -> Summary {
        let (figures, received, handled) = columns.figures(r);
        let region_slug = r
            .meta
            .region
            .as_deref()
            .and_then(|n| regions.get(n))
            .map(str::to_string);
        Summary {
            year: r.meta.year,
            slug: r.meta.slug.clone(),
            township: r.meta.township.clone(),
            organ: r.meta.organ.clone(),
            title: r.meta.title.clone(),
            region: r.meta.region.clone(),
            region_slug,
            published: r.meta.published,
            index_no: r.meta.index_no.clone(),
            format: r.format.id.clone(),
            format_name: r.format.name.clone(),
            figures,
            received,
            handled,
            pieces: Pieces::default(),
        }
    }

    /// This summary, to be kept across renders: the pieces made from it
    /// are kept with it from now on.
    pub fn kept(mut self) -> Summary {
        self.pieces = Pieces(Some(Box::default()));
        self
    }

    /// The piece in `slot`, made by `make` when the summary has none (made
    /// once and kept when the summary is kept, else made each time).
    pub fn piece<T: Clone>(
        &self,
        slot: impl FnOnce(&Slots) -> &OnceLock<T>,
        make: impl FnOnce(&Summary) -> T,
    ) -> Cow<'_, T> {
        match &self.pieces.0 {
            Some(slots) => Cow::Borrowed(slot(slots).get_or_init(|| make(self))),
            None => Cow::Owned(make(self)),
        }
    }

    /// The report's page.
    pub fn output(&self) -> Output<'_> {
        Output::Report {
            year: self.year,
            slug: &self.slug,
        }
    }
    /// The report's page, as a path from the site root.
    pub fn url(&self) -> String {
        self.output().path()
    }
    /// The report's figures, as a path from the site root.
    pub fn json_url(&self) -> String {
        Output::ReportJson {
            year: self.year,
            slug: &self.slug,
        }
        .path()
    }
}

impl Summary {
    /// Like [`Summary::piece`], for a piece that also follows from `key`:
    /// made again when the key is not the one it was made for. `with`
    /// reads it.
    pub fn keyed_piece<T>(
        &self,
        key: u64,
        slot: impl FnOnce(&Slots) -> &Mutex<Option<(u64, T)>>,
        make: impl FnOnce(&Summary) -> T,
        with: impl FnOnce(&T),
    ) {
        let Some(slots) = &self.pieces.0 else {
            return with(&make(self));
        };
        // Each summary's slot is used by one thread at a time (one year
        // CSV holds a report); a poisoned one is simply made again.
        let mut held = slot(slots).lock().unwrap_or_else(|e| e.into_inner());
        match &*held {
            Some((k, piece)) if *k == key => with(piece),
            _ => {
                let piece = make(self);
                with(&piece);
                *held = Some((key, piece));
            }
        }
    }
}

/// The pieces kept with a summary ([`Summary::kept`]); none in a summary
/// made for one render. They follow from the summary (and `site.toml`,
/// whose change reloads everything): summaries are equal whatever pieces
/// they hold, and a copy starts without any.
#[derive(Default)]
pub struct Pieces(Option<Box<Slots>>);

/// One slot per piece, filled on first use.
#[derive(Default)]
pub struct Slots {
    /// The report's entry in `data/reports.json`.
    pub listed: OnceLock<Box<[u8]>>,
    /// Its row of a summary table, as template variables, with their hash.
    pub table_row: OnceLock<(tera::Value, u64)>,
    /// Its links on its region's page, as template variables, with their hash.
    pub region_links: OnceLock<crate::site::index::RegionLinks>,
    /// Its row of the year CSV, for the year's columns of the given hash.
    pub csv_row: Mutex<Option<(u64, Box<str>)>>,
    /// Its row of a summary table as HTML, for the home page (`[0]`) and
    /// its year's page (`[1]`): their links start from different roots.
    /// Keyed by the root and whether the year mixes formats.
    pub row_html: [Mutex<Option<(u64, RowPiece)>>; 2],
}

/// A row of a summary table as HTML, or why the theme could not make it.
pub type RowPiece = Result<Box<str>, crate::diag::Diagnostic>;

impl Clone for Pieces {
    fn clone(&self) -> Pieces {
        Pieces(None)
    }
}
impl PartialEq for Pieces {
    fn eq(&self, _: &Pieces) -> bool {
        true
    }
}
impl Eq for Pieces {}
impl std::fmt::Debug for Pieces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Pieces(kept)"
        } else {
            "Pieces"
        })
    }
}

/// The cells of one summary figure: per table index, its cells; `None`
/// when the format lacks one of them (the figure is then “—”).
type Cells = Option<Vec<(usize, CellRef)>>;

/// The site's summary columns (`Registry::summary_labels`), and for every
/// format the cells each sums, resolved once: a save in watch mode makes
/// every report's summary again, and looking cell ids up by name for each
/// was the largest part of it.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub labels: Vec<String>,
    by_format: HashMap<String, Resolved>,
}

#[derive(Debug, Clone)]
struct Resolved {
    figures: Vec<Cells>,
    received: Cells,
    handled: Cells,
}

fn resolve(format: &FormatDef, ids: Option<&[String]>) -> Cells {
    let mut out = Vec::new();
    for id in ids? {
        let (t, cells) = format.summary_cells(id)?;
        out.extend(cells.into_iter().map(|c| (t, c)));
    }
    Some(out)
}

impl Columns {
    pub fn of(registry: &Registry) -> Columns {
        let labels = registry.summary_labels();
        let by_format = registry
            .ids()
            .into_iter()
            .filter_map(|id| registry.get(id))
            .map(|f| {
                let series = f.series.as_ref();
                let resolved = Resolved {
                    figures: labels
                        .iter()
                        .map(|l| resolve(f, f.summary_column(l)))
                        .collect(),
                    received: resolve(f, series.map(|s| s.received.as_slice())),
                    handled: resolve(f, series.map(|s| s.handled.as_slice())),
                };
                (f.id.clone(), resolved)
            })
            .collect();
        Columns { labels, by_format }
    }

    /// A report's figure for each column, and its received and handled.
    fn figures(&self, r: &Report) -> (Vec<Option<i128>>, Option<i128>, Option<i128>) {
        let sum = |cells: &Cells| {
            let mut total = 0;
            for &(t, c) in cells.as_ref()? {
                let (def, data) = (r.format.tables.get(t)?, r.tables.get(t)?);
                total += data.int(def, c);
            }
            Some(total)
        };
        match self.by_format.get(&r.format.id) {
            Some(f) => (
                f.figures.iter().map(sum).collect(),
                sum(&f.received),
                sum(&f.handled),
            ),
            // A format the registry does not know (not in a loaded site):
            // looked up by name.
            None => {
                let series = r.format.series.as_ref();
                (
                    self.labels
                        .iter()
                        .map(|l| summary_value(r, r.format.summary_column(l)?))
                        .collect(),
                    series.and_then(|s| summary_value(r, &s.received)),
                    series.and_then(|s| summary_value(r, &s.handled)),
                )
            }
        }
    }
}

/// Column sums over `rows` (of `columns` summary columns); each with
/// whether some report lacked the cell (the sum then covers only the
/// reports that have it, and says so).
pub fn totals<'a>(rows: impl Iterator<Item = &'a Summary> + Clone, columns: usize) -> Vec<Total> {
    (0..columns)
        .map(|i| {
            let mut sum = 0;
            let mut missing = 0;
            for s in rows.clone() {
                match s.figures.get(i).copied().flatten() {
                    Some(v) => sum += v,
                    None => missing += 1,
                }
            }
            Total { sum, missing }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub sum: i128,
    /// Reports whose format has no such cell (left out of `sum`).
    pub missing: usize,
}

#[cfg(test)]
impl Summary {
    /// A summary of one gov-2021 report with one summary figure, for tests.
    pub fn sample(year: u16, slug: &str) -> Summary {
        Summary {
            year,
            slug: slug.into(),
            township: slug.into(),
            organ: slug.into(),
            title: slug.into(),
            region: None,
            region_slug: None,
            published: None,
            index_no: None,
            format: "gov-2021".into(),
            format_name: String::new(),
            figures: vec![Some(1)],
            received: Some(1),
            handled: Some(1),
            pieces: Pieces::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn summary() -> Summary {
        Summary::sample(2021, "pingan")
    }

    /// How many times `make` ran over `keys`, reading the CSV-row piece.
    fn made(s: &Summary, keys: &[u64]) -> (usize, Vec<String>) {
        let count = Cell::new(0);
        let mut seen = Vec::new();
        for &k in keys {
            s.keyed_piece(
                k,
                |p| &p.csv_row,
                |_| {
                    count.set(count.get() + 1);
                    format!("row for {k}").into_boxed_str()
                },
                |row| seen.push(row.to_string()),
            );
        }
        (count.get(), seen)
    }

    #[test]
    fn a_kept_summary_makes_each_piece_once_per_key() {
        let kept = summary().kept();
        let (count, seen) = made(&kept, &[1, 1, 2, 2, 1]);
        assert_eq!(count, 3, "made for 1, again for 2, again for 1");
        assert_eq!(
            seen,
            [
                "row for 1",
                "row for 1",
                "row for 2",
                "row for 2",
                "row for 1"
            ]
        );
        let n = Cell::new(0);
        for _ in 0..3 {
            kept.piece(
                |p| &p.listed,
                |_| {
                    n.set(n.get() + 1);
                    Box::from(&b"entry"[..])
                },
            );
        }
        assert_eq!(n.get(), 1);
        // A copy, or a summary made for one render, keeps nothing.
        assert_eq!(made(&kept.clone(), &[1, 1]).0, 2);
        assert_eq!(made(&summary(), &[1, 1]).0, 2);
        // Pieces do not make summaries differ.
        assert_eq!(kept, summary());
    }
}
