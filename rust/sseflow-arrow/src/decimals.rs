//! Decimal fields that refuse a number they would round.
//!
//! arrow-json rounds a number to the field's scale (`1.235` into
//! `decimal128(10, 2)` is `1.24`, `1` into `decimal128(5, -2)` is `0`) with
//! no error. pyarrow refuses such a value ("would cause data loss"), and so
//! does this decoder, naming it. A value the field holds exactly is left to
//! arrow-json's decoder, as is text that is no number (for its message).

use arrow_array::ArrayRef;
use arrow_json::reader::{ArrayDecoder, Tape, TapeElement};
use arrow_schema::{ArrowError, DataType};

/// A number's value as `significant` digits (no leading or trailing zero;
/// 0 for zero) times `10^exponent`.
#[derive(Debug, PartialEq, Eq)]
struct Exact {
    significant: usize,
    exponent: i64,
}

/// The exact value of a number's text (`-12.50e3`), or `None` for other text.
fn exact(text: &str) -> Option<Exact> {
    let text = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let (mantissa, exponent) = match text.iter().position(|b| matches!(b, b'e' | b'E')) {
        Some(at) => (&text[..at], exponent(&text[at + 1..])?),
        None => (text, 0),
    };
    let (whole, fraction) = match mantissa.iter().position(|&b| b == b'.') {
        Some(at) if at + 1 < mantissa.len() => (&mantissa[..at], &mantissa[at + 1..]),
        Some(_) => return None,
        None => (mantissa, &[][..]),
    };
    if whole.is_empty() || !whole.iter().chain(fraction).all(u8::is_ascii_digit) {
        return None;
    }
    let len = whole.len() + fraction.len();
    let digit = |i: usize| match i < whole.len() {
        true => whole[i],
        false => fraction[i - whole.len()],
    };
    let Some(first) = (0..len).find(|&i| digit(i) != b'0') else {
        return Some(Exact {
            significant: 0,
            exponent: 0,
        });
    };
    let last = (first..len).rev().find(|&i| digit(i) != b'0')?;
    Some(Exact {
        significant: last + 1 - first,
        exponent: exponent - fraction.len() as i64 + (len - 1 - last) as i64,
    })
}

/// An exponent's text (`5`, `+5`, `-3`), its size bounded far past any
/// decimal's scale and precision.
fn exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits
        .iter()
        .fold(0_i64, |n, &d| (n * 10 + i64::from(d - b'0')).min(1 << 40));
    Some(if negative { -value } else { value })
}

/// Why a decimal of `precision` and `scale` does not hold `value` exactly.
fn misfit(value: &Exact, precision: u8, scale: i8) -> Option<&'static str> {
    if value.significant == 0 {
        return None;
    }
    let scale = i64::from(scale);
    if value.exponent < -scale {
        return Some("it would be rounded to the scale");
    }
    // The digits of the stored integer, `value × 10^scale`.
    if value.significant as i64 + value.exponent + scale > i64::from(precision) {
        return Some("it has more digits than the precision");
    }
    None
}

/// A decimal field's decoder (see the module's docs).
pub(crate) struct ExactDecimals {
    inner: Box<dyn ArrayDecoder>,
    precision: u8,
    scale: i8,
    kind: DataType,
}

impl ExactDecimals {
    /// The decoder of `kind` around arrow-json's (`inner`), if it is a
    /// decimal type.
    pub(crate) fn of(
        kind: &DataType,
        inner: impl FnOnce() -> Result<Box<dyn ArrayDecoder>, ArrowError>,
    ) -> Result<Option<ExactDecimals>, ArrowError> {
        let (DataType::Decimal32(precision, scale)
        | DataType::Decimal64(precision, scale)
        | DataType::Decimal128(precision, scale)
        | DataType::Decimal256(precision, scale)) = *kind
        else {
            return Ok(None);
        };
        Ok(Some(ExactDecimals {
            inner: inner()?,
            precision,
            scale,
            kind: kind.clone(),
        }))
    }
}

impl ArrayDecoder for ExactDecimals {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        for &p in pos {
            // arrow-json reads a string's text as a number too.
            let (TapeElement::Number(idx) | TapeElement::String(idx)) = tape.get(p) else {
                continue;
            };
            let text = tape.get_string(idx);
            let Some(why) = exact(text).and_then(|v| misfit(&v, self.precision, self.scale)) else {
                continue;
            };
            return Err(ArrowError::JsonError(format!(
                "{text} does not fit {}: {why}",
                self.kind
            )));
        }
        self.inner.decode(tape, pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits(text: &str, precision: u8, scale: i8) -> bool {
        misfit(&exact(text).expect("a number"), precision, scale).is_none()
    }

    #[test]
    fn exact_values() {
        let e = |significant, exponent| {
            Some(Exact {
                significant,
                exponent,
            })
        };
        assert_eq!(exact("0"), e(0, 0));
        assert_eq!(exact("-0.000e5"), e(0, 0));
        assert_eq!(exact("12.50"), e(3, -1));
        assert_eq!(exact("1200"), e(2, 2));
        assert_eq!(exact("0.0012e+3"), e(2, -1));
        assert_eq!(exact("1E-10"), e(1, -10));
        assert_eq!(exact("1e99999999999999999999"), e(1, 1 << 40));
        assert_eq!(exact("1."), None);
        assert_eq!(exact(".5"), None);
        assert_eq!(exact("1e"), None);
        assert_eq!(exact("abc"), None);
    }

    #[test]
    fn rounding_and_overflow_are_refused() {
        assert!(fits("1.23", 10, 2));
        assert!(fits("1.230000", 10, 2));
        assert!(!fits("1.235", 10, 2));
        assert!(!fits("2.25", 10, 1));
        assert!(!fits("1", 5, -2));
        assert!(fits("1200", 5, -2));
        assert!(!fits("1e-10", 40, 5));
        assert!(fits("99999.99", 7, 2));
        assert!(!fits("100000", 7, 2));
        assert!(!fits("1e400", 38, 0));
        assert!(fits("0e400", 5, 2));
    }
}
