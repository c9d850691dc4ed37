//! Decoding each event's data as JSON into a typed `json` column.
//!
//! # How it works
//!
//! When a batch is cut, the data of its events (those of the chosen types)
//! that are JSON objects is first read by the direct decoder (`direct/`), if
//! it reads the type: it builds the typed arrays in one pass over the `data`
//! column's text, or gives the batch up at the first thing it is not sure of.
//! A batch given up, or any batch when the type has a field the direct decoder
//! does not read, is fed to arrow-json's decoder one event at a time, straight
//! from the `data` column's buffer. That decoder tokenizes into a tape, and its
//! flush builds the typed arrays. An event counts as one row only if its data
//! is exactly one JSON value: after each one the decoder must hold one more
//! complete row. Both give the same arrays. Data that is not an object is
//! checked alone by arrow-json.
//!
//! # Traps
//!
//! * arrow-json's decoder cannot take back a value. Data that is not one JSON
//!   value (`[DONE]`, empty, `1 2`), or a flush that fails on a value that
//!   does not fit the schema, spoils its fast pass over the batch; the batch is
//!   then decoded again, checking each event alone, and only the good ones are
//!   decoded together. Only batches holding a bad event pay for that (and for
//!   the direct decoder's attempt, which stops at the bad event).
//! * Rows that are skipped (a type not chosen) or bad are nulls of the `json`
//!   column, put in place by a `take` with null indices.

use crate::corrections::Corrections;
use crate::direct::Direct;
use crate::error::{Error, JsonError};
use crate::escapes::{fix_surrogates, LONE};
use crate::sample;
use crate::schema;
use crate::strict::{refused_early, syntax_error};
use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use arrow_array::{new_null_array, Array, ArrayRef, UInt32Array};
use arrow_json::reader::{infer_json_schema_from_iterator, Decoder, ReaderBuilder};
use arrow_schema::{ArrowError, DataType, Field, Fields};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The most rows the decoder holds before a flush; larger batches are decoded
/// in parts and concatenated.
const DECODER_ROWS: usize = 1 << 16;

/// Whether a field name in `kind`, at any depth, holds `ch`.
fn names_hold(kind: &DataType, ch: char) -> bool {
    match kind {
        DataType::Struct(fields) => fields
            .iter()
            .any(|f| f.name().contains(ch) || names_hold(f.data_type(), ch)),
        DataType::List(item)
        | DataType::LargeList(item)
        | DataType::ListView(item)
        | DataType::LargeListView(item)
        | DataType::FixedSizeList(item, _)
        | DataType::Map(item, _) => names_hold(item.data_type(), ch),
        _ => false,
    }
}

/// The deepest type inferred: pyarrow refuses to import a deeper one (a
/// `RecursionError`-like `ArrowInvalid`), and polars crashed on one.
const MAX_INFERRED_DEPTH: usize = 62;

/// How many structs and lists `kind` nests.
fn depth(kind: &DataType) -> usize {
    match kind {
        DataType::Struct(fields) => {
            1 + fields
                .iter()
                .map(|f| depth(f.data_type()))
                .max()
                .unwrap_or(0)
        }
        DataType::List(item) | DataType::LargeList(item) => 1 + depth(item.data_type()),
        _ => 0,
    }
}

/// What to do with data that is not JSON or does not fit the schema.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnError {
    /// A null `json` row, and the reason in the `json_error` column.
    #[default]
    Null,
    /// Fail with [`Error::Json`](crate::Error::Json), naming the event.
    Raise,
}

/// The type of the `json` column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonSchema {
    /// These fields, as a struct. [`BatchParser::new`](crate::BatchParser::new)
    /// refuses, naming the field, a field at any depth of type null that is
    /// not nullable, and a run-end encoded one (see `schema.rs`).
    Fields(Fields),
    /// Inferred from the first batch's first `rows` events whose data is a
    /// JSON object, then kept for the stream. The type must hold every one of
    /// those objects, or it is refused.
    Infer {
        /// How many events to look at.
        rows: usize,
    },
}

/// Options for decoding event data as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonOptions {
    /// The `json` column's struct type, given or inferred.
    pub schema: JsonSchema,
    /// Decode only events of these types (default: all).
    pub events: Option<Vec<String>>,
    /// The policy for bad data.
    pub on_error: OnError,
    /// Whether a number or boolean fills a string field as its JSON text
    /// (`1.50` as `"1.50"`); `None`: with an inferred type only, since
    /// arrow-json infers a string for a field whose values mix strings with
    /// numbers or booleans.
    pub scalars_to_strings: Option<bool>,
}

/// One batch's framing columns, as the decoder reads them.
#[derive(Clone, Copy)]
pub(crate) struct Batch<'a> {
    pub event: &'a dyn Array,
    pub data: &'a dyn Array,
    pub id: &'a dyn Array,
    /// The stream position of the batch's first event.
    pub first_index: u64,
    /// Whether lone surrogate escapes are marked (see [`fix_surrogates`]).
    pub mark: bool,
}

impl Batch<'_> {
    fn len(&self) -> usize {
        self.data.len()
    }

    /// A row's data, as the stream gave it.
    fn raw(&self, row: usize) -> &[u8] {
        match self.data.data_type() {
            DataType::LargeUtf8 => self.data.as_string::<i64>().value(row),
            _ => self.data.as_string::<i32>().value(row),
        }
        .as_bytes()
    }

    /// A row's data as the decoder is given it (see [`fix_surrogates`]).
    fn data(&self, row: usize) -> Cow<'_, [u8]> {
        self.prepared(row).0
    }

    /// A row's data as the decoder is given it, and whether a lone surrogate
    /// escape in it was marked (the row is then checked alone).
    fn prepared(&self, row: usize) -> (Cow<'_, [u8]>, bool) {
        fix_surrogates(self.raw(row), self.mark)
    }

    fn text(column: &dyn Array, row: usize) -> String {
        let dictionary = column.as_dictionary::<Int32Type>();
        if dictionary.is_null(row) {
            return String::new();
        }
        let key = dictionary.keys().value(row) as usize;
        dictionary.values().as_string::<i32>().value(key).to_owned()
    }

    fn error(&self, row: usize, message: String) -> JsonError {
        JsonError {
            index: self.first_index + row as u64,
            event: Batch::text(self.event, row),
            id: Batch::text(self.id, row),
            message,
        }
    }
}

/// The JSON decoding state of a stream.
pub(crate) struct Json {
    options: JsonOptions,
    /// The `json` column's type and its decoder, once the type is known.
    decoder: Option<(DataType, Decoder)>,
    /// Whether numbers and booleans fill string fields (an inferred type).
    coerce: bool,
    /// The direct decoder of that type, if it reads all its fields.
    direct: Option<Direct>,
    /// Whether to try the direct decoder first (the tests compare both ways).
    fast: bool,
    batch_rows: usize,
    events: Option<HashSet<String>>,
    /// Kept from batch to batch: building one costs a decoder, which a small
    /// batch (a live stream's, of a few events) would pay each time.
    checker: Option<Checker>,
}

/// The JSON columns of one batch.
pub(crate) struct Decoded {
    pub json: ArrayRef,
    pub errors: Option<ArrayRef>,
}

impl Json {
    pub(crate) fn new(options: JsonOptions, batch_rows: usize) -> Result<Json, ArrowError> {
        let events = options.events.as_ref().map(|v| v.iter().cloned().collect());
        let mut json = Json {
            options,
            decoder: None,
            coerce: false,
            direct: None,
            fast: true,
            batch_rows,
            events,
            checker: None,
        };
        if let JsonSchema::Fields(fields) = &json.options.schema {
            let coerce = json.options.scalars_to_strings.unwrap_or(false);
            json.settle_as(DataType::Struct(fields.clone()), coerce)?;
        }
        Ok(json)
    }

    fn build(&self, kind: DataType) -> Result<Decoder, ArrowError> {
        decoder(
            kind,
            self.batch_rows.clamp(1, DECODER_ROWS),
            self.coerce,
            None,
        )
    }

    /// Settles the `json` column's type, and whether numbers and booleans
    /// fill its string fields: its decoders.
    fn settle_as(&mut self, kind: DataType, coerce: bool) -> Result<(), ArrowError> {
        schema::check(&kind)?;
        self.coerce = coerce;
        // The direct decoder gives up at a value of another type, so a
        // coerced one is always arrow-json's.
        self.direct = Direct::new(&kind);
        self.checker = None;
        self.decoder = Some((kind.clone(), self.build(kind)?));
        Ok(())
    }

    /// Decodes with arrow-json alone, never trying the direct decoder.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn arrow_json_only(mut self) -> Json {
        self.fast = false;
        self
    }

    /// The JSON fields (`json`, then `json_error` with [`OnError::Null`]), once
    /// the type is known.
    pub(crate) fn fields(&self) -> Option<Vec<Field>> {
        let (kind, _) = self.decoder.as_ref()?;
        let mut fields = vec![Field::new("json", kind.clone(), true)];
        if self.options.on_error == OnError::Null {
            fields.push(Field::new("json_error", DataType::Utf8, true));
        }
        Some(fields)
    }

    /// These options with the type settled (given, or inferred from the first
    /// batch), to make another decoder of the same columns; `None` while the
    /// type is still to be inferred.
    pub(crate) fn settled(&self) -> Option<JsonOptions> {
        let (DataType::Struct(fields), _) = self.decoder.as_ref()? else {
            unreachable!("the json column is a struct")
        };
        Some(JsonOptions {
            schema: JsonSchema::Fields(fields.clone()),
            scalars_to_strings: Some(self.coerce),
            ..self.options.clone()
        })
    }

    /// The rows to decode: those of the chosen types.
    fn candidates(&self, batch: &Batch<'_>) -> Vec<usize> {
        let Some(events) = &self.events else {
            return (0..batch.len()).collect();
        };
        let dictionary = batch.event.as_dictionary::<Int32Type>();
        let values = dictionary.values().as_string::<i32>();
        let chosen: Vec<bool> = values
            .iter()
            .map(|v| events.contains(v.unwrap_or("")))
            .collect();
        let keys = dictionary.keys();
        (0..batch.len())
            .filter(|&row| keys.is_valid(row) && chosen[keys.value(row) as usize])
            .collect()
    }

    /// Settles an inferred type that no batch came to infer: an empty struct.
    pub(crate) fn settle(&mut self) -> Result<(), ArrowError> {
        if self.decoder.is_none() {
            let coerce = self.options.scalars_to_strings.unwrap_or(true);
            self.settle_as(DataType::Struct(Fields::empty()), coerce)?;
        }
        Ok(())
    }

    /// Infers the `json` type from the batch, if it is not known yet.
    fn infer(&mut self, batch: &Batch<'_>, candidates: &[usize]) -> Result<(), Error> {
        let JsonSchema::Infer { rows } = self.options.schema else {
            return Ok(());
        };
        if self.decoder.is_some() {
            return Ok(());
        }
        let (sample, values): (Vec<usize>, Vec<serde_json::Value>) = candidates
            .iter()
            .filter_map(|&row| match batch.prepared(row) {
                // No Arrow type holds a lone surrogate: the object cannot inform one.
                (_, true) => None,
                (data, false) => Some((row, sample::value(&data)?)),
            })
            .filter(|(_, value)| value.is_object())
            .take(rows)
            .unzip();
        let cannot = |why: String| {
            Error::Inference(format!(
                "cannot infer one JSON type from the first {} objects of the stream ({why}); \
                 give a schema instead",
                values.len()
            ))
        };
        // Values arrow-json cannot merge into one type, such as `[1]` and `[{}]`.
        let schema = infer_json_schema_from_iterator(values.iter().map(Ok))
            .map_err(|error| cannot(error.to_string()))?;
        let kind = DataType::Struct(schema.fields().clone());
        if depth(&kind) > MAX_INFERRED_DEPTH {
            return Err(cannot(format!(
                "one nests more than {MAX_INFERRED_DEPTH} levels, deeper than pyarrow imports"
            )));
        }
        // A type arrow-json infers but that does not hold them all: for `1`
        // and `[2]`, a list of numbers, which `1` does not fill. They are
        // decoded together, and only if that fails one by one, to name one.
        let coerce = self.options.scalars_to_strings.unwrap_or(true);
        if holds_all(&kind, coerce, sample.iter().map(|&row| batch.data(row)))? {
            return Ok(self.settle_as(kind, coerce)?);
        }
        let mut checker = Checker::new(kind.clone(), coerce)?;
        for &row in &sample {
            if let Some(problem) = checker.check(&batch.data(row), false)? {
                let index = batch.first_index + row as u64;
                let problem = problem
                    .strip_prefix("does not fit the schema: ")
                    .unwrap_or(&problem);
                return Err(cannot(format!(
                    "event {index}'s data does not fit the type inferred from them: {problem}"
                )));
            }
        }
        Ok(self.settle_as(kind, coerce)?)
    }

    /// Decodes the batch's data into its JSON columns.
    ///
    /// Data that does not start with `{` cannot fill a struct (`null` aside, a
    /// null row): it is checked alone, so that a sentinel such as `[DONE]`
    /// leaves the fast pass to the other rows.
    pub(crate) fn decode(&mut self, batch: &Batch<'_>) -> Result<Decoded, Error> {
        let candidates = self.candidates(batch);
        self.infer(batch, &candidates)?;
        let kind = self.decoder.as_ref().map(|(kind, _)| kind.clone());
        let kind = kind.expect("the type is known once inferred");
        // A marked key would match a field named with the mark.
        let batch = &Batch {
            mark: !names_hold(&kind, LONE),
            ..*batch
        };
        let (objects, others): (Vec<usize>, Vec<usize>) = candidates
            .iter()
            .partition(|&&row| batch.raw(row).trim_ascii_start().first() == Some(&b'{'));
        let mut checker = match self.checker.take() {
            Some(checker) => checker,
            None => Checker::new(kind.clone(), self.coerce)?,
        };
        let mut errors = Vec::new();
        for &row in &others {
            let (data, marked) = batch.prepared(row);
            if let Some(problem) = checker.check(&data, marked)? {
                errors.push((row, problem));
            }
        }
        let (good_rows, good) = match self.decode_direct(batch, &objects) {
            Some(array) => (objects, Some(array)),
            None => match self.decode_all(batch, &objects) {
                Ok(array) => (objects, array),
                Err(()) => {
                    self.reset()?;
                    self.decode_each(batch, &objects, &mut checker, &mut errors)?
                }
            },
        };
        // Each check leaves the checker empty.
        self.checker = Some(checker);
        errors.sort_unstable_by_key(|(row, _)| *row);
        let json = place(batch.len(), &good_rows, good, &kind)?;
        if self.options.on_error == OnError::Raise {
            if let Some((row, message)) = errors.into_iter().next() {
                return Err(Error::Json(batch.error(row, message)));
            }
            return Ok(Decoded { json, errors: None });
        }
        Ok(Decoded {
            json,
            errors: Some(error_column(batch.len(), errors)),
        })
    }

    /// Decodes a batch of framing columns (`event`, `data`, `id` first) whose
    /// first event is the stream's `first_index`th, appending the JSON columns.
    pub(crate) fn decode_into(
        &mut self,
        arrays: &mut Vec<ArrayRef>,
        first_index: u64,
    ) -> Result<(), Error> {
        let decoded = self.decode(&Batch {
            event: arrays[0].as_ref(),
            data: arrays[1].as_ref(),
            id: arrays[2].as_ref(),
            first_index,
            mark: true,
        })?;
        arrays.push(decoded.json);
        arrays.extend(decoded.errors);
        Ok(())
    }

    fn decoder(&mut self) -> &mut Decoder {
        &mut self.decoder.as_mut().expect("known").1
    }

    /// The direct pass, if the direct decoder reads the type and every row.
    fn decode_direct(&mut self, batch: &Batch<'_>, rows: &[usize]) -> Option<ArrayRef> {
        if !self.fast || rows.is_empty() {
            return None;
        }
        let direct = self.direct.as_mut()?;
        match batch.data.data_type() {
            DataType::LargeUtf8 => {
                let data = batch.data.as_string::<i64>();
                direct.decode(rows.iter().map(|&row| data.value(row)))
            }
            _ => {
                let data = batch.data.as_string::<i32>();
                direct.decode(rows.iter().map(|&row| data.value(row)))
            }
        }
    }

    /// The fast pass: every row must be one JSON value fitting the type (and JSON
    /// as RFC 8259 writes it, which arrow-json does not check).
    fn decode_all(&mut self, batch: &Batch<'_>, rows: &[usize]) -> Result<Option<ArrayRef>, ()> {
        let limit = self.batch_rows.clamp(1, DECODER_ROWS);
        let mut parts = Vec::new();
        let decoder = self.decoder();
        for &row in rows {
            if decoder.len() == limit {
                parts.push(flush(decoder).map_err(drop)?);
            }
            let before = decoder.len();
            let (data, marked) = batch.prepared(row);
            if marked || refused_early(&data).is_some() {
                return Err(());
            }
            match decoder.decode(&data) {
                Ok(used) if used == data.len() => {}
                _ => return Err(()),
            }
            if decoder.len() != before + 1 || decoder.has_partial_record() {
                return Err(());
            }
        }
        if !decoder.is_empty() {
            parts.push(flush(decoder).map_err(drop)?);
        }
        // Rows arrow-json took that are not JSON: the careful pass names them.
        if rows
            .iter()
            .any(|&row| syntax_error(&batch.data(row)).is_some())
        {
            return Err(());
        }
        concat(parts).map_err(drop)
    }

    /// The careful pass: each row is checked alone, then the good ones are
    /// decoded together. Returns the good rows and their values; the bad rows
    /// go to `errors` with the reason.
    fn decode_each(
        &mut self,
        batch: &Batch<'_>,
        rows: &[usize],
        checker: &mut Checker,
        errors: &mut Vec<(usize, String)>,
    ) -> Result<(Vec<usize>, Option<ArrayRef>), ArrowError> {
        let mut good = Vec::new();
        for &row in rows {
            let (data, marked) = batch.prepared(row);
            match checker.check(&data, marked)? {
                Some(problem) => errors.push((row, problem)),
                None => good.push(row),
            }
        }
        let limit = self.batch_rows.clamp(1, DECODER_ROWS);
        let mut parts = Vec::new();
        let decoder = self.decoder();
        for &row in &good {
            if decoder.len() == limit {
                parts.push(flush(decoder)?);
            }
            decoder.decode(&batch.data(row))?;
            decoder.decode(b"\n")?;
        }
        if !decoder.is_empty() {
            parts.push(flush(decoder)?);
        }
        Ok((good, concat(parts)?))
    }

    /// A fresh decoder, after one was left inside a value or failed.
    fn reset(&mut self) -> Result<(), ArrowError> {
        let (kind, _) = self.decoder.take().expect("known");
        self.decoder = Some((kind.clone(), self.build(kind)?));
        Ok(())
    }
}

/// The `json_error` column: each row's reason, from `errors` (sorted by row),
/// or null; all nulls, without a buffer of text, in the common batch.
fn error_column(len: usize, errors: Vec<(usize, String)>) -> ArrayRef {
    if errors.is_empty() {
        return new_null_array(&DataType::Utf8, len);
    }
    let text = errors.iter().map(|(_, message)| message.len()).sum();
    let mut column = StringBuilder::with_capacity(len, text);
    let mut next = 0;
    for (row, message) in errors {
        column.extend(std::iter::repeat_n(None::<&str>, row - next));
        column.append_value(message);
        next = row + 1;
    }
    column.extend(std::iter::repeat_n(None::<&str>, len - next));
    Arc::new(column.finish())
}

/// A decoder of `json` values of this type, holding at most `rows` rows;
/// with `coerce`, numbers and booleans fill string fields as their text. With
/// `lone`, its string fields refuse a marked lone surrogate while it is set.
fn decoder(
    kind: DataType,
    rows: usize,
    coerce: bool,
    lone: Option<Arc<AtomicBool>>,
) -> Result<Decoder, ArrowError> {
    ReaderBuilder::new_with_field(Field::new("json", kind, true))
        .with_batch_size(rows)
        .with_coerce_primitive(coerce)
        .with_decoder_factory(Arc::new(Corrections { lone }))
        .build_decoder()
}

/// Whether every one of `objects` (each one JSON object) fits `kind`.
fn holds_all<'a>(
    kind: &DataType,
    coerce: bool,
    objects: impl ExactSizeIterator<Item = Cow<'a, [u8]>>,
) -> Result<bool, ArrowError> {
    let mut decoder = decoder(kind.clone(), objects.len().max(1), coerce, None)?;
    for data in objects {
        if decoder.decode(&data).is_err() {
            return Ok(false);
        }
    }
    Ok(decoder.flush().is_ok())
}

fn flush(decoder: &mut Decoder) -> Result<ArrayRef, ArrowError> {
    let batch = decoder.flush()?.expect("rows were buffered");
    Ok(batch.column(0).clone())
}

fn concat(parts: Vec<ArrayRef>) -> Result<Option<ArrayRef>, ArrowError> {
    match parts.len() {
        0 => Ok(None),
        1 => Ok(parts.into_iter().next()),
        _ => {
            let refs: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
            arrow_select::concat::concat(&refs).map(Some)
        }
    }
}

/// The `json` column: the values decoded for `rows`, in order, and nulls
/// elsewhere.
fn place(
    len: usize,
    rows: &[usize],
    good: Option<ArrayRef>,
    kind: &DataType,
) -> Result<ArrayRef, ArrowError> {
    let Some(good) = good else {
        return Ok(new_null_array(kind, len));
    };
    if good.len() == len {
        return Ok(good);
    }
    let mut indices: Vec<Option<u32>> = vec![None; len];
    for (index, &row) in rows.iter().enumerate() {
        // A batch's rows fit in i32 (see `Options::batch_rows`).
        indices[row] = Some(index as u32);
    }
    arrow_select::take::take(good.as_ref(), &UInt32Array::from(indices), None)
}

/// Decodes one value alone, to tell whether it is one JSON value that fits.
struct Checker {
    kind: DataType,
    coerce: bool,
    decoder: Decoder,
    /// Whether the row checked had a lone surrogate escape marked.
    lone: Arc<AtomicBool>,
}

impl Checker {
    fn new(kind: DataType, coerce: bool) -> Result<Checker, ArrowError> {
        let lone = Arc::new(AtomicBool::new(false));
        let decoder = decoder(kind.clone(), 1, coerce, Some(lone.clone()))?;
        Ok(Checker {
            kind,
            coerce,
            decoder,
            lone,
        })
    }

    /// What is wrong with `data`, if anything (`null` is fine: a null row);
    /// `marked`: whether a lone surrogate escape in it was marked.
    fn check(&mut self, data: &[u8], marked: bool) -> Result<Option<String>, ArrowError> {
        if let Some(problem) = refused_early(data) {
            return Ok(Some(problem));
        }
        self.lone.store(marked, Ordering::Relaxed);
        let current = &mut self.decoder;
        // The line end ends a bare number, which the decoder holds open.
        let whole = current
            .decode(data)
            .and_then(|used| current.decode(b"\n").map(|_| used == data.len()));
        let problem = match whole {
            Err(error) => Some(format!("not JSON: {}", byte_named(error.to_string()))),
            Ok(true) if current.len() == 1 && !current.has_partial_record() => {
                match current.flush() {
                    // What arrow-json takes but JSON is not (`strict.rs`).
                    Ok(_) => syntax_error(data),
                    // (`-` is a number to arrow-json, until it parses it.)
                    Err(error) => syntax_error(data)
                        .or_else(|| Some(format!("does not fit the schema: {error}"))),
                }
            }
            Ok(_) => Some("not one JSON value".to_owned()),
        };
        if problem.is_some() {
            self.decoder = decoder(self.kind.clone(), 1, self.coerce, Some(self.lone.clone()))?;
        }
        // A value quoted in the reason shows the lone surrogate, not its mark.
        Ok(match marked {
            true => problem.map(|problem| problem.replace(LONE, "<lone surrogate>")),
            false => problem,
        })
    }
}

/// arrow-json names the byte it did not expect as a character (`b as char`), so
/// the first byte of a non-ASCII character comes out as another character
/// (`é` as `Ã`): such a byte is named by its value instead.
fn byte_named(message: String) -> String {
    const SHOWN: &str = "unexpected '";
    let Some(start) = message.find(SHOWN).map(|at| at + SHOWN.len()) else {
        return message;
    };
    let mut shown = message[start..].chars();
    match (shown.next(), shown.next()) {
        (Some(byte @ '\u{80}'..='\u{ff}'), Some('\'')) => format!(
            "{}byte 0x{:02X}, the start of a non-ASCII character,{}",
            &message[..start - 1],
            u32::from(byte),
            &message[start + byte.len_utf8() + 1..]
        ),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::byte_named;

    #[test]
    fn a_non_ascii_byte_is_named_by_its_value() {
        let named = |message: &str| byte_named(message.to_owned());
        assert_eq!(
            named("Json error: Encountered unexpected '\u{c3}' whilst parsing value"),
            "Json error: Encountered unexpected byte 0xC3, the start of a non-ASCII character, \
             whilst parsing value"
        );
        let ascii = "Json error: Encountered unexpected 'D' whilst parsing value";
        assert_eq!(named(ascii), ascii);
        assert_eq!(named("expected { got 1"), "expected { got 1");
    }
}
