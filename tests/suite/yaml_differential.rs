//! The fast YAML reader against serde-saphyr on generated input (issue 19;
//! `fuzz/fuzz_targets/yaml_fast.rs` does the same with libFuzzer): table
//! blocks and front matter as clerks write them, and as they mistype them.

use nianbao::yaml;

/// The corpus generator's SplitMix64 (the same inputs on every run), in
/// the shapes this test draws.
struct Rng(nianbao::corpus::Rng);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        let picked: &&str = self.0.pick(xs);
        picked
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const KEYS: &[&str] = &[
    "本年新收",
    "上年结转",
    "不予公开",
    "属于国家秘密",
    "行政许可",
    "organ",
    "year",
    "a",
    "危及“三安全一稳定”",
    "（三）不予公开",
    "5.属于三类内部事务信息",
    "x y",
    "键",
    "总计",
    "-",
    "?",
    "k#",
    "ａ",
];
/// What clerks write, and (below) what they mistype or YAML reads otherwise.
const VALUES: &[&str] = &[
    "0",
    "3",
    "12",
    "007",
    "12.50",
    "-2",
    "~",
    "null",
    "true",
    "False",
    "yes",
    "平安镇",
    "大洼区平安镇人民政府",
    "１２",
    "3件",
    "a:b",
    "1e3",
    "0x10",
];
const ODD: &[&str] = &[
    "", "\"q\"", "'q'", "a: b", "a #c", "#c", "[", "]", "{}", "&a", "*a", "|", ">", "%", "@", "`",
    "1,234", "-", "?", ":",
];

fn scalar(r: &mut Rng) -> String {
    if r.chance(12) {
        r.pick(ODD)
    } else {
        r.pick(VALUES)
    }
    .to_string()
}

fn value(r: &mut Rng) -> String {
    if r.chance(35) {
        let n = r.next() % 8;
        let mut items = Vec::new();
        for _ in 0..n {
            let pad = r.pick(&["", " ", "  "]);
            items.push(format!("{pad}{}{pad}", scalar(r)));
        }
        let sep = if r.chance(95) {
            r.pick(&[",", ", ", " ,"])
        } else {
            ",,"
        };
        let close = if r.chance(95) { "]" } else { "" };
        format!("[{}{close}", items.join(sep))
    } else {
        scalar(r)
    }
}

fn document(r: &mut Rng) -> String {
    let mut out = String::new();
    let lines = 1 + r.next() % 8;
    for _ in 0..lines {
        let indent = if r.chance(90) {
            ""
        } else {
            r.pick(&["  ", "    ", " ", "\t"])
        };
        match r.next() % 10 {
            0 => out.push_str(&format!("{indent}# {}\n", r.pick(KEYS))),
            1 => out.push('\n'),
            2 => out.push_str(&format!("{indent}{}:\n", r.pick(KEYS))),
            _ => {
                let gap = if r.chance(95) {
                    r.pick(&[" ", "  ", "        "])
                } else {
                    r.pick(&["", "\t"])
                };
                let comment = if r.chance(20) { "   # 注" } else { "" };
                out.push_str(&format!(
                    "{indent}{}:{gap}{}{comment}\n",
                    r.pick(KEYS),
                    value(r)
                ));
            }
        }
    }
    if r.chance(5) {
        out.push_str(r.pick(&["\r\n", "x", ": y\n", "- 1\n"]));
    }
    out
}

#[test]
fn the_fast_reader_agrees_with_serde_saphyr_on_generated_input() {
    let mut r = Rng(nianbao::corpus::Rng::new(19));
    let (mut taken, mut left) = (0, 0);
    for _ in 0..20_000 {
        let text = document(&mut r);
        match yaml::both(&text) {
            Some((fast, Ok(full))) => {
                assert_eq!(fast, full, "the readers differ on {text:?}");
                taken += 1;
            }
            Some((_, Err(e))) => {
                panic!("the fast reader accepted what serde-saphyr refuses ({e}): {text:?}")
            }
            None => left += 1,
        }
    }
    eprintln!("fast reader took {taken} of {} inputs", taken + left);
    // Both kinds of input were generated, not one.
    assert!(taken > 3_000 && left > 3_000, "taken {taken}, left {left}");
}
