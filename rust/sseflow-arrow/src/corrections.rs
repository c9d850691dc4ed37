//! arrow-json's decoders, with the corrections the stream's data needs, made
//! by one [`DecoderFactory`] for every field of the `json` type.
//!
//! Each brings a field's value to what `json.loads` gives, converted to the
//! field's type by pyarrow: arrow-json 60 reads it otherwise.

use crate::decimals::ExactDecimals;
use crate::escapes::LONE;
use crate::integers::StrictIntegers;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float16Type, Float32Type, Float64Type};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, BinaryArray, BinaryViewArray, FixedSizeBinaryArray,
    LargeBinaryArray, MapArray, PrimitiveArray, StructArray,
};
use arrow_buffer::{NullBufferBuilder, OffsetBuffer};
use arrow_json::reader::{ArrayDecoder, DecoderContext, DecoderFactory, Tape, TapeElement};
use arrow_schema::{ArrowError, DataType, FieldRef, Fields};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Makes [`StrictIntegers`] for integer and temporal fields, [`ExactDecimals`]
/// for decimal fields, [`Floats`],
/// [`Utf8Bytes`] for binary fields, [`LastKeyWins`] for maps, and with `lone`
/// [`NoLoneSurrogate`] for string fields; arrow-json's own decoders for the
/// rest.
#[derive(Debug)]
pub(crate) struct Corrections {
    /// Set while the row decoded had a lone surrogate escape marked (see
    /// `escapes.rs`); `None` for a decoder never given such a row.
    pub lone: Option<Arc<AtomicBool>>,
}

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
        if let Some(decimals) = ExactDecimals::of(kind, inner)? {
            return Ok(Some(Box::new(decimals)));
        }
        Ok(Some(match kind {
            DataType::Float16 => Box::new(Floats::<Float16Type>::new(inner()?)),
            DataType::Float32 => Box::new(Floats::<Float32Type>::new(inner()?)),
            DataType::Float64 => Box::new(Floats::<Float64Type>::new(inner()?)),
            DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
            | DataType::FixedSizeBinary(_) => Box::new(Utf8Bytes {
                kind: kind.clone(),
                lone: self.lone.clone(),
            }),
            DataType::Map(..) => match LastKeyWins::new(ctx, kind, is_nullable)? {
                Some(map) => Box::new(map),
                // arrow-json's refuses such a type.
                None => return Ok(None),
            },
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => match &self.lone {
                Some(lone) => Box::new(NoLoneSurrogate {
                    inner: inner()?,
                    lone: lone.clone(),
                }),
                None => return Ok(None),
            },
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

/// The native type of float16 columns (`half::f16`).
type F16 = <Float16Type as ArrowPrimitiveType>::Native;

impl ThroughF64 for Float16Type {
    /// `half`'s own conversion goes through float32, rounding twice. Rounded to
    /// float32 toward zero with the last bit set when inexact ("round to odd"),
    /// the value then rounds to float16 as from float64 directly.
    fn from_f64(value: f64) -> F16 {
        let near = value as f32;
        if !near.is_finite() || f64::from(near) == value {
            return F16::from_f32(near);
        }
        let mut bits = near.to_bits();
        if f64::from(near).abs() > value.abs() {
            bits -= 1;
        }
        F16::from_f32(f32::from_bits(bits | 1))
    }
    fn bits(value: F16) -> u64 {
        value.to_bits().into()
    }
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
/// float64 first (arrow-json rounds the text straight to float32, and for
/// float16 through float32, which can differ in the last bit), and the integer `-0` as `0.0` (`json.loads` makes
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
    lone: Option<Arc<AtomicBool>>,
}

impl ArrayDecoder for Utf8Bytes {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        let mut values = Vec::with_capacity(pos.len());
        for &p in pos {
            values.push(match tape.get(p) {
                TapeElement::String(idx) => {
                    let text = tape.get_string(idx);
                    if self.lone.as_ref().is_some_and(|lone| marked(lone, text)) {
                        return Err(lone_error());
                    }
                    Some(text.as_bytes())
                }
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
/// (arrow-json 60 keeps every entry). Only the values kept are decoded, so
/// that one left out cannot refuse the row, as in a struct field.
struct LastKeyWins {
    entries: FieldRef,
    fields: Fields,
    keys: Box<dyn ArrayDecoder>,
    values: Box<dyn ArrayDecoder>,
    is_nullable: bool,
}

impl LastKeyWins {
    /// The decoder of an unordered map type of keys and values, or `None`.
    fn new(
        ctx: &DecoderContext,
        kind: &DataType,
        is_nullable: bool,
    ) -> Result<Option<LastKeyWins>, ArrowError> {
        let DataType::Map(entries, false) = kind else {
            return Ok(None);
        };
        let DataType::Struct(fields) = entries.data_type() else {
            return Ok(None);
        };
        if fields.len() != 2 {
            return Ok(None);
        }
        Ok(Some(LastKeyWins {
            entries: entries.clone(),
            fields: fields.clone(),
            keys: ctx.make_decoder(&fields[0], fields[0].is_nullable())?,
            values: ctx.make_decoder(&fields[1], fields[1].is_nullable())?,
            is_nullable,
        }))
    }
}

impl ArrayDecoder for LastKeyWins {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        let mut offsets = Vec::with_capacity(pos.len() + 1);
        offsets.push(0);
        let (mut keys, mut values) = (Vec::new(), Vec::new());
        let mut nulls = self.is_nullable.then(|| NullBufferBuilder::new(pos.len()));
        // Each key's entry in the row, by its text.
        let mut first: HashMap<&str, usize> = HashMap::new();
        for &p in pos {
            let (end, valid) = match (tape.get(p), nulls.is_some()) {
                (TapeElement::StartObject(end), _) => (end, true),
                (TapeElement::Null, true) => (p + 1, false),
                _ => return Err(tape.error(p, "{")),
            };
            if let Some(nulls) = nulls.as_mut() {
                nulls.append(valid);
            }
            first.clear();
            let mut member = p + 1;
            while member < end {
                let value = tape.next(member, "map key")?;
                let TapeElement::String(idx) = tape.get(member) else {
                    return Err(tape.error(member, "map key"));
                };
                match first.get(tape.get_string(idx)) {
                    Some(&at) => values[at] = value,
                    None => {
                        first.insert(tape.get_string(idx), keys.len());
                        keys.push(member);
                        values.push(value);
                    }
                }
                member = tape.next(value, "map value")?;
            }
            offsets.push(i32::try_from(keys.len()).map_err(|_| {
                ArrowError::JsonError("offset overflow decoding MapArray".to_owned())
            })?);
        }
        let entries = StructArray::try_new_with_length(
            self.fields.clone(),
            vec![
                self.keys.decode(tape, &keys)?,
                self.values.decode(tape, &values)?,
            ],
            None,
            keys.len(),
        )?;
        Ok(Arc::new(MapArray::try_new(
            self.entries.clone(),
            OffsetBuffer::new(offsets.into()),
            entries,
            nulls.as_mut().and_then(NullBufferBuilder::finish),
            false,
        )?))
    }
}

/// A string field's decoder that refuses a string holding the mark of a lone
/// surrogate escape (`escapes.rs`), while the row decoded was marked: pyarrow
/// refuses such a string (it cannot be UTF-8), as `json.loads` gives it.
struct NoLoneSurrogate {
    inner: Box<dyn ArrayDecoder>,
    lone: Arc<AtomicBool>,
}

impl ArrayDecoder for NoLoneSurrogate {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        for &p in pos {
            if let TapeElement::String(idx) = tape.get(p) {
                if marked(&self.lone, tape.get_string(idx)) {
                    return Err(lone_error());
                }
            }
        }
        self.inner.decode(tape, pos)
    }
}

/// Whether `text` holds a lone surrogate's mark, in a row that was marked.
fn marked(lone: &AtomicBool, text: &str) -> bool {
    lone.load(Ordering::Relaxed) && text.contains(LONE)
}

fn lone_error() -> ArrowError {
    ArrowError::JsonError(
        "a string holds a lone surrogate escape (\\uD800 to \\uDFFF without its other \
         half), which UTF-8 cannot hold"
            .to_owned(),
    )
}
