//! Feeds and housekeeping: `sitemap.xml`, `atom.xml`, `robots.txt`.
//!
//! Deterministic: no clock. An entry's date is its `published` date, or 1
//! January of the year after the reporting year when none is given; the
//! feed's `updated` is the latest of those.

use super::OutFile;
use super::SiteConfig;
use super::data::abs_url;
use super::summary::Summary;

/// Where the feeds are published.
pub const SITEMAP: &str = "sitemap.xml";
pub const ATOM: &str = "atom.xml";
pub const ROBOTS: &str = "robots.txt";

/// How many reports the feed lists.
pub const FEED_LEN: usize = 50;

/// Escape text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A page's public URL: `index.html` dropped, as in `<link rel="canonical">`.
fn page_url(cfg: &SiteConfig, path: &str) -> String {
    abs_url(cfg, path.strip_suffix("index.html").unwrap_or(path))
}

/// The date that orders a report in the feed.
pub fn entry_date(s: &Summary) -> String {
    s.published
        .map_or_else(|| format!("{:04}-01-01", s.year + 1), |d| d.to_string())
}

/// `sitemap.xml` over the HTML pages in `paths` (404 left out).
pub fn sitemap(
    cfg: &SiteConfig,
    paths: &[&str],
    lastmod: &dyn Fn(&str) -> Option<String>,
) -> OutFile {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        if !p.ends_with(".html") || *p == "404.html" {
            continue;
        }
        out.push_str("<url><loc>");
        out.push_str(&xml_escape(&page_url(cfg, p)));
        out.push_str("</loc>");
        if let Some(d) = lastmod(p) {
            out.push_str(&format!("<lastmod>{}</lastmod>", xml_escape(&d)));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    OutFile {
        path: SITEMAP.into(),
        bytes: out.into_bytes(),
    }
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
    tag(cfg, &format!("{}/{}/", s.year, s.slug))
        .unwrap_or_else(|| format!("urn:nianbao:report:{}:{}", s.year, s.slug))
}

/// `atom.xml`: the latest reports, newest first.
pub fn atom(cfg: &SiteConfig, summaries: &[&Summary]) -> OutFile {
    // Newest first. The date key is made once per report, not per
    // comparison: this runs after every save that changes a summary.
    let mut keyed: Vec<(String, &Summary)> =
        summaries.iter().map(|s| (entry_date(s), *s)).collect();
    keyed.sort_by(|(da, a), (db, b)| {
        db.cmp(da)
            .then_with(|| b.year.cmp(&a.year))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    keyed.truncate(FEED_LEN);
    let list: Vec<&Summary> = keyed.into_iter().map(|(_, s)| s).collect();
    let updated = list
        .iter()
        .map(|s| entry_date(s))
        .max()
        .unwrap_or_else(|| "2008-01-01".into());
    let feed_id = tag(cfg, "atom.xml").unwrap_or_else(|| "urn:nianbao:feed".into());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    out.push_str(&format!(" xml:lang=\"{}\">\n", xml_escape(&cfg.language)));
    out.push_str(&format!("<title>{}</title>\n", xml_escape(&cfg.title)));
    out.push_str(&format!("<id>{}</id>\n", xml_escape(&feed_id)));
    out.push_str(&format!("<updated>{updated}T00:00:00Z</updated>\n"));
    out.push_str(&format!(
        "<link rel=\"self\" href=\"{}\"/>\n",
        xml_escape(&abs_url(cfg, ATOM))
    ));
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&abs_url(cfg, "index.html"))
    ));
    let author = cfg
        .portal
        .host
        .clone()
        .or_else(|| cfg.portal.site_name.clone())
        .unwrap_or_else(|| cfg.title.clone());
    out.push_str(&format!(
        "<author><name>{}</name></author>\n",
        xml_escape(&author)
    ));
    for s in list {
        let date = entry_date(s);
        out.push_str("<entry>\n");
        out.push_str(&format!("<title>{}</title>\n", xml_escape(&s.title)));
        out.push_str(&format!("<id>{}</id>\n", xml_escape(&entry_id(cfg, s))));
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&page_url(cfg, &s.url()))
        ));
        if s.published.is_some() {
            out.push_str(&format!("<published>{date}T00:00:00Z</published>\n"));
        }
        out.push_str(&format!("<updated>{date}T00:00:00Z</updated>\n"));
        out.push_str(&format!(
            "<author><name>{}</name></author>\n",
            xml_escape(&s.organ)
        ));
        let received = s.received.map_or_else(|| "—".into(), |v| v.to_string());
        out.push_str(&format!(
            "<summary>{}</summary>\n",
            xml_escape(&format!(
                "{}{}年度政府信息公开工作年度报告；本年新收政府信息公开申请 {received} 件。",
                s.organ, s.year
            ))
        ));
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    OutFile {
        path: ATOM.into(),
        bytes: out.into_bytes(),
    }
}

/// `robots.txt`: everything may be crawled; the sitemap's absolute URL when
/// the site has an absolute `base_url` (the protocol requires one).
pub fn robots(cfg: &SiteConfig) -> OutFile {
    let sitemap = abs_url(cfg, SITEMAP);
    let line = if sitemap.starts_with("http") {
        format!("Sitemap: {sitemap}\n")
    } else {
        format!(
            "# Sitemap: {}sitemap.xml （在 site.toml 中把 base_url 写成完整网址，如 https://www.example.gov.cn/ndbg/，这里就会给出完整地址）\n",
            cfg.base_url
        )
    };
    OutFile {
        path: ROBOTS.into(),
        bytes: format!("User-agent: *\nAllow: /\n{line}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            xml_escape("A&B <c> \"d\" 'e'"),
            "A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
        assert_eq!(xml_escape("x\u{1}y"), "xy");
    }
}
