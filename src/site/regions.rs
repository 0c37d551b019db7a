//! Region slugs: the URL name of each region (`/regions/<slug>/`).
//!
//! A region's slug comes from `site.toml` `[regions]`, else from a report's
//! front-matter `region_slug`, else a stable ASCII fallback derived from the
//! name (with a warning saying how to choose a real one). A region is never
//! dropped for lack of a slug; two regions sharing a slug are an error, since
//! one page would overwrite the other.

use std::collections::BTreeMap;

use crate::content::Named;
use crate::content::meta::is_slug;
use crate::diag::{Diagnostic, Msg};

use super::SiteConfig;

/// Region name → slug, for every region named by a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionSlugs {
    map: BTreeMap<String, String>,
}

impl RegionSlugs {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A stable ASCII slug for a name that has none: `region-` and the FNV-1a
/// hash of its UTF-8 bytes, so the URL does not change between builds.
pub fn fallback_slug(name: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("region-{h:08x}")
}

/// `大洼县` and `大洼区`: the same name of at least two characters before a
/// different administrative suffix, the typo a clerk makes (丙区 and 甲区
/// are simply two regions).
fn same_stem(a: &str, b: &str) -> bool {
    let stem = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        c.pop();
        c
    };
    let (x, y) = (stem(a), stem(b));
    a != b && x.len() >= 2 && x == y
}

/// Resolve every region's slug. `reports` in file order (the first report
/// that names a `region_slug` decides when `site.toml` does not).
pub fn resolve<R: Named>(config: &SiteConfig, reports: &[R]) -> (RegionSlugs, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (mut map, first) = from_front_matter(config, reports, &mut diags);
    from_site_toml(config, &first, &mut map, &mut diags);
    fallbacks(&first, &mut map, &mut diags);
    shared_slugs(&map, &first, &mut diags);
    (RegionSlugs { map }, diags)
}

/// The slugs written in front matter (`region_slug`), where `site.toml` has
/// none; and each region's first report, where messages about it point.
fn from_front_matter<'a, R: Named>(
    config: &SiteConfig,
    reports: &'a [R],
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, String>, BTreeMap<&'a str, &'a R>) {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut first: BTreeMap<&str, &R> = BTreeMap::new();
    // Reports come township by township, so a region's reports come in
    // runs: its first report is looked up once per run, not once per
    // report (the watcher resolves regions on every save).
    let mut previous: Option<&str> = None;
    for r in reports {
        let Some(name) = r.meta().region.as_deref() else {
            continue;
        };
        if previous != Some(name) {
            first.entry(name).or_insert(r);
            previous = Some(name);
        }
        // Most reports write no URL name: nothing to compare, and no
        // lookup in site.toml's table for each of them.
        let Some(w) = r.meta().region_slug.as_deref() else {
            continue;
        };
        let configured = config.regions.get(name).filter(|s| is_slug(s));
        match configured {
            Some(c) if c != w => diags.push(
                Diagnostic::warning(
                    "S022",
                    Msg::new(
                        format!("地区「{name}」的网址名在 site.toml 中是 {c}，这里写的是 {w}；以 site.toml 为准"),
                        format!("region “{name}” has the slug {c} in site.toml but {w} here; site.toml wins"),
                    ),
                )
                .at(r.file(), r.meta().loc("region_slug")),
            ),
            None => match map.get(name) {
                Some(prev) if prev != w => diags.push(
                    Diagnostic::warning(
                        "S022",
                        Msg::new(
                            format!("地区「{name}」的网址名前面的报告写的是 {prev}，这里写的是 {w}；以 {prev} 为准"),
                            format!("region “{name}” was given the slug {prev} by an earlier report, {w} here; {prev} is used"),
                        ),
                    )
                    .at(r.file(), r.meta().loc("region_slug"))
                    .hint(Msg::new(format!("在 site.toml 的 [regions] 中写 \"{name}\" = \"{prev}\" 可统一"), format!("write \"{name}\" = \"{prev}\" under [regions] in site.toml"))),
                ),
                Some(_) => {}
                None => {
                    map.insert(name.to_string(), w.to_string());
                }
            },
            _ => {}
        }
    }
    (map, first)
}

/// The slugs of `site.toml` `[regions]`, for the regions the reports name.
fn from_site_toml<R: Named>(
    config: &SiteConfig,
    first: &BTreeMap<&str, &R>,
    map: &mut BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) {
    for (name, slug) in &config.regions {
        if !is_slug(slug) {
            diags.push(Diagnostic::error(
                "S023",
                Msg::new(
                    format!("site.toml 中地区「{name}」的网址名 “{slug}” 只能由小写英文字母、数字和 - 组成"),
                    format!("the slug “{slug}” of region “{name}” in site.toml may only use a-z, 0-9 and -"),
                ),
            ));
        } else if first.contains_key(name.as_str()) {
            map.insert(name.clone(), slug.clone());
        }
    }
}

/// A fallback slug for each region still without one, with a warning: a
/// typo of a known region (S024), or a region to give a slug (S020).
fn fallbacks<R: Named>(
    first: &BTreeMap<&str, &R>,
    map: &mut BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) {
    // Regions with a URL name: a name without one that is a character away
    // from one of them is most likely a typo of it (大洼县 for 大洼区).
    let known: Vec<String> = map.keys().cloned().collect();
    for (name, r) in first {
        if !map.contains_key(*name) {
            let slug = fallback_slug(name);
            let typo = known
                .iter()
                .map(String::as_str)
                .find(|k| same_stem(k, name));
            if let Some(k) = typo {
                diags.push(
                    Diagnostic::warning(
                        "S024",
                        Msg::new(
                            format!("地区「{name}」不在已知地区中，是否想写「{k}」？"),
                            format!("region “{name}” is not a known region; did you mean “{k}”?"),
                        ),
                    )
                    .at(r.file(), r.meta().loc("region"))
                    .hint(Msg::new(
                        format!("改为 region: {k}；若「{name}」确是另一个地区，在 site.toml 的 [regions] 中给它网址名"),
                        format!("write region: {k}; if “{name}” is another region, give it a slug under [regions] in site.toml"),
                    )),
                );
                map.insert(name.to_string(), slug);
                continue;
            }
            diags.push(
                Diagnostic::warning(
                    "S020",
                    Msg::new(
                        format!("地区「{name}」没有网址名，暂用 {slug}"),
                        format!("region “{name}” has no slug; using {slug} for now"),
                    ),
                )
                .at(r.file(), r.meta().loc("region"))
                .hint(Msg::new(
                    format!("在 site.toml 的 [regions] 中写 \"{name}\" = \"拼音网址名\"，或在 front matter 中写 region_slug"),
                    format!("write \"{name}\" = \"pinyin-slug\" under [regions] in site.toml, or region_slug in the front matter"),
                )),
            );
            map.insert(name.to_string(), slug);
        }
    }
}

/// Two regions on one slug: one page would overwrite the other (S021).
fn shared_slugs<R: Named>(
    map: &BTreeMap<String, String>,
    first: &BTreeMap<&str, &R>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut by_slug: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, slug) in map {
        if let Some(other) = by_slug.insert(slug, name) {
            let mut d = Diagnostic::error(
                "S021",
                Msg::new(
                    format!(
                        "地区「{other}」和「{name}」的网址名都是 {slug}；请在 site.toml 的 [regions] 中给它们不同的网址名"
                    ),
                    format!(
                        "regions “{other}” and “{name}” share the slug {slug}; give them different slugs under [regions] in site.toml"
                    ),
                ),
            );
            if let Some(r) = first.get(name.as_str()) {
                d = d.at(r.file(), r.meta().loc("region"));
            }
            diags.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Report;

    fn report(slug: &str, region: &str, region_slug: Option<&str>) -> Report {
        let reg = crate::format::Registry::builtin();
        let extra = region_slug
            .map(|s| format!("region_slug: {s}\n"))
            .unwrap_or_default();
        let text = format!(
            "---\norgan: {slug}镇人民政府\ntownship: {slug}镇\nslug: {slug}\nregion: {region}\n{extra}year: 2021\n---\n"
        );
        let path = std::path::PathBuf::from(format!("content/{slug}.md"));
        crate::content::parse(&format!("content/{slug}.md"), &path, text.as_bytes(), &reg)
            .0
            .unwrap()
    }

    fn config(regions: &[(&str, &str)]) -> SiteConfig {
        let mut t = String::from("title = \"t\"\n[regions]\n");
        for (n, s) in regions {
            t.push_str(&format!("\"{n}\" = \"{s}\"\n"));
        }
        toml::from_str(&t).unwrap()
    }

    #[test]
    fn site_toml_then_front_matter_then_fallback() {
        let reports = [
            report("a", "甲区", Some("jia-fm")),
            report("b", "乙区", Some("yi")),
            report("c", "丙区", None),
            report("d", "甲区", None),
        ];
        let (slugs, diags) = resolve(&config(&[("甲区", "jia")]), &reports);
        assert_eq!(slugs.get("甲区"), Some("jia"));
        assert_eq!(slugs.get("乙区"), Some("yi"));
        assert_eq!(slugs.get("丙区"), Some(fallback_slug("丙区").as_str()));
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec!["S022", "S020"],
            "site.toml overrides the front matter (warned); 丙区 falls back (warned)"
        );
    }

    #[test]
    fn two_regions_on_one_slug_is_an_error() {
        let reports = [
            report("a", "甲区", Some("same")),
            report("b", "乙区", Some("same")),
        ];
        let (_, diags) = resolve(&config(&[]), &reports);
        assert!(diags.iter().any(|d| d.code == "S021"
            && d.is_error()
            && d.message.zh.contains("甲区")
            && d.message.zh.contains("乙区")));
        let (_, diags) = resolve(&config(&[("甲区", "Bad Slug")]), &reports[..1]);
        assert!(diags.iter().any(|d| d.code == "S023" && d.is_error()));
    }

    #[test]
    fn fallback_is_stable_ascii() {
        let a = fallback_slug("盘山县");
        assert_eq!(a, fallback_slug("盘山县"));
        assert_ne!(a, fallback_slug("海城市"));
        assert!(is_slug(&a), "{a}");
    }
}
