//! The framing columns of a batch, built in place as events arrive.
//!
//! Each event's data is copied once, from the parser's output into the values
//! buffer of the `data` column; finishing a batch moves the buffers into the
//! arrays without another copy. Event types and IDs repeat, so they are
//! dictionary-encoded: each distinct value is stored once per batch.

use arrow_array::builder::{ArrayBuilder, GenericStringBuilder, StringBuilder, UInt64Builder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, Int32Array, OffsetSizeTrait, UInt64Array};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use std::collections::HashMap;
use std::sync::Arc;

/// The largest data a `utf8` column holds: its offsets are `i32`.
pub(crate) const MAX_UTF8_BYTES: usize = i32::MAX as usize;

/// Which optional framing columns a batch has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// `data` as `large_utf8` (64-bit offsets) instead of `utf8`.
    pub large_data: bool,
    /// An `offset` column: the stream position just past the CR or LF that
    /// dispatched each event (for a CRLF, past its CR, whatever the chunking).
    pub offsets: bool,
    /// A `stream` column holding this label on every row.
    pub label: Option<String>,
    /// `event` may be null: the parser has no default event type
    /// ([`Config::default_event`](sseflow_core::Config::default_event)).
    pub untyped_events: bool,
}

impl Layout {
    /// The framing fields, in column order.
    pub fn fields(&self) -> Vec<Field> {
        let text = || DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        let data = if self.large_data {
            DataType::LargeUtf8
        } else {
            DataType::Utf8
        };
        let mut fields = vec![
            Field::new("event", text(), self.untyped_events),
            Field::new("data", data, false),
            Field::new("id", text(), false),
            Field::new("retry", DataType::UInt64, true),
        ];
        if self.offsets {
            fields.push(Field::new("offset", DataType::UInt64, false));
        }
        if self.label.is_some() {
            fields.push(Field::new("stream", text(), false));
        }
        fields
    }

    /// The framing schema alone.
    pub fn schema(&self) -> Schema {
        Schema::new(self.fields())
    }
}

/// The strings of one batch's dictionary column, and each row's key into them.
///
/// A value equal to the previous row's reuses its key without a lookup. With
/// `unique`, every value is stored once (event types: a few, interleaved);
/// without, a value is stored again whenever it differs from the previous
/// row's (IDs: they change in runs, rarely come back, and a lookup per new ID
/// would cost more than it saves). Arrow allows repeated dictionary values.
struct Dictionary {
    unique: bool,
    keys: Vec<i32>,
    /// Which rows are null (an event without a type), once one is.
    nulls: Option<Vec<bool>>,
    values: StringBuilder,
    index: HashMap<Box<str>, i32>,
}

impl Dictionary {
    fn new(unique: bool) -> Dictionary {
        Dictionary {
            unique,
            keys: Vec::new(),
            nulls: None,
            values: StringBuilder::new(),
            index: HashMap::new(),
        }
    }

    /// The value stored under `key`.
    fn value(&self, key: i32) -> &[u8] {
        let offsets = self.values.offsets_slice();
        let key = key as usize;
        &self.values.values_slice()[offsets[key] as usize..offsets[key + 1] as usize]
    }

    /// A null row: its key is 0, and no value is stored for it.
    fn push_null(&mut self) {
        let rows = self.keys.len();
        self.nulls
            .get_or_insert_with(|| vec![false; rows])
            .push(true);
        self.keys.push(0);
    }

    fn push(&mut self, value: &str) {
        if let Some(nulls) = &mut self.nulls {
            nulls.push(false);
        }
        let last_is_null = self
            .nulls
            .as_ref()
            .is_some_and(|n| n.len() > 1 && n[n.len() - 2]);
        if let Some(&last) = self.keys.last().filter(|_| !last_is_null) {
            if same(self.value(last), value.as_bytes()) {
                self.keys.push(last);
                return;
            }
        }
        let found = if self.unique {
            self.index.get(value).copied()
        } else {
            None
        };
        let key = found.unwrap_or_else(|| {
            // At most one new value per row, and a batch's rows fit in i32.
            let key = (self.values.offsets_slice().len() - 1) as i32;
            self.values.append_value(value);
            if self.unique {
                self.index.insert(value.into(), key);
            }
            key
        });
        self.keys.push(key);
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let keys = std::mem::take(&mut self.keys);
        let keys = match self.nulls.take() {
            None => Int32Array::from(keys),
            Some(nulls) => {
                let valid = nulls.iter().map(|&null| !null).collect::<Vec<bool>>();
                Int32Array::new(keys.into(), Some(valid.into()))
            }
        };
        let values = Arc::new(self.values.finish());
        self.index.clear();
        Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
            keys, values,
        )?))
    }
}

/// Byte equality without the C library's `memcmp`, for the short values
/// compared per row. An empty `&str` points at address 1, and glibc's AVX-512
/// `memcmp` still issues a masked load there, whose fault suppression costs a
/// microcode assist: about 130 ns a call, which made streams without IDs frame
/// at a third of their speed.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The `data` column's builder, with 32- or 64-bit offsets.
enum Data {
    Small(GenericStringBuilder<i32>),
    Large(GenericStringBuilder<i64>),
}

/// The array of the rows so far; the builder starts over with room for as
/// many rows and bytes, so that a stream's batches after the first are built
/// without growing (and copying) their buffers.
fn finish_data<O: OffsetSizeTrait>(builder: &mut GenericStringBuilder<O>) -> ArrayRef {
    let rows = builder.len();
    let bytes = builder.values_slice().len();
    let mut full = std::mem::replace(builder, GenericStringBuilder::with_capacity(rows, bytes));
    Arc::new(full.finish())
}

/// One event, as the columns take it.
pub(crate) struct Row<'a> {
    pub event: Option<&'a str>,
    pub data: &'a str,
    pub id: &'a str,
    pub retry: Option<u64>,
    pub offset: u64,
}

/// The framing columns of the batch being built.
pub(crate) struct Columns {
    layout: Layout,
    event: Dictionary,
    data: Data,
    id: Dictionary,
    retry: UInt64Builder,
    offset: Vec<u64>,
    rows: usize,
    bytes: usize,
}

impl Columns {
    pub(crate) fn new(layout: Layout) -> Columns {
        let data = if layout.large_data {
            Data::Large(GenericStringBuilder::new())
        } else {
            Data::Small(GenericStringBuilder::new())
        };
        Columns {
            layout,
            event: Dictionary::new(true),
            data,
            id: Dictionary::new(false),
            retry: UInt64Builder::new(),
            offset: Vec::new(),
            rows: 0,
            bytes: 0,
        }
    }

    pub(crate) fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Rows appended since the last batch.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Text bytes appended since the last batch (data, types and IDs).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// The data bytes appended since the last batch.
    pub(crate) fn data_bytes(&self) -> usize {
        match &self.data {
            Data::Small(builder) => builder.values_slice().len(),
            Data::Large(builder) => builder.values_slice().len(),
        }
    }

    /// Whether `data` can join this batch without overflowing `utf8` offsets.
    pub(crate) fn fits(&self, data: usize) -> bool {
        self.layout.large_data || self.data_bytes() + data <= MAX_UTF8_BYTES
    }

    pub(crate) fn push(&mut self, row: Row<'_>) {
        match row.event {
            Some(event) => self.event.push(event),
            None => self.event.push_null(),
        }
        match &mut self.data {
            Data::Small(builder) => builder.append_value(row.data),
            Data::Large(builder) => builder.append_value(row.data),
        }
        self.id.push(row.id);
        self.retry.append_option(row.retry);
        if self.layout.offsets {
            self.offset.push(row.offset);
        }
        self.rows += 1;
        self.bytes += row.data.len() + row.event.map_or(0, str::len) + row.id.len();
    }

    /// The framing arrays of the rows so far, in [`Layout::fields`] order; the
    /// columns start over empty.
    pub(crate) fn finish(&mut self) -> Result<Vec<ArrayRef>, ArrowError> {
        let rows = std::mem::take(&mut self.rows);
        self.bytes = 0;
        let data = match &mut self.data {
            Data::Small(builder) => finish_data(builder),
            Data::Large(builder) => finish_data(builder),
        };
        let mut arrays = vec![
            self.event.finish()?,
            data,
            self.id.finish()?,
            Arc::new(self.retry.finish()) as ArrayRef,
        ];
        if self.layout.offsets {
            let offsets = UInt64Array::from(std::mem::take(&mut self.offset));
            arrays.push(Arc::new(offsets));
        }
        if let Some(label) = &self.layout.label {
            let keys = Int32Array::from(vec![0; rows]);
            let mut values = StringBuilder::new();
            values.append_value(label);
            let label = DictionaryArray::<Int32Type>::try_new(keys, Arc::new(values.finish()))?;
            arrays.push(Arc::new(label));
        }
        Ok(arrays)
    }
}
