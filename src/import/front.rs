//! Guessing the front matter from the page: who reports, for which year.
//!
//! Portal pages print the title as 「大洼区平安镇 / 2021年度政府信息公开工作报告」,
//! sometimes with 索引号 and 发布日期 above it. Whatever is guessed rather than
//! read is said so, in the file and on the terminal.

use crate::content::meta::{Date, is_slug};

#[derive(Debug, Clone, Default)]
pub struct Front {
    pub organ: Option<String>,
    /// True when `organ` was completed by us (人民政府 / 办事处 added).
    pub organ_completed: bool,
    pub township: Option<String>,
    pub region: Option<String>,
    pub year: Option<u16>,
    pub published: Option<Date>,
    pub index_no: Option<String>,
}

const TITLE_TAIL: &str = "政府信息公开工作";

/// Read the title lines (before the first section heading) and, failing
/// that, the first lines of the page.
pub fn guess(title_lines: &[String], all_lines: &[String]) -> Front {
    let mut f = Front::default();
    for l in title_lines.iter().chain(all_lines.iter().take(40)) {
        let t = l.trim();
        if f.published.is_none()
            && let Some(rest) = after_any(t, &["发布日期", "发布时间", "成文日期"])
        {
            f.published = parse_date(rest);
        }
        if f.index_no.is_none()
            && let Some(rest) = after_any(t, &["索引号"])
        {
            let v: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            if !v.is_empty() {
                f.index_no = Some(v);
            }
        }
    }
    // The title: the line with 「…年度政府信息公开工作…报告」; when the place
    // is printed on the line above it (the seed), that line too.
    let title_src: Vec<&str> = title_lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| {
            !l.is_empty()
                && !l.contains("索引号")
                && !l.contains("发布日期")
                && !l.contains("发布时间")
        })
        .collect();
    let source = match title_src.iter().position(|l| l.contains(TITLE_TAIL)) {
        Some(k) => {
            let line = title_src[k];
            let head_empty = line.find(TITLE_TAIL).is_some_and(|p| {
                line[..p]
                    .trim_end_matches(['年', '度'])
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_whitespace())
            });
            match k.checked_sub(1).and_then(|p| title_src.get(p)) {
                Some(prev) if head_empty => format!("{prev}{line}"),
                _ => line.to_string(),
            }
        }
        None => all_lines
            .iter()
            .take(20)
            .find(|l| l.contains(TITLE_TAIL))
            .cloned()
            .unwrap_or_default(),
    };
    // Full-width digits (２０２１年度) read as ASCII; spaces inside the title dropped.
    let source: String = source
        .chars()
        .filter(|c| *c != ' ' && *c != '\u{3000}')
        .map(|c| {
            if ('０'..='９').contains(&c) {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect();
    if let Some(pos) = source.find(TITLE_TAIL) {
        let head = &source[..pos];
        // 「…2021年度」 or 「…2021年」 just before the tail.
        let head = head.trim_end_matches('度').trim_end_matches('年');
        let digits = super::trailing_digits(head);
        if digits.len() == 4 {
            f.year = digits.parse().ok();
            let organ = head[..head.len() - 4]
                .trim_end_matches(['（', '(', '《'])
                .trim();
            let organ = organ
                .rsplit(['》', '：', ':'])
                .next()
                .unwrap_or(organ)
                .trim();
            if !organ.is_empty() && organ.chars().count() <= 40 {
                set_organ(&mut f, organ);
            }
        }
    }
    if f.year.is_none() {
        f.year = all_lines.iter().take(60).find_map(|l| year_in(l));
    }
    f
}

fn after_any<'a>(line: &'a str, keys: &[&str]) -> Option<&'a str> {
    for k in keys {
        if let Some(p) = line.find(k) {
            let rest = line[p + k.len()..].trim_start_matches([':', '：', ' ', '\u{3000}']);
            return Some(rest);
        }
    }
    None
}

fn parse_date(s: &str) -> Option<Date> {
    let mut nums: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else {
            if !cur.is_empty() {
                nums.push(std::mem::take(&mut cur));
            }
            if nums.len() == 3 || !matches!(c, '-' | '/' | '.' | '年' | '月' | '日' | ' ') {
                break;
            }
        }
    }
    if !cur.is_empty() {
        nums.push(cur);
    }
    let [y, m, d] = nums.get(..3)? else {
        return None;
    };
    Date::parse(&format!("{y}-{m}-{d}"))
}

fn year_in(line: &str) -> Option<u16> {
    let chars: Vec<char> = line.chars().collect();
    for w in chars.windows(5) {
        if w[4] == '年' && w[..4].iter().all(char::is_ascii_digit) {
            let y: String = w[..4].iter().collect();
            if let Ok(y) = y.parse::<u16>()
                && (2008..=2100).contains(&y)
            {
                return Some(y);
            }
        }
    }
    None
}

/// Split 「盘锦市大洼区平安镇」 into region 大洼区 and township 平安镇, and
/// complete the organ's name where the title gives only the place.
fn set_organ(f: &mut Front, organ: &str) {
    let mut base = organ.to_string();
    let mut completed = false;
    for suffix in ["人民政府办公室", "人民政府", "办事处"] {
        if let Some(b) = base.strip_suffix(suffix) {
            base = b.to_string();
            completed = true; // the full name was printed
            break;
        }
    }
    let printed_full = completed;
    let mut segments: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = base.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        cur.push(chars[i]);
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        if two == "街道" {
            cur.push('道');
            i += 1;
            segments.push(std::mem::take(&mut cur));
        } else if "省市州盟区县旗镇乡".contains(chars[i]) && cur.chars().count() >= 2 {
            segments.push(std::mem::take(&mut cur));
        }
        i += 1;
    }
    let township = if !cur.is_empty() {
        cur.clone()
    } else {
        segments.pop().unwrap_or_default()
    };
    let region = segments.pop();
    f.township = (!township.is_empty()).then_some(township.clone());
    f.region = region;
    if printed_full {
        f.organ = Some(organ.to_string());
    } else if !cur.is_empty() {
        // A department or office: its name is the organ.
        f.organ = Some(organ.to_string());
    } else if township.ends_with("街道") {
        f.organ = Some(format!("{organ}办事处"));
        f.organ_completed = true;
    } else {
        f.organ = Some(format!("{organ}人民政府"));
        f.organ_completed = true;
    }
}

/// A URL name from a file name: lowercase ASCII letters, digits and `-`.
/// A name with Chinese in it keeps its ASCII part and gets a short hash of
/// the whole name, so that 「平安镇2021」 and 「新开镇2021」 do not both become `2021`.
pub fn slug_from(stem: &str) -> String {
    if is_slug(stem) {
        return stem.to_string();
    }
    let mut s: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let mut s = s.trim_matches('-').chars().take(48).collect::<String>();
    if !stem.is_ascii() || s.is_empty() {
        // FNV-1a: stable across runs and platforms.
        let hash = stem.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        s = format!(
            "{}{}{:04x}",
            if s.is_empty() { "report" } else { &s },
            "-",
            hash & 0xffff
        );
    }
    if is_slug(&s) { s } else { "report".to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_title() {
        let f = guess(
            &["大洼区平安镇".into(), "2021年度政府信息公开工作报告".into()],
            &[],
        );
        assert_eq!(f.year, Some(2021));
        assert_eq!(f.organ.as_deref(), Some("大洼区平安镇人民政府"));
        assert!(f.organ_completed);
        assert_eq!(f.township.as_deref(), Some("平安镇"));
        assert_eq!(f.region.as_deref(), Some("大洼区"));
    }

    #[test]
    fn full_width_year() {
        let f = guess(
            &["大洼区平安镇２０２１年度政府信息公开工作报告".into()],
            &[],
        );
        assert_eq!(f.year, Some(2021));
        assert_eq!(f.township.as_deref(), Some("平安镇"));
    }

    #[test]
    fn breadcrumbs_before_the_title() {
        let f = guess(
            &[
                "首页 > 政务公开 > 年度报告".into(),
                "字号：大 中 小".into(),
                "盘锦市大洼区平安镇2021年度政府信息公开工作报告".into(),
            ],
            &[],
        );
        assert_eq!(f.organ.as_deref(), Some("盘锦市大洼区平安镇人民政府"));
        assert_eq!(f.year, Some(2021));
    }

    #[test]
    fn full_names_dates_and_slugs() {
        let f = guess(
            &[
                "发布日期：2020-01-15".into(),
                "盘锦市大洼区新兴镇人民政府2019年政府信息公开工作年度报告".into(),
            ],
            &[],
        );
        assert_eq!(f.year, Some(2019));
        assert_eq!(f.organ.as_deref(), Some("盘锦市大洼区新兴镇人民政府"));
        assert!(!f.organ_completed);
        assert_eq!(f.township.as_deref(), Some("新兴镇"));
        assert_eq!(f.region.as_deref(), Some("大洼区"));
        assert_eq!(
            f.published.map(|d| d.to_string()).as_deref(),
            Some("2020-01-15")
        );
        assert_eq!(slug_from("000_bd5d810af7c26391"), "000-bd5d810af7c26391");
        assert!(slug_from("平安").starts_with("report-"));
        // Two Chinese names with the same digits stay apart.
        assert!(slug_from("平安镇2021").starts_with("2021-"));
        assert_ne!(slug_from("平安镇2021"), slug_from("新开镇2021"));
        assert_eq!(slug_from("平安镇2021"), slug_from("平安镇2021"));
    }
}
