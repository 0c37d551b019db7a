//! The site's diagnostics as the watcher keeps them: each file's own, and
//! `check::site` per township, re-run only for the townships a change
//! touched.

use crate::check;
use crate::diag::Diagnostic;
use crate::site;

use super::Build;

impl Build {
    /// Every diagnostic of the site as it stands, sorted: the same as
    /// `site::load` gives for these files (tests/suite/incremental.rs
    /// compares them after every edit).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let site = &self.site;
        // Diagnostics of no township: the walk's, and those of files that
        // did not parse into a report. Passing no reports applies only the
        // site's severity settings.
        let mut all: Vec<Diagnostic> = self.files.walk_diags.clone();
        for f in self.files.by_path.values().filter(|f| f.slug.is_none()) {
            all.extend(f.diags.iter().cloned());
        }
        // Duplicates look across townships, in file order as `check` reads
        // (sorting is the cost: only when there are any).
        if self.duplicates {
            let mut in_file_order: Vec<&crate::content::Report> = site.reports.iter().collect();
            in_file_order.sort_by(|a, b| a.file.path.cmp(&b.file.path));
            all.extend(check::duplicates(&in_file_order));
        }
        if let Err(d) = check::site(&site.root, &site.config, &site.registry, &[], &mut all) {
            all.push(d);
        }
        all.extend(site::region_diagnostics(&site.config, &site.reports));
        for diags in self.checked.values() {
            all.extend(diags.iter().cloned());
        }
        all.sort_by_key(Diagnostic::sort_key);
        all
    }

    /// Run `check::township` again for the townships a change touched, as
    /// `site::stream` runs it for each: every check it makes looks within
    /// one township (cross-year rules per township, the rest per report), so
    /// the others keep their results. Duplicates, which look across
    /// townships, are found afresh by `diagnostics`. `diagnostics` is
    /// compared with `site::load`'s after every edit of the incremental
    /// tests. Reports are kept sorted by township, then path, so a
    /// township's reports are one slice.
    pub(super) fn refresh_checks(&mut self) {
        self.duplicates = self.find_duplicates();
        let reports = &self.site.reports;
        // The reports are kept in township order (see `tracking`).
        debug_assert!(reports.is_sorted_by(|a, b| a.meta.slug <= b.meta.slug));
        if self.checked.is_empty() {
            // The first check: every township.
            for group in reports.chunk_by(|a, b| a.meta.slug == b.meta.slug) {
                if let Some(r) = group.first() {
                    let diags = self.township_diagnostics(group);
                    self.checked.insert(r.meta.slug.clone(), diags);
                }
            }
            return;
        }
        // Only the townships a change touched (found by halving, not by
        // walking some 10,000 townships after every save).
        for slug in &self.dirty.townships {
            let start = reports.partition_point(|r| r.meta.slug < *slug);
            let len = reports[start..].partition_point(|r| r.meta.slug == *slug);
            let group = &reports[start..start + len];
            match group.is_empty() {
                true => self.checked.remove(slug),
                false => self
                    .checked
                    .insert(slug.clone(), self.township_diagnostics(group)),
            };
        }
    }

    /// One township's diagnostics: its files' own and `check::township`'s.
    fn township_diagnostics(&self, group: &[crate::content::Report]) -> Vec<Diagnostic> {
        let site = &self.site;
        let mut diags: Vec<Diagnostic> = group
            .iter()
            .filter_map(|r| self.files.by_path.get(&r.file.path))
            .flat_map(|f| f.diags.iter().cloned())
            .collect();
        // An invalid [check] setting is reported once, by `diagnostics`.
        let _ = check::township(&site.root, &site.config, &site.registry, group, &mut diags);
        diags
    }

    /// Whether two reports are one (E050). A site that had none can only
    /// have one now through a report re-read since: those are compared
    /// with the rest (a pass without hashing, where hashing all 150,000
    /// keys was a quarter of a save at 50,000 reports). After a reload, or
    /// while there are duplicates, all are compared.
    fn find_duplicates(&self) -> bool {
        let reports = &self.site.reports;
        if self.duplicates || self.full {
            return check::has_duplicates(reports);
        }
        // The re-read reports, found by their townships.
        self.dirty
            .paths
            .iter()
            .filter_map(|p| {
                let slug = self.files.by_path.get(p)?.slug.as_deref()?;
                reports.get(self.report_index(p, slug)?)
            })
            .any(|r| check::collides(r, reports))
    }
}
