//! Decoding a batch's JSON objects straight into the arrays of the `json`
//! column's struct type, or giving the batch up to arrow-json.
//!
//! # How it works
//!
//! Each field of the type has a builder (`builders.rs`), and each event's data
//! is read once, front to back (`input.rs`): a key picks the field's builder,
//! which reads the value into its buffers. A string's text goes from the data
//! straight into its column's values, in runs between escapes found by a
//! memchr for `"` and `\`; the data is already valid UTF-8 (`&str`), so
//! nothing is validated again. Unknown keys are skipped, their values'
//! syntax checked.
//!
//! # Traps
//!
//! * The arrays must be exactly those of arrow-json's decoder (with the
//!   corrections of `escapes.rs` and `integers.rs`), errors included. So the
//!   decoder reads only what it is sure of: on anything else (text that is
//!   not strict JSON, a value of another type, which arrow-json may coerce or
//!   refuse, a number it would read otherwise, a key given twice, an escaped
//!   key, a lone surrogate, a null in a non-nullable field) it gives up, and
//!   the whole batch goes to arrow-json unchanged, which then makes every
//!   error as it always has.
//! * A batch over 2 GiB of data is given up: arrow-json's tape has `u32`
//!   offsets.

mod builders;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod compare;
pub(crate) mod input;
#[cfg(test)]
mod tests;

use arrow_array::ArrayRef;
use arrow_schema::{DataType, Field};
use builders::{Builder, Column, Struct};
use input::Input;

/// The direct decoder of one struct type.
pub(crate) struct Direct {
    kind: DataType,
    /// The bytes of each string column of the last batch decoded, depth
    /// first, and that batch's data bytes: the next one's capacities.
    sizes: Vec<usize>,
    data: usize,
}

impl Direct {
    /// The decoder of `kind`, if it reads every field's type.
    pub(crate) fn new(kind: &DataType) -> Option<Direct> {
        Column::new(&Field::new("json", kind.clone(), true), 0, &mut || 0)?;
        Some(Direct {
            kind: kind.clone(),
            sizes: Vec::new(),
            data: 0,
        })
    }

    /// The struct array of `rows`, each the data of an event that starts
    /// with `{` after whitespace; `None` if the batch is given up.
    pub(crate) fn decode<'a>(
        &mut self,
        rows: impl ExactSizeIterator<Item = &'a str> + Clone,
    ) -> Option<ArrayRef> {
        let DataType::Struct(fields) = &self.kind else {
            return None;
        };
        let total: usize = rows.clone().map(str::len).sum();
        if total > i32::MAX as usize {
            return None;
        }
        let (last, data) = (&self.sizes, self.data);
        let mut hints = last.iter();
        // The first batch shares its data bytes out among the string columns,
        // so that none grows (copying itself) a few times over, nor takes
        // more than the batch's data in all.
        let first = total / strings(&self.kind).max(1);
        let mut sizes = || match data {
            0 => first,
            _ => hints.next().map_or(0, |&bytes| scale(bytes, total, data)),
        };
        let mut root = Struct::new(fields, rows.len(), &mut sizes)?;
        let mut input = Input::new("");
        for text in rows {
            input.reset(text);
            input.skip_whitespace();
            input.expect(b'{').ok()?;
            root.object(&mut input).ok()?;
            input.skip_whitespace();
            if !input.at_end() {
                return None;
            }
        }
        let mut used = Vec::with_capacity(self.sizes.len());
        let array = root.finish(&mut used).ok()?;
        self.sizes = used;
        self.data = total;
        Some(array)
    }
}

/// The string columns of `kind`, at any depth.
fn strings(kind: &DataType) -> usize {
    match kind {
        DataType::Utf8 | DataType::LargeUtf8 => 1,
        DataType::Struct(fields) => fields.iter().map(|f| strings(f.data_type())).sum(),
        DataType::List(item) | DataType::LargeList(item) => strings(item.data_type()),
        _ => 0,
    }
}

/// A string column's expected bytes in a batch of `total` data bytes, after
/// it took `bytes` of a batch of `data` bytes: in proportion, and a little
/// more, but never past the batch's data (escapes only shorten text).
fn scale(bytes: usize, total: usize, data: usize) -> usize {
    if data == 0 {
        return 0;
    }
    let expected = (bytes as u128 * total as u128 / data as u128) as usize;
    (expected + expected / 16).min(total)
}
