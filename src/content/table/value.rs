//! Figures as written in a cell: decimals kept as written, counts checked
//! for sign, fraction and size, and the messages for what cannot be read.

use std::fmt;

use crate::diag::Msg;
use crate::format::{ValueKind, labels};

/// A decimal kept as written (`12.50` stays `12.50`), with its value in
/// units of 10^-scale so sums need no floating point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    pub text: String,
    pub units: u128,
    pub scale: u32,
}

impl Decimal {
    pub fn zero() -> Decimal {
        Decimal {
            text: "0".into(),
            units: 0,
            scale: 0,
        }
    }
    fn parse(s: &str) -> Option<Decimal> {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (s.contains('.') && frac.is_empty())
        {
            return None;
        }
        if int.len() + frac.len() > 30 {
            return None;
        }
        let units: u128 = format!("{int}{frac}").parse().ok()?;
        Some(Decimal {
            text: s.to_string(),
            units,
            scale: frac.len() as u32,
        })
    }
    pub fn as_f64(&self) -> f64 {
        self.units as f64 / 10f64.powi(self.scale as i32)
    }
}

/// A figure. Counts are whole numbers; only the fee is a decimal. The rare
/// decimals are boxed so a cell stays small: a 5,000-report site holds a
/// million of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Count(u64),
    Signed(i64),
    Amount(Box<Decimal>),
    /// An amount and the unit printed with it (gov-2019 采购总金额: `251000元`).
    AmountWithUnit(Box<(Decimal, String)>),
}

impl Value {
    pub fn zero(kind: ValueKind) -> Value {
        match kind {
            ValueKind::Count => Value::Count(0),
            ValueKind::Signed => Value::Signed(0),
            ValueKind::Amount => Value::Amount(Box::new(Decimal::zero())),
            ValueKind::AmountWithUnit => {
                Value::AmountWithUnit(Box::new((Decimal::zero(), String::new())))
            }
        }
    }
    /// The figure as an integer, for identities (amounts are not summed).
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Count(n) => Some(*n as i128),
            Value::Signed(n) => Some(*n as i128),
            _ => None,
        }
    }
    pub fn is_zero(&self) -> bool {
        match self {
            Value::Count(n) => *n == 0,
            Value::Signed(n) => *n == 0,
            Value::Amount(d) => d.units == 0,
            Value::AmountWithUnit(du) => du.0.units == 0,
        }
    }
}

impl Value {
    /// Append the figure as written (what `Display` prints) to `out`: a
    /// build prints every figure three times (page, CSV, JSON), and a
    /// `String` and a trip through `fmt` each time were 5% of it.
    pub fn push_to(&self, out: &mut String) {
        // Writing to a `String` cannot fail.
        let _ = self.write_to(out);
    }

    fn write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Value::Count(n) => out.write_str(itoa::Buffer::new().format(*n)),
            Value::Signed(n) => out.write_str(itoa::Buffer::new().format(*n)),
            Value::Amount(d) => out.write_str(&d.text),
            Value::AmountWithUnit(du) => {
                out.write_str(&du.0.text)?;
                out.write_str(&du.1)
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}
/// Why a cell's text is not a figure of its kind.
pub(super) enum Problem {
    Text(String),
    Negative(String),
    Fraction(String),
    TooLarge(String),
}

impl Problem {
    pub(super) fn message(&self, kind: ValueKind) -> (&'static str, Msg) {
        let what = match kind {
            ValueKind::Count => ("一个不小于 0 的整数", "a whole number ≥ 0"),
            ValueKind::Signed => (
                "一个整数（减少写负数）",
                "a whole number (negative for a decrease)",
            ),
            ValueKind::Amount => (
                "一个不小于 0 的金额（万元，可带小数）",
                "an amount ≥ 0 (in 万元, decimals allowed)",
            ),
            ValueKind::AmountWithUnit => (
                "一个金额，可带单位（元、万元）",
                "an amount, with its unit (元, 万元) if printed",
            ),
        };
        let code = if kind == ValueKind::Amount {
            "D2"
        } else {
            "D1"
        };
        match self {
            Problem::Text(t) => (
                code,
                Msg::new(
                    format!("这里应填{}，写的是“{t}”", what.0),
                    format!("expected {}, found “{t}”", what.1),
                ),
            ),
            Problem::Negative(t) => (
                code,
                Msg::new(
                    format!("数量不能为负数（写的是 {t}）"),
                    format!("a count cannot be negative (found {t})"),
                ),
            ),
            Problem::Fraction(t) => (
                code,
                Msg::new(
                    format!("件数、个数应为整数（写的是 {t}）"),
                    format!("a count is a whole number (found {t})"),
                ),
            ),
            Problem::TooLarge(t) => (
                code,
                Msg::new(
                    format!("数字 {t} 太大，不可能是实际的件数"),
                    format!("{t} is too large to be a real count"),
                ),
            ),
        }
    }
}

fn is_minus(c: char) -> bool {
    matches!(c, '-' | '−' | '－')
}

pub(super) fn parse_value(text: &str, kind: ValueKind) -> Result<Value, Problem> {
    let folded = labels::normalized(text);
    let s = &*folded;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Largest count we accept: far above any real report, far below overflow in sums.
    const MAX: u64 = 1_000_000_000_000;
    match kind {
        ValueKind::Count => {
            if digits(s) {
                return match s.parse::<u64>() {
                    Ok(n) if n <= MAX => Ok(Value::Count(n)),
                    _ => Err(Problem::TooLarge(text.into())),
                };
            }
            if s.starts_with(is_minus) && digits(&s[s.chars().next().map_or(0, char::len_utf8)..]) {
                return Err(Problem::Negative(text.into()));
            }
            if Decimal::parse(s).is_some() {
                return Err(Problem::Fraction(text.into()));
            }
            Err(Problem::Text(text.into()))
        }
        ValueKind::Signed => {
            let (neg, rest) = match s.chars().next() {
                Some(c) if is_minus(c) => (true, &s[c.len_utf8()..]),
                Some('+') => (false, &s[1..]),
                _ => (false, s),
            };
            if !digits(rest) {
                return Err(if Decimal::parse(rest).is_some() {
                    Problem::Fraction(text.into())
                } else {
                    Problem::Text(text.into())
                });
            }
            match rest.parse::<u64>() {
                Ok(n) if n <= MAX => Ok(Value::Signed(if neg { -(n as i64) } else { n as i64 })),
                _ => Err(Problem::TooLarge(text.into())),
            }
        }
        ValueKind::Amount => {
            if s.starts_with(is_minus) {
                return Err(Problem::Negative(text.into()));
            }
            Decimal::parse(s)
                .map(|d| Value::Amount(Box::new(d)))
                .ok_or_else(|| {
                    if s.len() > 30 && digits(s) {
                        Problem::TooLarge(text.into())
                    } else {
                        Problem::Text(text.into())
                    }
                })
        }
        ValueKind::AmountWithUnit => {
            let unit_start = s
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(s.len());
            let (num, unit) = s.split_at(unit_start);
            // Keep the unit as the author wrote it (before folding).
            let unit = text.trim()[text.trim().len().saturating_sub(unit.len())..].to_string();
            match Decimal::parse(num) {
                Some(d) if matches!(unit.as_str(), "" | "元" | "万元" | "亿元") => {
                    Ok(Value::AmountWithUnit(Box::new((d, unit))))
                }
                _ => Err(Problem::Text(text.into())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(
            parse_value("3", ValueKind::Count).ok(),
            Some(Value::Count(3))
        );
        assert_eq!(
            parse_value("３", ValueKind::Count).ok(),
            Some(Value::Count(3))
        );
        assert!(matches!(
            parse_value("-1", ValueKind::Count),
            Err(Problem::Negative(_))
        ));
        assert!(matches!(
            parse_value("1.5", ValueKind::Count),
            Err(Problem::Fraction(_))
        ));
        assert!(matches!(
            parse_value("三", ValueKind::Count),
            Err(Problem::Text(_))
        ));
        assert!(matches!(
            parse_value("99999999999999999999999", ValueKind::Count),
            Err(Problem::TooLarge(_))
        ));
        assert!(matches!(
            parse_value("0x10", ValueKind::Count),
            Err(Problem::Text(_))
        ));
    }

    #[test]
    fn amounts_keep_their_text() {
        let Ok(Value::Amount(d)) = parse_value("12.50", ValueKind::Amount) else {
            panic!()
        };
        assert_eq!((d.text.as_str(), d.units, d.scale), ("12.50", 1250, 2));
        assert!(parse_value("-1", ValueKind::Amount).is_err());
        assert!(parse_value("1.", ValueKind::Amount).is_err());
        assert_eq!(
            parse_value("−8", ValueKind::Signed).ok(),
            Some(Value::Signed(-8))
        );
        assert_eq!(
            parse_value("251000元", ValueKind::AmountWithUnit)
                .ok()
                .map(|v| v.to_string()),
            Some("251000元".into())
        );
    }
}
