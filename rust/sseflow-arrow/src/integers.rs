//! Integer and temporal fields that refuse numbers out of their range.
//!
//! arrow-json parses an integer that does not fit the field's type again as a
//! float and casts that, so `-9223372036854775809` (one below int64's range)
//! rounds to -2^63 and is taken, silently changed. Its timestamp decoder casts
//! with `as`, which clamps any number (`1e30`, `2^64`) into int64. This decoder
//! refuses such a number, as `json.loads` and a conversion to the schema do,
//! and leaves every other value to arrow-json's own decoder.

use arrow_array::ArrayRef;
use arrow_json::reader::{ArrayDecoder, Tape, TapeElement};
use arrow_schema::{ArrowError, DataType};

/// The values an integer type holds, or a temporal type's integer count of
/// its unit.
pub(crate) fn range(kind: &DataType) -> Option<(i128, i128)> {
    Some(match kind {
        DataType::Int8 => (i8::MIN.into(), i8::MAX.into()),
        DataType::Int16 => (i16::MIN.into(), i16::MAX.into()),
        DataType::Int32 | DataType::Date32 | DataType::Time32(_) => {
            (i32::MIN.into(), i32::MAX.into())
        }
        DataType::Int64
        | DataType::Date64
        | DataType::Time64(_)
        | DataType::Duration(_)
        | DataType::Timestamp(..) => (i64::MIN.into(), i64::MAX.into()),
        DataType::UInt8 => (0, u8::MAX.into()),
        DataType::UInt16 => (0, u16::MAX.into()),
        DataType::UInt32 => (0, u32::MAX.into()),
        DataType::UInt64 => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// An integer or temporal field's decoder (see the module's docs).
pub(crate) struct StrictIntegers {
    inner: Box<dyn ArrayDecoder>,
    range: (i128, i128),
    kind: DataType,
}

impl StrictIntegers {
    /// The decoder of `kind` around arrow-json's (`inner`), if it is an
    /// integer or temporal type.
    pub(crate) fn of(
        kind: &DataType,
        inner: impl FnOnce() -> Result<Box<dyn ArrayDecoder>, ArrowError>,
    ) -> Result<Option<StrictIntegers>, ArrowError> {
        let Some(range) = range(kind) else {
            return Ok(None);
        };
        Ok(Some(StrictIntegers {
            inner: inner()?,
            range,
            kind: kind.clone(),
        }))
    }
}

impl ArrayDecoder for StrictIntegers {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        for &p in pos {
            let TapeElement::Number(idx) = tape.get(p) else {
                continue;
            };
            let text = tape.get_string(idx);
            let fits = if text.contains(['.', 'e', 'E']) {
                // As a float is cast: its whole part must fit (the bounds,
                // powers of two, are exact as floats).
                let (min, max) = (self.range.0 as f64, self.range.1 as f64 + 1.0);
                // Text that is no number is left to arrow-json's message.
                text.parse::<f64>()
                    .map_or(true, |x| x.trunc() >= min && x.trunc() < max)
            } else {
                // An integer literal too long for i128 is out of every range.
                text.parse::<i128>()
                    .is_ok_and(|n| self.range.0 <= n && n <= self.range.1)
            };
            if !fits {
                return Err(ArrowError::JsonError(format!(
                    "{text} is out of the range of {}",
                    self.kind
                )));
            }
        }
        self.inner.decode(tape, pos)
    }
}
