//! Matching what authors type against the official labels.
//!
//! Authors copy labels from Word files, portal pages and last year's report,
//! so the same row arrives as `（三）不予公开`, `(三) 不予公开` or `不予公开`, and
//! `危及“三安全一稳定”` with any kind of quote. Matching folds those differences;
//! rendering always prints the official label.

/// Fold full-width forms to half-width, drop spaces and quote marks, lowercase ASCII.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter_map(fold));
    out
}

/// The loose form of a section heading: no numbering, no 的, folded width
/// and spaces (gov-2021.md §2: `二、主动公开政府信息的情况` is section 二).
pub fn heading_key(heading: &str) -> String {
    strip_numbering(&normalize(heading)).replace('的', "")
}

/// [`normalize`], borrowing `s` when it is normalized already (most row
/// keys and every plain figure): no allocation per cell read.
pub fn normalized(s: &str) -> std::borrow::Cow<'_, str> {
    // A figure (ASCII digits) first: a million cells at 5,000 reports.
    if s.bytes().all(|b| b.is_ascii_digit()) || s.chars().all(|c| fold(c) == Some(c)) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(normalize(s))
    }
}

/// What [`normalize`] makes of one character (`None`: dropped).
fn fold(c: char) -> Option<char> {
    // Row labels are mostly CJK ideographs, which nothing below changes:
    // answered before the whitespace table is looked up.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return Some(c);
    }
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '【' | '〔' => '[',
        '】' | '〕' => ']',
        '。' => '.',
        '、' => ',',
        _ => c,
    };
    if c.is_whitespace() || is_quote(c) {
        return None;
    }
    Some(c.to_ascii_lowercase())
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '`' | '«' | '»'
    )
}

/// Strip a leading official numbering (`一、`, `（三）`, `5.`, `5、`) from a normalized key.
pub fn strip_numbering(normalized: &str) -> &str {
    let s = normalized;
    // `(三)` / `(3)`
    if let Some(rest) = s.strip_prefix('(')
        && let Some(end) = rest.find(')')
    {
        let inner = &rest[..end];
        if !inner.is_empty() && inner.chars().all(is_numeral) {
            return &rest[end + 1..];
        }
    }
    // `一,` (from `一、`) / `5.` / `5,`
    let numeral_len: usize = s
        .chars()
        .take_while(|c| is_numeral(*c))
        .map(char::len_utf8)
        .sum();
    if numeral_len > 0 {
        let rest = &s[numeral_len..];
        if let Some(r) = rest.strip_prefix(',').or_else(|| rest.strip_prefix('.')) {
            return r;
        }
    }
    s
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
        )
}

/// Levenshtein distance over characters, for "did you mean".
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `key`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let k = strip_numbering(&normalize(key)).to_string();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let c = normalize(cand);
        let c = strip_numbering(&c);
        let d = if c.contains(&k) || k.contains(c) {
            1
        } else {
            distance(&k, c)
        };
        let longer = k.chars().count().max(c.chars().count());
        if d * 2 <= longer.max(2) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideographs_are_kept_as_they_are() {
        // What fold's shortcut for U+4E00–U+9FFF skips: no ideograph is
        // folded to another character, dropped, or lowercased.
        let folded = ['\u{3000}', '【', '〔', '】', '〕', '。', '、'];
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert!(!folded.contains(&c) && !('\u{FF01}'..='\u{FF5E}').contains(&c));
            assert!(!c.is_whitespace() && !is_quote(c) && c.to_ascii_lowercase() == c);
        }
        assert!("一二三四五六七八九十".chars().all(is_numeral));
        assert!(!is_numeral('零') && !is_numeral('百'));
    }

    #[test]
    fn width_spaces_and_quotes_fold() {
        assert_eq!(normalize("（三） 不予公开"), normalize("(三)不予公开"));
        assert_eq!(
            normalize("危及“三安全一稳定”"),
            normalize("危及\"三安全一稳定\"")
        );
        assert_eq!(
            normalize("危及「三安全一稳定」"),
            normalize("危及三安全一稳定")
        );
        assert_eq!(normalize("ＡＢＣ　１"), "abc1");
        for s in [
            "不予公开",
            "（三） 不予公开",
            "危及“三安全一稳定”",
            "ＡＢＣ　１",
            "Ab",
            "12",
            "a b",
        ] {
            assert_eq!(normalized(s), normalize(s), "{s}");
            let borrowed = matches!(normalized(s), std::borrow::Cow::Borrowed(_));
            assert_eq!(borrowed, normalize(s) == s, "{s}");
        }
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(
            strip_numbering(&normalize("一、本年新收政府信息公开申请数量")),
            "本年新收政府信息公开申请数量"
        );
        assert_eq!(strip_numbering(&normalize("（三）不予公开")), "不予公开");
        assert_eq!(
            strip_numbering(&normalize("5.属于三类内部事务信息")),
            "属于三类内部事务信息"
        );
        assert_eq!(
            strip_numbering(&normalize("5、属于三类内部事务信息")),
            "属于三类内部事务信息"
        );
        assert_eq!(strip_numbering(&normalize("三安全")), "三安全");
        assert_eq!(strip_numbering("2021"), "2021");
    }

    #[test]
    fn nearest_finds_a_typo() {
        let labels = [
            "本年新收政府信息公开申请数量",
            "上年结转政府信息公开申请数量",
            "予以公开",
        ];
        assert_eq!(
            nearest("本年新收政府信息公开申请数", labels),
            Some("本年新收政府信息公开申请数量")
        );
        assert_eq!(nearest("予以公布", labels), Some("予以公开"));
        assert_eq!(nearest("完全无关的东西写在这里", labels), None);
    }
}
