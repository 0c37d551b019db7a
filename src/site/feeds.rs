//! Feeds and housekeeping: `sitemap.xml`, `atom.xml`, `robots.txt`.
//!
//! Deterministic: no clock. An entry's date is its `published` date, or 1
//! January of the year after the reporting year when none is given; the
//! feed's `updated` is the latest of those.

use serde::Serialize;
use tera::Context;

use crate::diag::Diagnostic;
use crate::layout::Output;
use crate::render::Theme;

use super::backend::{All, Backend, Cx, Job, Put, Size};
use super::data::abs_url;
use super::summary::Summary;
use super::{OutFile, SiteConfig};

/// How many reports the feed lists.
pub const FEED_LEN: usize = 50;

pub use crate::html::xml_escape;

/// The feeds backend: `sitemap.xml`, `atom.xml` and `robots.txt`, each
/// rendered through the theme's template of that name (a theme or a site's
/// `templates/` can override them like pages).
pub struct Feeds;

impl Backend for Feeds {
    fn jobs<'a>(&'a self, cx: &'a Cx<'a>, all: &'a All<'a>) -> Vec<Job<'a>> {
        let cfg = &cx.config;
        let theme = cx.theme;
        let mut jobs = Vec::new();
        if (cx.select.file)(&Output::Sitemap) {
            jobs.push(Job::new(Size::Data, move |put| {
                put(sitemap(theme, cfg, all)?);
                Ok(())
            }));
        }
        if (cx.select.file)(&Output::Atom) {
            jobs.push(Job::new(Size::Data, move |put| {
                put(atom(theme, cfg, all.summaries)?);
                Ok(())
            }));
        }
        if (cx.select.file)(&Output::Robots) {
            jobs.push(Job::new(Size::Data, move |put: &Put| {
                put(robots(theme, cfg)?);
                Ok(())
            }));
        }
        jobs
    }
}

/// Render the feed template of `out` (no minifying: these are not HTML).
fn render(theme: &Theme, out: Output, ctx: &Context) -> Result<OutFile, Diagnostic> {
    let path = out.path();
    Ok(OutFile {
        bytes: theme.render(&path, ctx)?.into_bytes(),
        path,
    })
}

/// The date that orders a report in the feed: its publication date, or
/// 1 January after its year, as `YYYY-MM-DD` (the year at least four
/// digits), ordered as that text. Made on the stack: the feed keys every
/// report after each save that changes a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DateKey {
    /// At most "65535-12-31".
    text: [u8; 11],
    len: u8,
}

impl DateKey {
    fn of(s: &Summary) -> DateKey {
        let (year, month, day) = match s.published {
            Some(d) => (d.year, d.month, d.day),
            None => (s.year.saturating_add(1), 1, 1),
        };
        let mut key = DateKey {
            text: [0; 11],
            len: 0,
        };
        let digits = if year >= 10_000 { 5 } else { 4 };
        key.push_digits(u32::from(year), digits);
        key.push(b'-');
        key.push_digits(u32::from(month), 2);
        key.push(b'-');
        key.push_digits(u32::from(day), 2);
        key
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.text.get_mut(usize::from(self.len)) {
            *slot = b;
            self.len += 1;
        }
    }

    /// The last `n` decimal digits of `v`, zero-padded.
    fn push_digits(&mut self, v: u32, n: u32) {
        for i in (0..n).rev() {
            self.push(b'0' + (v / 10u32.pow(i) % 10) as u8);
        }
    }

    fn as_str(&self) -> &str {
        let bytes = self.text.get(..usize::from(self.len)).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl Ord for DateKey {
    fn cmp(&self, other: &DateKey) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for DateKey {
    fn partial_cmp(&self, other: &DateKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Serialize)]
struct Url {
    loc: String,
    lastmod: Option<String>,
}

/// `sitemap.xml` over every HTML page but 404, in path order.
fn sitemap(theme: &Theme, cfg: &SiteConfig, all: &All) -> Result<OutFile, Diagnostic> {
    // In path order; each with its URL as readers see it.
    let mut pages: Vec<(String, String)> = all
        .html()
        .iter()
        .filter(|o| o.is_page() && **o != Output::NotFound)
        .map(|o| (o.path(), o.url()))
        .collect();
    // Report pages carry their publication date.
    let dates: std::collections::HashMap<String, String> = all
        .summaries
        .iter()
        .filter_map(|s| s.published.map(|d| (s.url(), d.to_string())))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    let urls: Vec<Url> = pages
        .into_iter()
        .map(|(path, url)| Url {
            lastmod: dates.get(&path).cloned(),
            loc: abs_url(cfg, &url),
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("urls", &urls);
    render(theme, Output::Sitemap, &ctx)
}

/// A tag URI (RFC 4151) under the site's absolute base URL: stable as long
/// as the address is, and distinct for every site, where the URL of a page
/// may move with a portal's redesign. `None` without an absolute base URL.
fn tag(cfg: &SiteConfig, rest: &str) -> Option<String> {
    let url = cfg
        .base_url
        .strip_prefix("https://")
        .or_else(|| cfg.base_url.strip_prefix("http://"))?;
    let (host, path) = url.split_once('/').unwrap_or((url, ""));
    let host = host
        .rsplit('@')
        .next()
        .unwrap_or(host)
        .split(':')
        .next()
        .unwrap_or(host);
    (!host.is_empty()).then(|| format!("tag:{host},2008:/{path}{rest}"))
}

/// An Atom id: a tag URI under the base URL, or a URN when the site has no
/// absolute address (`build` warns then, S025).
fn entry_id(cfg: &SiteConfig, s: &Summary) -> String {
    tag(cfg, &s.output().url())
        .unwrap_or_else(|| format!("urn:nianbao:report:{}:{}", s.year, s.slug))
}

#[derive(Serialize)]
struct Feed {
    lang: String,
    title: String,
    id: String,
    updated: String,
    self_url: String,
    home_url: String,
    author: String,
}

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    id: String,
    url: String,
    published: bool,
    date: String,
    organ: &'a str,
    year: u16,
    received: String,
}

/// `atom.xml`: the latest reports, newest first.
fn atom(theme: &Theme, cfg: &SiteConfig, summaries: &[&Summary]) -> Result<OutFile, Diagnostic> {
    // Newest first. The date key is made once per report, not per
    // comparison: this runs after every save that changes a summary.
    let mut keyed: Vec<(DateKey, &Summary)> =
        summaries.iter().map(|s| (DateKey::of(s), *s)).collect();
    let newest_first = |(da, a): &(DateKey, &Summary), (db, b): &(DateKey, &Summary)| {
        db.cmp(da)
            .then_with(|| b.year.cmp(&a.year))
            .then_with(|| a.slug.cmp(&b.slug))
    };
    // Only the first FEED_LEN are listed: pick them, then sort those (no
    // two reports share a year and a slug, so the order is total).
    if keyed.len() > FEED_LEN {
        keyed.select_nth_unstable_by(FEED_LEN, newest_first);
        keyed.truncate(FEED_LEN);
    }
    keyed.sort_by(newest_first);
    let updated = keyed
        .iter()
        .map(|(d, _)| d)
        .max()
        .map_or_else(|| "2008-01-01".into(), |d| d.as_str().to_string());
    let atom = Output::Atom.path();
    let feed = Feed {
        lang: cfg.language.clone(),
        title: cfg.title.clone(),
        id: tag(cfg, &atom).unwrap_or_else(|| "urn:nianbao:feed".into()),
        updated,
        self_url: abs_url(cfg, &atom),
        home_url: abs_url(cfg, &Output::Home.path()),
        author: cfg
            .portal
            .host
            .clone()
            .or_else(|| cfg.portal.site_name.clone())
            .unwrap_or_else(|| cfg.title.clone()),
    };
    let entries: Vec<Entry> = keyed
        .into_iter()
        .map(|(date, s)| Entry {
            title: &s.title,
            id: entry_id(cfg, s),
            url: abs_url(cfg, &s.output().url()),
            published: s.published.is_some(),
            date: date.as_str().to_string(),
            organ: &s.organ,
            year: s.year,
            received: s.received.map_or_else(|| "—".into(), |v| v.to_string()),
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("feed", &feed);
    ctx.insert("entries", &entries);
    render(theme, Output::Atom, &ctx)
}

/// `robots.txt`: everything may be crawled; the sitemap's absolute URL when
/// the site has an absolute `base_url` (the protocol requires one).
fn robots(theme: &Theme, cfg: &SiteConfig) -> Result<OutFile, Diagnostic> {
    let sitemap = abs_url(cfg, &Output::Sitemap.path());
    let mut ctx = Context::new();
    ctx.insert("sitemap_absolute", &sitemap.starts_with("http"));
    ctx.insert("sitemap", &sitemap);
    render(theme, Output::Robots, &ctx)
}

#[cfg(test)]
mod tests {
    use crate::html::xml_escape;

    #[test]
    fn escapes() {
        assert_eq!(
            xml_escape("A&B <c> \"d\" 'e'"),
            "A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
        assert_eq!(xml_escape("x\u{1}y"), "xy");
    }

    /// The key orders exactly as the date text the feed has always used.
    #[test]
    fn a_date_key_is_the_date_as_written() {
        use super::{DateKey, Summary};
        use crate::content::meta::Date;
        let text = |s: &Summary| {
            s.published
                .map_or_else(|| format!("{:04}-01-01", s.year + 1), |d| d.to_string())
        };
        let mut all = Vec::new();
        for (year, date) in [
            (2021, None),
            (2021, Some((2022, 1, 5))),
            (2021, Some((2022, 12, 31))),
            (9999, None),
            (2021, Some((9999, 2, 3))),
            (2021, Some((10000, 1, 1))),
            (2021, Some((65535, 12, 31))),
            (2021, Some((7, 1, 1))),
        ] {
            let mut s = Summary::sample(year, "a");
            s.published = date.map(|(year, month, day)| Date { year, month, day });
            assert_eq!(DateKey::of(&s).as_str(), text(&s));
            all.push(s);
        }
        for a in &all {
            for b in &all {
                assert_eq!(DateKey::of(a).cmp(&DateKey::of(b)), text(a).cmp(&text(b)));
            }
        }
    }
}
