//! arrow-json's decoders, with the corrections the stream's data needs, made
//! by one [`DecoderFactory`] for every field of the `json` type.
//!
//! Each brings a field's value to what `json.loads` gives, converted to the
//! field's type by pyarrow: arrow-json 60 reads it otherwise.

use crate::integers::StrictIntegers;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, BinaryArray, BinaryViewArray, FixedSizeBinaryArray,
    LargeBinaryArray, MapArray, PrimitiveArray, UInt32Array,
};
use arrow_buffer::OffsetBuffer;
use arrow_json::reader::{ArrayDecoder, DecoderContext, DecoderFactory, Tape, TapeElement};
use arrow_schema::{ArrowError, DataType, FieldRef};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

/// Makes [`StrictIntegers`] for integer and temporal fields, [`Floats`],
/// [`Utf8Bytes`] for binary fields and [`LastKeyWins`] for maps; arrow-json's
/// own decoders for the rest.
#[derive(Debug)]
pub(crate) struct Corrections;

impl DecoderFactory for Corrections {
    fn make_default_decoder(
        &self,
        ctx: &DecoderContext,
        field: &FieldRef,
        is_nullable: bool,
    ) -> Result<Option<Box<dyn ArrayDecoder>>, ArrowError> {
        let inner = || ctx.make_builtin_decoder(field, is_nullable);
        let kind = field.data_type();
        if let Some(integers) = StrictIntegers::of(kind, inner)? {
            return Ok(Some(Box::new(integers)));
        }
        Ok(Some(match kind {
            DataType::Float32 => Box::new(Floats::<Float32Type>::new(inner()?)),
            DataType::Float64 => Box::new(Floats::<Float64Type>::new(inner()?)),
            DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
            | DataType::FixedSizeBinary(_) => Box::new(Utf8Bytes { kind: kind.clone() }),
            DataType::Map(..) => Box::new(LastKeyWins { inner: inner()? }),
            _ => return Ok(None),
        }))
    }
}

/// A float type that a number reaches through float64, as Python's `float`.
trait ThroughF64: ArrowPrimitiveType {
    fn from_f64(value: f64) -> Self::Native;
    /// The value's bits, which tell `-0.0` from `0.0`.
    fn bits(value: Self::Native) -> u64;
}

impl ThroughF64 for Float32Type {
    fn from_f64(value: f64) -> f32 {
        value as f32
    }
    fn bits(value: f32) -> u64 {
        value.to_bits().into()
    }
}

impl ThroughF64 for Float64Type {
    fn from_f64(value: f64) -> f64 {
        value
    }
    fn bits(value: f64) -> u64 {
        value.to_bits()
    }
}

/// A float field's numbers as `json.loads` and pyarrow make them: rounded to
/// float64 first (arrow-json rounds the text straight to float32, which can
/// differ in the last bit), and the integer `-0` as `0.0` (`json.loads` makes
/// it the integer 0; arrow-json reads `-0.0`). Strings holding numbers, which
/// `json.loads` does not take, stay arrow-json's.
struct Floats<T> {
    inner: Box<dyn ArrayDecoder>,
    kind: PhantomData<fn() -> T>,
}

impl<T> Floats<T> {
    fn new(inner: Box<dyn ArrayDecoder>) -> Floats<T> {
        Floats {
            inner,
            kind: PhantomData,
        }
    }
}

impl<T: ThroughF64> ArrayDecoder for Floats<T> {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        let array = self.inner.decode(tape, pos)?;
        let floats = array.as_primitive::<T>();
        // Copied only when a value changes, which is rare.
        let mut changed: Option<Vec<T::Native>> = None;
        for (row, &p) in pos.iter().enumerate() {
            let TapeElement::Number(idx) = tape.get(p) else {
                continue;
            };
            let text = tape.get_string(idx);
            let Ok(mut value) = text.parse::<f64>() else {
                continue;
            };
            if value == 0.0 && !text.contains(['.', 'e', 'E']) {
                value = 0.0;
            }
            let value = T::from_f64(value);
            if T::bits(value) != T::bits(floats.value(row)) {
                changed.get_or_insert_with(|| floats.values().to_vec())[row] = value;
            }
        }
        Ok(match changed {
            Some(values) => Arc::new(PrimitiveArray::<T>::new(
                values.into(),
                floats.nulls().cloned(),
            )),
            None => array,
        })
    }
}

/// A binary field's strings as their UTF-8 bytes, as pyarrow converts a
/// `str` (arrow-json 60 reads them as hexadecimal, and an odd-length one
/// wrongly); a fixed-size field's string must be of its size. A value that is
/// neither a string nor `null` is refused with arrow-json's error (its
/// fixed-size decoder panics on one).
struct Utf8Bytes {
    kind: DataType,
}

impl ArrayDecoder for Utf8Bytes {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        let mut values = Vec::with_capacity(pos.len());
        for &p in pos {
            values.push(match tape.get(p) {
                TapeElement::String(idx) => Some(tape.get_string(idx).as_bytes()),
                TapeElement::Null => None,
                _ => return Err(tape.error(p, "binary data encoded as string")),
            });
        }
        Ok(match self.kind {
            DataType::LargeBinary => Arc::new(LargeBinaryArray::from_opt_vec(values)),
            DataType::BinaryView => Arc::new(BinaryViewArray::from_iter(values)),
            DataType::FixedSizeBinary(size) => {
                if let Some(wrong) = values.iter().flatten().find(|v| v.len() != size as usize) {
                    return Err(ArrowError::JsonError(format!(
                        "a string of {} bytes in UTF-8 does not fit {}",
                        wrong.len(),
                        self.kind
                    )));
                }
                Arc::new(FixedSizeBinaryArray::try_from_sparse_iter_with_size(
                    values.into_iter(),
                    size,
                )?)
            }
            _ => Arc::new(BinaryArray::from_opt_vec(values)),
        })
    }
}

/// A map field's object with a key given twice keeps one entry for it, where
/// the key first stands, with the last value: `json.loads` makes such a dict
/// (arrow-json 60 keeps every entry).
struct LastKeyWins {
    inner: Box<dyn ArrayDecoder>,
}

impl ArrayDecoder for LastKeyWins {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        let array = self.inner.decode(tape, pos)?;
        // The entries kept, in the tape's order of the keys (the entries').
        let mut kept: Vec<u32> = Vec::new();
        let mut offsets = Vec::with_capacity(pos.len() + 1);
        offsets.push(0);
        let mut twice = false;
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut entry = 0u32;
        for &p in pos {
            if let TapeElement::StartObject(end) = tape.get(p) {
                first.clear();
                let mut member = p + 1;
                while member < end {
                    let TapeElement::String(idx) = tape.get(member) else {
                        return Err(tape.error(member, "map key"));
                    };
                    match first.get(tape.get_string(idx)) {
                        Some(&at) => {
                            kept[at] = entry;
                            twice = true;
                        }
                        None => {
                            first.insert(tape.get_string(idx), kept.len());
                            kept.push(entry);
                        }
                    }
                    entry += 1;
                    let value = tape.next(member, "map key")?;
                    member = tape.next(value, "map value")?;
                }
            }
            offsets.push(i32::try_from(kept.len()).map_err(|_| {
                ArrowError::JsonError("offset overflow decoding MapArray".to_owned())
            })?);
        }
        if !twice {
            return Ok(array);
        }
        let map = array.as_map();
        let DataType::Map(field, ordered) = map.data_type() else {
            unreachable!("a map decoder's array is a map");
        };
        let entries = arrow_select::take::take(map.entries(), &UInt32Array::from(kept), None)?;
        Ok(Arc::new(MapArray::try_new(
            field.clone(),
            OffsetBuffer::new(offsets.into()),
            entries.as_struct().clone(),
            map.nulls().cloned(),
            *ordered,
        )?))
    }
}
