//! Splitting text at an ASCII byte, faster than std's `char` patterns.
//!
//! [`split`]: a text's lines as `str::split('\n')` gives them, found with
//! the memchr crate's vector search. Reading a report splits its text into lines
//! twice (the body, each table block); std's `split` looks for `\n` with a
//! word-at-a-time search and a `memcmp` per match, which was 4-5% of
//! `check`'s time at 50,000 reports.

/// The lines of `text` between `\n`s: every line, the one after a final
/// `\n` too (empty), exactly as `text.split('\n')`.
pub fn split(text: &str) -> Split<'_> {
    Split {
        text,
        start: 0,
        newlines: memchr::memchr_iter(b'\n', text.as_bytes()),
        done: false,
    }
}

/// `text.split(sep)` for an ASCII `sep`, compared character by character.
/// std searches a `char` pattern with `memchr` and a `memcmp` per hit:
/// slower than this on a short row of figures split at its commas.
#[expect(
    clippy::manual_pattern_char_comparison,
    reason = "a predicate is the point: a `char` pattern is the slow search"
)]
pub fn split_ascii(text: &str, sep: u8) -> impl Iterator<Item = &str> {
    let sep = char::from(sep);
    text.split(move |c: char| c == sep)
}

pub struct Split<'a> {
    text: &'a str,
    start: usize,
    newlines: memchr::Memchr<'a>,
    done: bool,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        // A `\n` byte is always a character boundary in UTF-8.
        let line = match self.newlines.next() {
            Some(end) => {
                let line = self.text.get(self.start..end);
                self.start = end + 1;
                line
            }
            None => {
                self.done = true;
                self.text.get(self.start..)
            }
        };
        Some(line.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn the_same_lines_as_std_split() {
        let long = "规章: [0, 0, 0]\n".repeat(40);
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "一\n二\n\n三\n",
            "  trailing  \r\n  crlf\r\n",
            long.as_str(),
            "[0, 0,, 3]",
            ",",
        ] {
            let ours: Vec<&str> = split(text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            assert_eq!(ours, std, "{text:?}");
            let ours: Vec<&str> = super::split_ascii(text, b',').collect();
            assert_eq!(ours, text.split(',').collect::<Vec<_>>(), "{text:?}");
        }
    }
}
