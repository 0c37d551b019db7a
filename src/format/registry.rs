//! The formats a site knows: the built-in definitions compiled into the
//! binary, plus the site's own from `<root>/formats/`.

use std::sync::Arc;

use super::FormatDef;

/// The definitions compiled into the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("gov-2019", include_str!("../../formats/gov-2019.toml")),
    ("gov-2021", include_str!("../../formats/gov-2021.toml")),
];

/// All formats a site knows: the built-in ones plus the site's own.
#[derive(Debug, Clone)]
pub struct Registry {
    formats: Vec<Arc<FormatDef>>,
}

impl Registry {
    #[allow(
        clippy::panic,
        reason = "the built-in definitions are compiled in and loaded by a unit test; a broken one is a bug in nianbao, not in its input"
    )]
    pub fn builtin() -> Registry {
        let formats = BUILTIN
            .iter()
            .map(|(id, text)| match FormatDef::from_toml(text) {
                Ok(f) => Arc::new(f),
                // A broken built-in definition is a bug in nianbao itself, caught by its tests.
                Err(e) => panic!("built-in format {id} is invalid: {e}"),
            })
            .collect();
        Registry { formats }
    }

    /// Add a site's own definition; it replaces a built-in one with the same
    /// id. Without summary columns or chart series of its own it takes those
    /// of the newest built-in format (for the cells it has).
    pub fn add(&mut self, mut def: FormatDef) {
        if let Some(newest) = self.formats.iter().max_by_key(|f| f.years[1]) {
            if def.summary.is_empty() {
                def.summary = newest.summary.clone();
            }
            if def.series.is_none() {
                def.series = newest.series.clone();
            }
        }
        self.formats.retain(|f| f.id != def.id);
        self.formats.push(Arc::new(def));
    }

    /// The summary columns of the site: every format's labels, the newest
    /// format's first, each once.
    pub fn summary_labels(&self) -> Vec<String> {
        let mut formats: Vec<&Arc<FormatDef>> = self.formats.iter().collect();
        formats.sort_by_key(|f| std::cmp::Reverse(f.years[1]));
        let mut labels: Vec<String> = Vec::new();
        for c in formats.iter().flat_map(|f| &f.summary) {
            if !labels.contains(&c.label) {
                labels.push(c.label.clone());
            }
        }
        labels
    }

    pub fn get(&self, id: &str) -> Option<&Arc<FormatDef>> {
        self.formats.iter().find(|f| f.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.formats.iter().map(|f| f.id.as_str()).collect()
    }

    /// The default format for a reporting year.
    pub fn for_year(&self, year: u16) -> Option<&Arc<FormatDef>> {
        self.formats
            .iter()
            .filter(|f| f.years[0] <= year && year <= f.years[1])
            .min_by_key(|f| f.years[1] - f.years[0])
            .or_else(|| {
                self.formats
                    .iter()
                    .max_by_key(|f| f.years[0])
                    .filter(|f| year >= f.years[0])
            })
    }
}
