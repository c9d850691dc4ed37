//! arrow-json's decoders, with the corrections the stream's data needs, made
//! by one [`DecoderFactory`] for every field of the `json` type.

use crate::integers::StrictIntegers;
use arrow_array::ArrayRef;
use arrow_json::reader::{ArrayDecoder, DecoderContext, DecoderFactory, Tape, TapeElement};
use arrow_schema::{ArrowError, DataType, FieldRef};

/// Makes [`StrictIntegers`] for integer fields and [`StringsOnly`] for
/// fixed-size binary ones; arrow-json's own decoders for the rest.
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
        if let DataType::FixedSizeBinary(_) = kind {
            return Ok(Some(Box::new(StringsOnly { inner: inner()? })));
        }
        Ok(None)
    }
}

/// arrow-json 60's fixed-size binary decoder panics (`unreachable!`) on a
/// value that is neither a string nor `null`, where its other binary decoders
/// refuse it: this one refuses it first, with their error.
struct StringsOnly {
    inner: Box<dyn ArrayDecoder>,
}

impl ArrayDecoder for StringsOnly {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        for &p in pos {
            if !matches!(tape.get(p), TapeElement::String(_) | TapeElement::Null) {
                return Err(tape.error(p, "binary data encoded as string"));
            }
        }
        self.inner.decode(tape, pos)
    }
}
