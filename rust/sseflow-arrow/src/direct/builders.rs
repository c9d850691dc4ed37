//! The direct decoder's columns: one builder per field of the type, filled
//! value by value as the text is read, each as arrow-json fills its own.

use super::input::{Fit, GiveUp, Input, Number};
use arrow_array::builder::{ArrayBuilder, BooleanBuilder, GenericStringBuilder, PrimitiveBuilder};
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{
    ArrayRef, ArrowPrimitiveType, GenericListArray, NullArray, OffsetSizeTrait, StructArray,
};
use arrow_buffer::{NullBufferBuilder, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, FieldRef, Fields};
use std::sync::Arc;

/// How a column is read and built.
pub(crate) trait Builder {
    /// Reads one value that is not `null`, at its first byte.
    fn value(&mut self, input: &mut Input<'_>) -> Fit<()>;
    /// Appends a null: `null`, a missing key, or a row of a null parent.
    fn null(&mut self);
    fn len(&self) -> usize;
    /// The array built; the bytes of each string column, depth first, go to
    /// `sizes`.
    fn finish(&mut self, sizes: &mut Vec<usize>) -> Fit<ArrayRef>;
}

/// A field's column.
pub(crate) struct Column {
    nullable: bool,
    builder: Box<dyn Builder>,
    /// One past the last row of its struct that a key filled.
    filled: usize,
}

impl Column {
    /// The column of `field`, sized for `rows` rows, if the direct decoder
    /// reads its type; `sizes` gives each string column's expected bytes,
    /// depth first.
    pub(crate) fn new(
        field: &Field,
        rows: usize,
        sizes: &mut dyn FnMut() -> usize,
    ) -> Option<Column> {
        let builder: Box<dyn Builder> = match field.data_type() {
            DataType::Utf8 => Box::new(GenericStringBuilder::<i32>::with_capacity(rows, sizes())),
            DataType::LargeUtf8 => {
                Box::new(GenericStringBuilder::<i64>::with_capacity(rows, sizes()))
            }
            DataType::Boolean => Box::new(BooleanBuilder::with_capacity(rows)),
            DataType::Int8 => numbers::<Int8Type>(rows),
            DataType::Int16 => numbers::<Int16Type>(rows),
            DataType::Int32 => numbers::<Int32Type>(rows),
            DataType::Int64 => numbers::<Int64Type>(rows),
            DataType::UInt8 => numbers::<UInt8Type>(rows),
            DataType::UInt16 => numbers::<UInt16Type>(rows),
            DataType::UInt32 => numbers::<UInt32Type>(rows),
            DataType::UInt64 => numbers::<UInt64Type>(rows),
            DataType::Float32 => numbers::<Float32Type>(rows),
            DataType::Float64 => numbers::<Float64Type>(rows),
            // arrow-json's null arrays have no validity, so it takes a null in
            // a non-nullable one where the direct decoder could not tell.
            DataType::Null if field.is_nullable() => Box::new(Nulls(0)),
            DataType::Struct(fields) => Box::new(Struct::new(fields, rows, sizes)?),
            DataType::List(item) => Box::new(List::<i32>::new(item, rows, sizes)?),
            DataType::LargeList(item) => Box::new(List::<i64>::new(item, rows, sizes)?),
            _ => return None,
        };
        Some(Column {
            nullable: field.is_nullable(),
            builder,
            filled: 0,
        })
    }

    /// Reads one value, at its first byte.
    fn read(&mut self, input: &mut Input<'_>) -> Fit<()> {
        if input.peek() != Some(b'n') {
            return self.builder.value(input);
        }
        // A null in a non-nullable field fails arrow-json's checks.
        if !self.nullable {
            return Err(GiveUp);
        }
        input.literal(b"null")?;
        self.builder.null();
        Ok(())
    }

    pub(crate) fn finish(&mut self, sizes: &mut Vec<usize>) -> Fit<ArrayRef> {
        self.builder.finish(sizes)
    }
}

fn numbers<T: ArrowPrimitiveType>(rows: usize) -> Box<dyn Builder>
where
    T::Native: Parse,
{
    Box::new(PrimitiveBuilder::<T>::with_capacity(rows))
}

/// A number's value as arrow-json reads it into a column of this type, when
/// that is certain.
trait Parse: Sized {
    fn parse(number: &Number<'_>) -> Option<Self>;
}

/// arrow-json reads an integer literal exactly (`integers.rs` refuses one out
/// of range); a fraction or an exponent it reads as a float and casts, which
/// the direct decoder leaves to it.
macro_rules! integers {
    ($($native:ty),*) => {$(
        impl Parse for $native {
            fn parse(number: &Number<'_>) -> Option<Self> {
                number.integer.then(|| number.text.parse().ok()).flatten()
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, u8, u16, u32, u64);

/// A number as `json.loads` and pyarrow make it (`corrections.rs` makes
/// arrow-json's the same): rounded to float64 first, and the integer `-0` as
/// `0.0`; an overflow to infinity is left to arrow-json.
macro_rules! floats {
    ($($native:ty),*) => {$(
        impl Parse for $native {
            fn parse(number: &Number<'_>) -> Option<Self> {
                let value: f64 = number.text.parse().ok()?;
                let value = if number.integer && value == 0.0 { 0.0 } else { value };
                Some(value as $native).filter(|value| value.is_finite())
            }
        }
    )*};
}

floats!(f32, f64);

/// A column of scalars, built by one of arrow's builders.
trait Leaf: ArrayBuilder {
    /// Reads one value that is not `null`, at its first byte.
    fn value(&mut self, input: &mut Input<'_>) -> Fit<()>;
    fn null(&mut self);
    /// Its string bytes, if a string column.
    fn size(&self) -> Option<usize> {
        None
    }
}

impl<L: Leaf> Builder for L {
    fn value(&mut self, input: &mut Input<'_>) -> Fit<()> {
        Leaf::value(self, input)
    }
    fn null(&mut self) {
        Leaf::null(self);
    }
    fn len(&self) -> usize {
        ArrayBuilder::len(self)
    }
    fn finish(&mut self, sizes: &mut Vec<usize>) -> Fit<ArrayRef> {
        sizes.extend(self.size());
        Ok(ArrayBuilder::finish(self))
    }
}

impl<T: ArrowPrimitiveType> Leaf for PrimitiveBuilder<T>
where
    T::Native: Parse,
{
    fn value(&mut self, input: &mut Input<'_>) -> Fit<()> {
        let number = input.number()?;
        self.append_value(T::Native::parse(&number).ok_or(GiveUp)?);
        Ok(())
    }
    fn null(&mut self) {
        self.append_null();
    }
}

impl<O: OffsetSizeTrait> Leaf for GenericStringBuilder<O> {
    fn value(&mut self, input: &mut Input<'_>) -> Fit<()> {
        input.expect(b'"')?;
        input.string(self)?;
        // The builder panics past its offsets' range; arrow-json fails.
        if O::from_usize(self.values_slice().len()).is_none() {
            return Err(GiveUp);
        }
        self.append_value("");
        Ok(())
    }
    fn null(&mut self) {
        self.append_null();
    }
    fn size(&self) -> Option<usize> {
        Some(self.values_slice().len())
    }
}

impl Leaf for BooleanBuilder {
    fn value(&mut self, input: &mut Input<'_>) -> Fit<()> {
        let value = match input.peek() {
            Some(b't') => true,
            Some(b'f') => false,
            _ => return Err(GiveUp),
        };
        input.literal(if value { b"true" } else { b"false" })?;
        self.append_value(value);
        Ok(())
    }
    fn null(&mut self) {
        self.append_null();
    }
}

/// A column of the null type: only nulls fit.
struct Nulls(usize);

impl Builder for Nulls {
    fn value(&mut self, _: &mut Input<'_>) -> Fit<()> {
        Err(GiveUp)
    }
    fn null(&mut self) {
        self.0 += 1;
    }
    fn len(&self) -> usize {
        self.0
    }
    fn finish(&mut self, _: &mut Vec<usize>) -> Fit<ArrayRef> {
        Ok(Arc::new(NullArray::new(self.0)))
    }
}

/// A struct column, read from objects.
pub(crate) struct Struct {
    fields: Fields,
    children: Vec<Column>,
    validity: NullBufferBuilder,
    len: usize,
    /// Whether the field names differ, so a key can be looked for first at
    /// the field after the last key's.
    distinct: bool,
    /// The field after the last key's.
    guess: usize,
}

impl Struct {
    pub(crate) fn new(
        fields: &Fields,
        rows: usize,
        sizes: &mut dyn FnMut() -> usize,
    ) -> Option<Struct> {
        let children = fields
            .iter()
            .map(|f| Column::new(f, rows, sizes))
            .collect::<Option<_>>()?;
        let mut names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
        names.sort_unstable();
        names.dedup();
        Some(Struct {
            distinct: names.len() == fields.len(),
            fields: fields.clone(),
            children,
            validity: NullBufferBuilder::new(rows),
            len: 0,
            guess: 0,
        })
    }

    /// The field a key fills: the first of that name, as arrow-json picks.
    fn find(&mut self, key: &[u8]) -> Option<usize> {
        let guessed = self.fields.get(self.guess);
        let index = if self.distinct && guessed.is_some_and(|f| f.name().as_bytes() == key) {
            self.guess
        } else {
            self.fields
                .iter()
                .position(|f| f.name().as_bytes() == key)?
        };
        self.guess = index + 1;
        Some(index)
    }

    /// Reads an object's members, after its `{`. A key seen twice gives up
    /// (arrow-json keeps the last); a missing key is a null.
    pub(crate) fn object(&mut self, input: &mut Input<'_>) -> Fit<()> {
        let row = self.len;
        self.guess = 0;
        input.skip_whitespace();
        if !input.eat(b'}') {
            loop {
                input.expect(b'"')?;
                let key = input.key()?;
                input.skip_whitespace();
                input.expect(b':')?;
                input.skip_whitespace();
                match self.find(key) {
                    Some(index) => {
                        let child = &mut self.children[index];
                        if child.filled > row {
                            return Err(GiveUp);
                        }
                        child.filled = row + 1;
                        child.read(input)?;
                    }
                    None => input.skip_value()?,
                }
                input.skip_whitespace();
                match input.next()? {
                    b',' => input.skip_whitespace(),
                    b'}' => break,
                    _ => return Err(GiveUp),
                }
            }
        }
        for child in &mut self.children {
            if child.filled <= row {
                if !child.nullable {
                    return Err(GiveUp);
                }
                child.builder.null();
            }
        }
        self.validity.append_non_null();
        self.len += 1;
        Ok(())
    }
}

impl Builder for Struct {
    fn value(&mut self, input: &mut Input<'_>) -> Fit<()> {
        input.expect(b'{')?;
        self.object(input)
    }
    fn null(&mut self) {
        for child in &mut self.children {
            child.builder.null();
        }
        self.validity.append_null();
        self.len += 1;
    }
    fn len(&self) -> usize {
        self.len
    }
    fn finish(&mut self, sizes: &mut Vec<usize>) -> Fit<ArrayRef> {
        let arrays = self
            .children
            .iter_mut()
            .map(|child| child.finish(sizes))
            .collect::<Fit<Vec<_>>>()?;
        let nulls = self.validity.finish();
        let array = StructArray::try_new_with_length(self.fields.clone(), arrays, nulls, self.len)
            .map_err(|_| GiveUp)?;
        Ok(Arc::new(array))
    }
}

/// A list column, read from arrays.
struct List<O: OffsetSizeTrait> {
    item: FieldRef,
    values: Column,
    offsets: Vec<O>,
    validity: NullBufferBuilder,
}

impl<O: OffsetSizeTrait> List<O> {
    fn new(item: &FieldRef, rows: usize, sizes: &mut dyn FnMut() -> usize) -> Option<List<O>> {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(O::usize_as(0));
        Some(List {
            item: item.clone(),
            values: Column::new(item, rows, sizes)?,
            offsets,
            validity: NullBufferBuilder::new(rows),
        })
    }

    fn end(&mut self) -> Fit<()> {
        self.offsets
            .push(O::from_usize(self.values.builder.len()).ok_or(GiveUp)?);
        Ok(())
    }
}

impl<O: OffsetSizeTrait> Builder for List<O> {
    fn value(&mut self, input: &mut Input<'_>) -> Fit<()> {
        input.expect(b'[')?;
        input.skip_whitespace();
        if !input.eat(b']') {
            loop {
                self.values.read(input)?;
                input.skip_whitespace();
                match input.next()? {
                    b',' => input.skip_whitespace(),
                    b']' => break,
                    _ => return Err(GiveUp),
                }
            }
        }
        self.end()?;
        self.validity.append_non_null();
        Ok(())
    }
    fn null(&mut self) {
        let last = self.offsets[self.offsets.len() - 1];
        self.offsets.push(last);
        self.validity.append_null();
    }
    fn len(&self) -> usize {
        self.offsets.len() - 1
    }
    fn finish(&mut self, sizes: &mut Vec<usize>) -> Fit<ArrayRef> {
        let values = self.values.finish(sizes)?;
        let offsets = OffsetBuffer::new(ScalarBuffer::from(std::mem::take(&mut self.offsets)));
        let nulls = self.validity.finish();
        let array = GenericListArray::<O>::try_new(self.item.clone(), offsets, values, nulls)
            .map_err(|_| GiveUp)?;
        Ok(Arc::new(array))
    }
}
