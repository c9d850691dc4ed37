//! Integer fields that refuse out-of-range integer literals.
//!
//! arrow-json parses an integer that does not fit the field's type again as a
//! float and casts that, so `-9223372036854775809` (one below int64's range)
//! rounds to -2^63 and is taken, silently changed. This decoder refuses such a
//! literal, as `json.loads` and a conversion to the schema do, and leaves every
//! other value to arrow-json's own decoder.

use arrow_array::ArrayRef;
use arrow_json::reader::{ArrayDecoder, Tape, TapeElement};
use arrow_schema::{ArrowError, DataType};

/// The values an integer type holds.
pub(crate) fn range(kind: &DataType) -> Option<(i128, i128)> {
    Some(match kind {
        DataType::Int8 => (i8::MIN.into(), i8::MAX.into()),
        DataType::Int16 => (i16::MIN.into(), i16::MAX.into()),
        DataType::Int32 => (i32::MIN.into(), i32::MAX.into()),
        DataType::Int64 => (i64::MIN.into(), i64::MAX.into()),
        DataType::UInt8 => (0, u8::MAX.into()),
        DataType::UInt16 => (0, u16::MAX.into()),
        DataType::UInt32 => (0, u32::MAX.into()),
        DataType::UInt64 => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// An integer field's decoder (see the module's docs).
pub(crate) struct StrictIntegers {
    inner: Box<dyn ArrayDecoder>,
    range: (i128, i128),
    kind: DataType,
}

impl StrictIntegers {
    /// The decoder of `kind` around arrow-json's (`inner`), if it is an
    /// integer type.
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
            let integer = !text.contains(['.', 'e', 'E']);
            // An integer literal too long for i128 is out of every range.
            let fits = text
                .parse::<i128>()
                .is_ok_and(|n| self.range.0 <= n && n <= self.range.1);
            if integer && !fits {
                return Err(ArrowError::JsonError(format!(
                    "{text} is out of the range of {}",
                    self.kind
                )));
            }
        }
        self.inner.decode(tape, pos)
    }
}
