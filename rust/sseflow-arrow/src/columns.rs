//! The framing columns of a batch, built in place as events arrive.
//!
//! Each event's data is copied once, from the parser's output into the values
//! buffer of the `data` column; finishing a batch moves the buffers into the
//! arrays without another copy. The data of an event whose `data` line spans
//! chunks is written there piece by piece as the chunks come (the open row). Event types and IDs repeat, so they are
//! dictionary-encoded: each distinct value is stored once per batch.

use crate::pieces::Utf8Pieces;
use arrow_array::builder::{
    ArrayBuilder, BooleanBufferBuilder, GenericStringBuilder, StringBuilder,
};
use arrow_array::types::Int32Type;
use arrow_array::{
    new_null_array, ArrayRef, DictionaryArray, Int32Array, OffsetSizeTrait, StringArray,
    UInt64Array,
};
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use hashbrown::HashTable;
use sseflow_core::Event;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;
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
/// A value equal to the previous row's reuses its key without a lookup: that
/// check is inlined into the row's loop, the rest is not. With `unique`, every
/// value is stored once (event types: a few, interleaved), looked up among the
/// first [`SCANNED`] by comparing bytes and past them in a hash map; without
/// (IDs, new on every row of many streams), see [`Ids`]. Either way a batch's
/// dictionary holds each value once: pyarrow counts a value stored twice as
/// two (its `unique`, `value_counts` and `group_by` did, on IDs that came
/// back, before 2026-12-04).
struct Dictionary {
    unique: bool,
    /// The IDs' index, without `unique`.
    ids: Ids,
    keys: Vec<i32>,
    /// The rows that are null (events without a type): kept apart, so that a
    /// row with a value does not touch them.
    nulls: Vec<usize>,
    values: Strings,
    /// The values past the first [`SCANNED`], with `unique`.
    index: HashMap<Box<str>, i32>,
    /// The previous row's key and where its value lies in `values`, unless
    /// that row was null or the batch just began.
    last: Option<(i32, Range<usize>)>,
}

/// How many distinct values of a `unique` dictionary are looked up by
/// comparing bytes before a hash map takes the rest: a stream's event types
/// are a few, and hashing one costs more than comparing it with each.
const SCANNED: usize = 16;

/// Makes each of a batch's IDs one value of its dictionary, once the batch is
/// cut: rows store an ID again whenever it differs from the previous row's,
/// which costs a row no lookup.
///
/// When each value stored is past the one before it (longer, or as long and
/// greater byte by byte, as a counter or a timestamp is), none is a repeat:
/// one comparison per value tells. Otherwise the values are hashed, each kept
/// once, and the keys moved to them. The hashes are keyed at random, so that
/// no stream can make its IDs collide.
struct Ids {
    hasher: ahash::RandomState,
}

impl Ids {
    fn new() -> Ids {
        Ids {
            hasher: ahash::RandomState::new(),
        }
    }

    /// Keeps each value of `values` once, with `keys` moved to the one kept.
    #[cold]
    fn dedupe(&self, values: &mut Strings, keys: &mut [i32]) {
        let hasher = &self.hasher;
        let mut kept = Strings::new();
        let mut table: HashTable<i32> = HashTable::with_capacity(values.len());
        let moved: Vec<i32> = (0..values.len())
            .map(|key| {
                let value = values.get(key);
                let hash = hasher.hash_one(value);
                let same = |&k: &i32| kept.get(k as usize) == value;
                if let Some(&k) = table.find(hash, same) {
                    return k;
                }
                let k = kept.len() as i32;
                table.insert_unique(hash, k, |&k| hasher.hash_one(kept.get(k as usize)));
                kept.push_bytes(value);
                k
            })
            .collect();
        for key in keys {
            *key = moved[*key as usize];
        }
        *values = kept;
    }
}

/// Whether `value` sorts past `last`: longer, or as long and greater.
#[inline(always)]
fn rises(value: &[u8], last: &[u8]) -> bool {
    value.len() > last.len() || (value.len() == last.len() && greater(value, last))
}

/// Whether `a` is greater than `b`, of the same length, byte by byte: up to
/// 16 bytes as one number each, made of the first and the last bytes of the
/// value in big-endian order (overlapping when shorter: the bytes both parts
/// hold sit at the same places in `a` and `b`), without the C library's
/// `memcmp` (see [`same`]).
#[inline(always)]
fn greater(a: &[u8], b: &[u8]) -> bool {
    fn key<const N: usize>(bytes: &[u8], word: fn([u8; N]) -> u64) -> u128 {
        match (bytes.first_chunk::<N>(), bytes.last_chunk::<N>()) {
            (Some(head), Some(tail)) => u128::from(word(*head)) << 64 | u128::from(word(*tail)),
            _ => 0,
        }
    }
    let (a, b) = match a.len() {
        0 => return false,
        1 => return a[0] > b[0],
        2..4 => (
            key(a, |w| u16::from_be_bytes(w).into()),
            key(b, |w| u16::from_be_bytes(w).into()),
        ),
        4..8 => (
            key(a, |w| u32::from_be_bytes(w).into()),
            key(b, |w| u32::from_be_bytes(w).into()),
        ),
        8..=16 => (key(a, u64::from_be_bytes), key(b, u64::from_be_bytes)),
        _ => return a > b,
    };
    a > b
}

impl Dictionary {
    fn new(unique: bool) -> Dictionary {
        Dictionary {
            unique,
            ids: Ids::new(),
            keys: Vec::new(),
            nulls: Vec::new(),
            values: Strings::new(),
            index: HashMap::new(),
            last: None,
        }
    }

    /// Where the value stored under `key` lies in `values`.
    fn range(&self, key: usize) -> Range<usize> {
        let offsets = &self.values.offsets;
        offsets[key] as usize..offsets[key + 1] as usize
    }

    /// The value stored under `key`.
    fn stored(&self, key: usize) -> &[u8] {
        &self.values.bytes[self.range(key)]
    }

    /// A null row: its key is 0, and no value is stored for it.
    fn push_null(&mut self) {
        self.nulls.push(self.keys.len());
        self.keys.push(0);
        self.last = None;
    }

    /// A row of the value whose stream bytes are `bytes`: `text` decodes them,
    /// and is called only when the previous row's value differs.
    #[inline(always)]
    fn push<'a>(&mut self, bytes: &[u8], text: impl FnOnce() -> Cow<'a, str>) {
        if let Some((key, range)) = &self.last {
            // A stored value is valid UTF-8, so bytes equal to it are that text.
            if same(&self.values.bytes[range.clone()], bytes) {
                let key = *key;
                self.keys.push(key);
                return;
            }
        }
        match self.unique {
            // IDs, new on every row of many streams: stored again, inline (see [`Ids`]).
            false => self.append(&text()),
            true => self.push_other(text()),
        }
    }

    /// A row of a value stored anew.
    #[inline(always)]
    fn append(&mut self, value: &str) {
        // At most one new value per row, and a batch's rows fit in i32.
        let key = self.values.len() as i32;
        let start = self.values.bytes.len();
        self.values.push(value);
        self.keys.push(key);
        self.last = Some((key, start..start + value.len()));
    }

    /// A row of a `unique` dictionary whose value differs from the previous
    /// row's.
    #[inline(never)]
    fn push_other(&mut self, value: Cow<'_, str>) {
        let stored = self.values.len();
        let found = (0..stored.min(SCANNED))
            .find(|&key| same(self.stored(key), value.as_bytes()))
            .or_else(|| self.index.get(&*value).map(|&key| key as usize));
        let Some(key) = found else {
            if stored >= SCANNED {
                self.index.insert(value.as_ref().into(), stored as i32);
            }
            return self.append(&value);
        };
        self.keys.push(key as i32);
        self.last = Some((key as i32, self.range(key)));
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        if !self.unique && !self.values.rising() {
            self.ids.dedupe(&mut self.values, &mut self.keys);
        }
        let keys = std::mem::take(&mut self.keys);
        let keys = if self.nulls.is_empty() {
            Int32Array::from(keys)
        } else {
            let mut valid = BooleanBufferBuilder::new(keys.len());
            valid.append_n(keys.len(), true);
            for row in self.nulls.drain(..) {
                valid.set_bit(row, false);
            }
            Int32Array::new(keys.into(), Some(valid.finish().into()))
        };
        let values = Arc::new(self.values.finish()?);
        self.index.clear();
        self.last = None;
        Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
            keys, values,
        )?))
    }
}

/// A dictionary's values: their bytes end to end, and where each starts.
///
/// In place of arrow's `StringBuilder`, so that a short value (the IDs of a
/// change feed, new on every row) is copied inline ([`copy_short`]), not by
/// a call with its null flag and checked offset. The values come from `&str`,
/// but arrow checks them again as UTF-8 when the array is made: a pass over
/// the few bytes of a batch's types and IDs (building the array unchecked
/// would need `unsafe`).
struct Strings {
    bytes: Vec<u8>,
    /// The start of each value, then the end of the last: always one more
    /// than the values.
    offsets: Vec<i32>,
}

impl Strings {
    fn new() -> Strings {
        Strings {
            bytes: Vec::new(),
            offsets: vec![0],
        }
    }

    /// How many values are stored.
    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The value stored under `key`.
    fn get(&self, key: usize) -> &[u8] {
        &self.bytes[self.offsets[key] as usize..self.offsets[key + 1] as usize]
    }

    /// Whether each value is past the one before it ([`rises`]): then no two
    /// are equal.
    fn rising(&self) -> bool {
        let mut before: Option<&[u8]> = None;
        for ends in self.offsets.windows(2) {
            let value = &self.bytes[ends[0] as usize..ends[1] as usize];
            if before.is_some_and(|before| !rises(value, before)) {
                return false;
            }
            before = Some(value);
        }
        true
    }

    /// Appends the bytes of a stored value (valid UTF-8, as it was pushed).
    fn push_bytes(&mut self, value: &[u8]) {
        self.bytes.extend_from_slice(value);
        self.offsets
            .push(i32::try_from(self.bytes.len()).unwrap_or(-1));
    }

    #[inline(always)]
    fn push(&mut self, value: &str) {
        let value = value.as_bytes();
        let start = self.bytes.len();
        if value.len() > SHORT {
            self.bytes.extend_from_slice(value);
        } else {
            // Room claimed and written whole, then cut to the value.
            self.bytes.extend_from_slice(&[0; SHORT]);
            copy_short(&mut self.bytes[start..start + SHORT], value);
            self.bytes.truncate(start + value.len());
        }
        // A batch's text is cut long before 2 GiB (`batch_bytes`), but a
        // value that took the offsets past i32 is refused at `finish`.
        self.offsets
            .push(i32::try_from(self.bytes.len()).unwrap_or(-1));
    }

    /// The array of the values so far; the buffer starts over empty, with
    /// room for as many.
    fn finish(&mut self) -> Result<StringArray, ArrowError> {
        let room = Vec::with_capacity(self.bytes.len());
        let bytes = Buffer::from_vec(std::mem::replace(&mut self.bytes, room));
        let mut room = Vec::with_capacity(self.offsets.len());
        room.push(0);
        let offsets = std::mem::replace(&mut self.offsets, room);
        if offsets.last().is_some_and(|&end| end < 0) {
            return Err(ArrowError::InvalidArgumentError(
                "a batch's event types or IDs pass 2 GiB".to_owned(),
            ));
        }
        // Offsets that only grow, from 0, within the bytes: as pushed.
        let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
        StringArray::try_new(offsets, bytes, None)
    }
}

/// The longest value [`copy_short`] copies.
const SHORT: usize = 16;

/// Copies `from` (at most [`SHORT`] bytes) to the start of `to`, in two
/// overlapping fixed-size moves that the compiler makes inline. The C
/// library's `memcpy` moves a few bytes with masked AVX-512 loads and stores
/// here, at about 4 ns a call (a 63-byte copy takes 2.4): for the IDs of a
/// change feed, new on every row, that was a ninth of a row.
#[inline(always)]
fn copy_short(to: &mut [u8], from: &[u8]) {
    fn pair<const N: usize>(to: &mut [u8], from: &[u8]) {
        let len = from.len();
        let (Some(head), Some(tail)) = (from.first_chunk::<N>(), from.last_chunk::<N>()) else {
            return;
        };
        if let Some(to) = to.first_chunk_mut::<N>() {
            *to = *head;
        }
        if let Some(to) = to.get_mut(len - N..).and_then(<[u8]>::first_chunk_mut::<N>) {
            *to = *tail;
        }
    }
    match from.len() {
        0 => {}
        1 => to[0] = from[0],
        2..4 => pair::<2>(to, from),
        4..8 => pair::<4>(to, from),
        _ => pair::<8>(to, from),
    }
}

/// Byte equality without the C library's `memcmp`, for the short values
/// compared per row. An empty `&str` points at address 1, and glibc's AVX-512
/// `memcmp` still issues a masked load there, whose fault suppression costs a
/// microcode assist: about 130 ns a call, which made streams without IDs frame
/// at a third of their speed. Eight bytes are compared at a time, the last
/// eight overlapping the ones before when the length is not a multiple.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len < 8 {
        // In two overlapping halves, four, two or one bytes each.
        return match len {
            0 => true,
            1 => a[0] == b[0],
            2..4 => {
                half::<2>(a) == half::<2>(b) && half::<2>(&a[len - 2..]) == half::<2>(&b[len - 2..])
            }
            _ => {
                half::<4>(a) == half::<4>(b) && half::<4>(&a[len - 4..]) == half::<4>(&b[len - 4..])
            }
        };
    }
    let mut at = 0;
    while at + 8 < len {
        if word(&a[at..]) != word(&b[at..]) {
            return false;
        }
        at += 8;
    }
    word(&a[len - 8..]) == word(&b[len - 8..])
}

/// The first `N` bytes (`bytes` holds at least `N`).
#[inline]
fn half<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.first_chunk::<N>().copied().unwrap_or([0; N])
}

/// The first 8 bytes as a number, for comparing (`bytes` holds at least 8).
#[inline]
fn word(bytes: &[u8]) -> u64 {
    bytes
        .first_chunk::<8>()
        .map_or(0, |chunk| u64::from_ne_bytes(*chunk))
}

/// The `data` column's builder, with 32- or 64-bit offsets.
enum Data {
    Small(GenericStringBuilder<i32>),
    Large(GenericStringBuilder<i64>),
}

/// Appends text to the values of the row being built, which `append_value`
/// then ends.
fn write_text<O: OffsetSizeTrait>(builder: &mut GenericStringBuilder<O>, text: &str) {
    // (Writing to a builder cannot fail.)
    let _ = builder.write_str(text);
}

/// The values written past the last row's end.
fn unfinished<O: OffsetSizeTrait>(builder: &GenericStringBuilder<O>) -> &[u8] {
    let end = builder
        .offsets_slice()
        .last()
        .map_or(0, |end| end.as_usize());
    &builder.values_slice()[end..]
}

/// The array of the rows so far; the builder starts over with room for as
/// many rows and a sixteenth more bytes, so that a stream's batches after the
/// first are built without growing (and copying) their buffers, even when
/// their events are a little longer.
fn finish_data<O: OffsetSizeTrait>(builder: &mut GenericStringBuilder<O>) -> ArrayRef {
    let rows = builder.len();
    let bytes = builder.values_slice().len();
    let room = bytes + bytes / 16;
    let mut full = std::mem::replace(builder, GenericStringBuilder::with_capacity(rows, room));
    Arc::new(full.finish())
}

/// The `retry` column of `rows` rows, null but where `values` say.
fn retry_array(rows: usize, values: Vec<(usize, u64)>) -> ArrayRef {
    if values.is_empty() {
        return new_null_array(&DataType::UInt64, rows);
    }
    let mut column = vec![0; rows];
    let mut valid = BooleanBufferBuilder::new(rows);
    valid.append_n(rows, false);
    for (row, value) in values {
        column[row] = value;
        valid.set_bit(row, true);
    }
    Arc::new(UInt64Array::new(column.into(), Some(valid.finish().into())))
}

/// The most room the stream's first batch is given for its data before any
/// is there, and the most rows (see [`Columns::make_room`]).
const FIRST_ROOM: usize = 16 << 20;
const FIRST_ROWS: usize = 1 << 16;

/// One event, as the columns take it.
pub(crate) struct Row<'a> {
    pub event: Event<'a>,
    /// The event's data, decoded.
    pub data: &'a str,
    pub offset: u64,
}

/// The row whose data is being written into the `data` column as it comes.
#[derive(Debug, Default)]
enum Open {
    #[default]
    None,
    Writing(Utf8Pieces),
    /// Its data did not fit: the rest is dropped, and so is the row.
    Refused,
}

/// The framing columns of the batch being built.
pub(crate) struct Columns {
    layout: Layout,
    event: Dictionary,
    data: Data,
    id: Dictionary,
    /// The rows with a retry value, and the value: few are.
    retry: Vec<(usize, u64)>,
    offset: Vec<u64>,
    open: Open,
    rows: usize,
    bytes: usize,
    /// Until the stream's first row: the batches' row and byte bounds, to
    /// give the first batch room by.
    first: Option<(usize, usize)>,
}

impl Columns {
    /// The columns of batches cut at `batch_rows` rows or `batch_bytes` bytes.
    pub(crate) fn new(layout: Layout, batch_rows: usize, batch_bytes: usize) -> Columns {
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
            retry: Vec::new(),
            offset: Vec::new(),
            open: Open::None,
            rows: 0,
            bytes: 0,
            first: Some((batch_rows, batch_bytes)),
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

    #[inline(always)]
    pub(crate) fn push(&mut self, row: Row<'_>) {
        let Row {
            event,
            data,
            offset,
        } = row;
        let event_type = event.event_type_or_none();
        match event_type {
            Some(bytes) => self.event.push(bytes, || event.event_type()),
            None => self.event.push_null(),
        }
        if let Some((batch_rows, batch_bytes)) = self.first.take() {
            self.make_room(batch_rows, batch_bytes, data.len());
        }
        match &mut self.data {
            Data::Small(builder) => builder.append_value(data),
            Data::Large(builder) => builder.append_value(data),
        }
        let id = event.id();
        self.id.push(id.as_bytes(), || Cow::Borrowed(id));
        if let Some(retry) = event.retry() {
            self.retry.push((self.rows, retry));
        }
        if self.layout.offsets {
            self.offset.push(offset);
        }
        self.rows += 1;
        self.bytes += data.len() + event_type.map_or(0, <[u8]>::len) + id.len();
    }

    /// Writes the next piece of the open row's data (the start of a row when
    /// none is open), decoding it as UTF-8 across the pieces; `text` is the
    /// piece as text, when it was checked already.
    pub(crate) fn write_open(&mut self, bytes: &[u8], text: Option<&str>) {
        if let Some((batch_rows, batch_bytes)) = self.first.take() {
            self.make_room(batch_rows, batch_bytes, bytes.len());
        }
        if let Open::None = self.open {
            self.open = Open::Writing(Utf8Pieces::default());
        }
        let Open::Writing(decoder) = &mut self.open else {
            return;
        };
        match &mut self.data {
            Data::Small(builder) => {
                decoder.write(bytes, text, &mut |text| write_text(builder, text))
            }
            Data::Large(builder) => {
                decoder.write(bytes, text, &mut |text| write_text(builder, text))
            }
        }
    }

    /// The data bytes of the open row written so far.
    pub(crate) fn open_bytes(&self) -> usize {
        match &self.data {
            Data::Small(builder) => unfinished(builder).len(),
            Data::Large(builder) => unfinished(builder).len(),
        }
    }

    /// The open row's data does not fit: the row is dropped, with what is
    /// still to come of it (what was written stays past the batch's last
    /// offset, where no row sees it).
    pub(crate) fn refuse_open(&mut self) {
        self.open = Open::Refused;
    }

    /// Whether the open row was refused.
    pub(crate) fn open_refused(&self) -> bool {
        matches!(self.open, Open::Refused)
    }

    /// The open row's event is gone (a limit error, the end of the stream).
    pub(crate) fn drop_open(&mut self) {
        self.open = Open::None;
    }

    /// Ends the open row's data, for its [`Row`] to be pushed with no more
    /// data; false when it was refused (there is no row).
    pub(crate) fn end_open(&mut self) -> bool {
        match std::mem::take(&mut self.open) {
            Open::Refused => return false,
            Open::Writing(mut decoder) => match &mut self.data {
                Data::Small(builder) => decoder.finish(&mut |text| write_text(builder, text)),
                Data::Large(builder) => decoder.finish(&mut |text| write_text(builder, text)),
            },
            // (Data that was all empty values.)
            Open::None => {}
        }
        self.bytes += self.open_bytes();
        true
    }

    /// A copy of the open row's data so far, which a cut moves to the next
    /// batch (at a flush inside the event, or when the batch's data would
    /// overflow `utf8` offsets): the one case in which data is copied twice.
    fn take_open(&self) -> Vec<u8> {
        match &self.data {
            Data::Small(builder) => unfinished(builder).to_vec(),
            Data::Large(builder) => unfinished(builder).to_vec(),
        }
    }

    /// Writes the open row's data carried over from the batch before.
    fn write_carried(&mut self, carried: &[u8]) {
        // Only text was written, so it is valid.
        let text = String::from_utf8_lossy(carried);
        match &mut self.data {
            Data::Small(builder) => write_text(builder, &text),
            Data::Large(builder) => write_text(builder, &text),
        }
    }

    /// Gives the empty `data` column room for a batch cut at `batch_rows` rows
    /// or `batch_bytes` bytes of rows like the first, of `len` data bytes (the
    /// row that reaches `batch_bytes` is in the batch), and a sixteenth more:
    /// the stream's first batch is then built without growing (and copying)
    /// its buffer from nothing, as the next ones are (see [`finish_data`]).
    /// Past [`FIRST_ROOM`] it grows as it fills.
    fn make_room(&mut self, batch_rows: usize, batch_bytes: usize, len: usize) {
        let bytes = batch_rows
            .saturating_mul(len)
            .min(batch_bytes.saturating_add(len));
        let bytes = bytes.saturating_add(bytes / 16).min(FIRST_ROOM);
        let rows = batch_rows
            .min((batch_bytes / len.max(1)).saturating_add(2))
            .min(FIRST_ROWS);
        self.data = match self.data {
            Data::Small(_) => Data::Small(GenericStringBuilder::with_capacity(rows, bytes)),
            Data::Large(_) => Data::Large(GenericStringBuilder::with_capacity(rows, bytes)),
        };
    }

    /// The framing arrays of the rows so far, in [`Layout::fields`] order; the
    /// columns start over empty.
    pub(crate) fn finish(&mut self) -> Result<Vec<ArrayRef>, ArrowError> {
        let rows = std::mem::take(&mut self.rows);
        self.bytes = 0;
        // The open row's data so far moves to the next batch.
        let carried = match self.open {
            Open::Writing(_) => Some(self.take_open()),
            _ => None,
        };
        let data = match &mut self.data {
            Data::Small(builder) => finish_data(builder),
            Data::Large(builder) => finish_data(builder),
        };
        if let Some(carried) = carried {
            self.write_carried(&carried);
        }
        let mut arrays = vec![
            self.event.finish()?,
            data,
            self.id.finish()?,
            retry_array(rows, std::mem::take(&mut self.retry)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::Array;

    /// Each row's value, as the finished dictionary array gives it.
    fn values(dictionary: &mut Dictionary) -> Vec<Option<String>> {
        let array = dictionary.finish().unwrap();
        let array = array.as_dictionary::<Int32Type>();
        let strings = array.values().as_string::<i32>();
        (0..array.len())
            .map(|row| {
                array
                    .is_valid(row)
                    .then(|| strings.value(array.keys().value(row) as usize).to_owned())
            })
            .collect()
    }

    fn push(dictionary: &mut Dictionary, bytes: &[u8]) {
        dictionary.push(bytes, || String::from_utf8_lossy(bytes));
    }

    /// Bytes that are not UTF-8 are never taken for the text they decode to,
    /// nor text for such bytes; nulls and the start of a batch end a run.
    #[test]
    fn rows_compare_as_bytes_and_store_text() {
        for unique in [true, false] {
            let mut dictionary = Dictionary::new(unique);
            let rows: [Option<&[u8]>; 9] = [
                Some(b"\xff"),
                Some(b"\xff"),
                Some("\u{fffd}".as_bytes()),
                Some(b"\xff"),
                None,
                Some(b"\xff"),
                Some(b""),
                Some(b""),
                Some(b"a longer value, past eight bytes"),
            ];
            for row in rows {
                match row {
                    Some(bytes) => push(&mut dictionary, bytes),
                    None => dictionary.push_null(),
                }
            }
            let expected =
                rows.map(|row| row.map(|bytes| String::from_utf8_lossy(bytes).into_owned()));
            assert_eq!(values(&mut dictionary), expected);
            push(&mut dictionary, b"next batch");
            assert_eq!(values(&mut dictionary), [Some("next batch".to_owned())]);
        }
    }

    /// Equal lengths compare as byte strings, whatever the length.
    #[test]
    fn greater_is_the_byte_order() {
        let words: Vec<Vec<u8>> = (0..=20)
            .flat_map(|len| {
                [0_u8, 1, 0x7f, 0x80, 0xff]
                    .into_iter()
                    .flat_map(move |fill| (0..len.max(1)).map(move |at| (len, fill, at)))
            })
            .map(|(len, fill, at)| {
                let mut word = vec![0x41_u8; len];
                if let Some(byte) = word.get_mut(at) {
                    *byte = fill;
                }
                word
            })
            .collect();
        for a in &words {
            for b in words.iter().filter(|b| b.len() == a.len()) {
                assert_eq!(greater(a, b), a > b, "{a:?} {b:?}");
            }
        }
    }

    /// A batch's IDs that came back are one value of its dictionary, the
    /// first stored; IDs that rise are left as they are.
    #[test]
    fn an_id_that_comes_back_takes_its_first_key() {
        let mut dictionary = Dictionary::new(false);
        let ids = [
            "8", "9", "10", "11", "9", "a", "12", "10", "a", "b", "a", "zz", "12",
        ];
        for id in ids {
            push(&mut dictionary, id.as_bytes());
        }
        dictionary.push_null();
        let array = dictionary.finish().unwrap();
        let array = array.as_dictionary::<Int32Type>();
        let stored = array.values().as_string::<i32>();
        let stored: Vec<&str> = stored.iter().map(Option::unwrap).collect();
        assert_eq!(stored, ["8", "9", "10", "11", "a", "12", "b", "zz"]);
        let keys: Vec<Option<i32>> = array.keys().iter().collect();
        let expected = [0, 1, 2, 3, 1, 4, 5, 2, 4, 6, 4, 7, 5].map(Some);
        assert_eq!(keys[..13], expected);
        assert_eq!(keys[13], None);
        let rising = ["1", "2", "10", "11", "ab", "ac"];
        for id in rising {
            push(&mut dictionary, id.as_bytes());
        }
        assert!(dictionary.values.rising());
        let expected: Vec<Option<String>> = rising.iter().map(|id| Some(id.to_string())).collect();
        assert_eq!(values(&mut dictionary), expected);
    }

    /// Past the values looked up by comparing bytes, the hash map finds the
    /// rest: each distinct value is stored once, whichever finds it.
    #[test]
    fn unique_values_are_stored_once() {
        let mut dictionary = Dictionary::new(true);
        let names: Vec<String> = (0..3 * SCANNED).map(|n| format!("type {n}")).collect();
        let rows: Vec<&String> = names
            .iter()
            .chain(names.iter().rev())
            .chain(&names)
            .collect();
        for name in &rows {
            push(&mut dictionary, name.as_bytes());
        }
        assert_eq!(dictionary.values.len(), names.len());
        let expected: Vec<Option<String>> = rows.iter().map(|&name| Some(name.clone())).collect();
        assert_eq!(values(&mut dictionary), expected);
    }

    /// The capacity of each batch's `data` buffer, with these options, fed
    /// events of data of these lengths.
    fn capacities(batch_rows: usize, batch_bytes: usize, lens: &[usize]) -> Vec<(usize, usize)> {
        use crate::{BatchParser, Options};
        let options = Options {
            batch_rows,
            batch_bytes,
            ..Options::default()
        };
        let mut parser = BatchParser::new(sseflow_core::Config::default(), options).unwrap();
        for &len in lens {
            let event = format!("data: {}\n\n", "x".repeat(len));
            parser.feed(event.as_bytes()).unwrap();
        }
        parser.flush().unwrap();
        std::iter::from_fn(|| parser.next_batch())
            .map(|batch| {
                let data = batch.column(1).to_data();
                (data.buffers()[0].capacity(), data.buffers()[1].capacity())
            })
            .collect()
    }

    /// A stream's first batch has room for its rows if they are like its
    /// first, a batch after it for the data of the batch before, each with a
    /// sixteenth to spare: events a little longer fill them without their
    /// buffers growing (doubling, and copying themselves).
    #[test]
    fn batches_have_room_for_their_data() {
        let lens = [1000, 1010, 1020, 1030, 1040, 1050, 1060, 1070];
        // Cut at 4 rows: room for 4,000 bytes and a sixteenth (4,250), then
        // for the first batch's 4,060 and a sixteenth; not doubled to 8,000.
        let room = |bytes: usize| bytes + bytes / 16;
        let data = |capacities: Vec<(usize, usize)>| capacities.into_iter().map(|(_, data)| data);
        let got: Vec<usize> = data(capacities(4, 1 << 20, &lens)).collect();
        assert_eq!(got, [room(4000), room(4060)]);
        // Cut at 3,000 bytes: room for 3,000 and the row past them, then
        // for the 3,030 bytes of the first batch's 3 rows, then for 3,120.
        let got: Vec<usize> = data(capacities(100, 3000, &lens)).collect();
        assert_eq!(got, [room(4000), room(3030), room(3120)]);
        // Bounds too large to make room by: at most FIRST_ROWS rows' offsets.
        let [(offsets, data)] = capacities(i32::MAX as usize, usize::MAX, &[0, 5])[..] else {
            panic!("one batch");
        };
        assert!(offsets <= (FIRST_ROWS + 1) * 4, "{offsets}");
        assert!(data <= 64, "{data}");
    }

    /// Values of every length around the short copies' cuts, ASCII and not,
    /// come out as they went in, each batch's after the last's.
    #[test]
    fn strings_keep_every_length() {
        let text = "0123456789abcdefghijklmnopqrstuvwxyzé€😀";
        // Every prefix and every suffix.
        let values: Vec<&str> = (0..=text.len())
            .filter(|&at| text.is_char_boundary(at))
            .flat_map(|at| [&text[..at], &text[at..]])
            .collect();
        let mut strings = Strings::new();
        for round in 0..2 {
            for value in &values {
                strings.push(value);
            }
            let array = strings.finish().unwrap();
            let got: Vec<&str> = array.iter().map(Option::unwrap).collect();
            assert_eq!(got, values, "batch {round}");
        }
    }

    /// Values past 2 GiB in one batch are refused when the batch is cut,
    /// not made into offsets that wrap (a value's end past `i32` is pushed
    /// as -1); the buffer starts over empty.
    #[test]
    fn strings_past_2_gib_are_refused() {
        let mut strings = Strings {
            bytes: b"ab".to_vec(),
            offsets: vec![0, 2, -1],
        };
        let error = strings.finish().unwrap_err();
        assert!(error.to_string().contains("pass 2 GiB"), "{error}");
        strings.push("next");
        let array = strings.finish().unwrap();
        assert_eq!(array.iter().collect::<Vec<_>>(), [Some("next")]);
    }

    #[test]
    fn compares_bytes() {
        assert!(same(b"", b""));
        assert!(same(b"content_block_delta", b"content_block_delta"));
        assert!(!same(b"content_block_delta", b"content_block_delte"));
        assert!(!same(b"content_block_delta", b"Content_block_delta"));
        assert!(!same(b"abc", b"abcd"));
        assert!(!same(b"abcdefgh", b"abcdefgi"));
        // Every length up to three words, differing at each byte in turn.
        let text = b"0123456789abcdefghijklmnopqrstuvw";
        for len in 0..text.len() {
            let value = &text[..len];
            let copy = value.to_vec();
            assert!(same(value, &copy));
            for at in 0..len {
                let mut other = copy.clone();
                other[at] ^= 1;
                assert!(!same(value, &other), "{len} bytes, differing at {at}");
            }
        }
    }
}
