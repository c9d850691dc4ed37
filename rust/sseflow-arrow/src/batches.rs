//! [`BatchParser`]: an event stream in, Arrow record batches out.

use crate::columns::{Columns, Layout, Row, MAX_UTF8_BYTES};
use crate::error::{Error, Refusal};
use crate::json::{Json, JsonOptions};
use crate::workers::Workers;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, Schema, SchemaRef};
use sseflow_core::{Config, DataSink, EndOfStream, Event, Item, Parser};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::Arc;

/// When batches are cut, which columns they have, and how data is decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// A batch is cut once it holds this many events (at least 1, at most
    /// `i32::MAX`).
    pub batch_rows: usize,
    /// A batch is cut once its text (data, types and IDs) reaches this many bytes.
    ///
    /// The default, 1 MiB, keeps a batch's buffers in memory the allocator
    /// reuses: 16 MiB ones were mapped afresh, and faulting their pages in made
    /// streams of 64 KiB events frame 2.5x slower.
    pub batch_bytes: usize,
    /// The optional framing columns.
    pub layout: Layout,
    /// Decode each event's data as JSON into a `json` column.
    pub json: Option<JsonOptions>,
    /// Threads that decode the JSON of cut batches while feeding goes on
    /// framing (0: each batch is decoded in the call that cuts it).
    ///
    /// Batches come out in stream order and equal to those of 0 threads.
    /// [`next_batch`](BatchParser::next_batch) hands out the ones decoded so
    /// far and never waits; [`wait`](BatchParser::wait),
    /// [`flush`](BatchParser::flush) and [`finish`](BatchParser::finish) wait
    /// for those in flight, and a batch cut while one per thread and one more
    /// are in flight waits for room. An inferred type is settled on the
    /// first batch, decoded in the call that cuts it. An error a thread meets
    /// comes after the batches before its batch, and is returned by the next
    /// `feed`, `flush` or `finish`; the batches after it are dropped.
    pub decode_threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch_rows: 64 * 1024,
            batch_bytes: 1024 * 1024,
            layout: Layout::default(),
            json: None,
            decode_threads: 0,
        }
    }
}

/// The batches being built and the ones ready.
struct Batches {
    batch_rows: usize,
    batch_bytes: usize,
    columns: Columns,
    json: Option<Json>,
    schema: Option<SchemaRef>,
    ready: VecDeque<RecordBatch>,
    /// Events in the batches cut so far.
    events: u64,
    /// [`Options::decode_threads`].
    threads: usize,
    /// Started at the first batch cut with the JSON type known.
    workers: Option<Workers>,
    /// An event whose data no `utf8` column holds was refused: the error
    /// `feed` returns once it has parsed the rest of the chunk, so that the
    /// events after it are not lost.
    refused: Option<Error>,
}

/// An incremental event-stream parser that hands out Arrow record batches.
///
/// It is fed like [`sseflow_core::Parser`], with the same rules, limits and
/// end-of-stream report; each dispatched event becomes a row of the batch being
/// built. A batch is cut when it reaches [`Options::batch_rows`] rows or
/// [`Options::batch_bytes`] bytes, at [`flush`](BatchParser::flush) and at
/// [`finish`](BatchParser::finish).
pub struct BatchParser {
    parser: Parser,
    batches: Batches,
    /// Bytes of the stream consumed so far.
    offset: u64,
    /// A JSON or inference error was returned: input is refused with it.
    failed: Option<Refusal>,
    /// An error a decoding thread met, for the next feed, flush or finish.
    unreported: Option<Error>,
    /// The bytes the default event type adds to a row's text.
    default_type: usize,
}

impl BatchParser {
    /// A parser with the core's `config` and these options.
    ///
    /// Fails when the options cannot make a batch (`batch_rows` of 0 or past
    /// `i32::MAX`, a JSON schema arrow-json cannot decode into).
    pub fn new(config: Config, options: Options) -> Result<BatchParser, ArrowError> {
        if options.batch_rows == 0 || options.batch_rows > i32::MAX as usize {
            return Err(ArrowError::InvalidArgumentError(format!(
                "batch_rows must be from 1 to 2**31 - 1, got {}",
                options.batch_rows
            )));
        }
        let json = match options.json {
            Some(json) => Some(Json::new(json, options.batch_rows)?),
            None => None,
        };
        let mut batches = Batches {
            batch_rows: options.batch_rows,
            batch_bytes: options.batch_bytes,
            columns: Columns::new(options.layout, options.batch_rows, options.batch_bytes),
            json,
            schema: None,
            ready: VecDeque::new(),
            events: 0,
            threads: options.decode_threads,
            workers: None,
            refused: None,
        };
        batches.schema = batches.known_schema();
        let default_type = config.default_event_type().map_or(0, <[u8]>::len);
        Ok(BatchParser {
            default_type,
            parser: Parser::with_config(config.data_sink(true)),
            batches,
            offset: 0,
            failed: None,
            unreported: None,
        })
    }

    /// The core parser, for the stream's state: last event ID, retry, end report.
    pub fn parser(&self) -> &Parser {
        &self.parser
    }

    /// The schema of every batch, once known: from the start, unless the JSON
    /// type is inferred from the first batch.
    pub fn schema(&self) -> Option<SchemaRef> {
        self.batches.schema.clone()
    }

    /// Parses a chunk; batches that fill up become ready.
    ///
    /// On a limit error the events before the offending one stay in the batch
    /// being built, delivered at the next flush or at the end. An event whose
    /// data does not fit a `utf8` column is refused with an error once the
    /// rest of the chunk is parsed.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let fed = self.feed_chunk(chunk);
        match self.batches.refused.take() {
            Some(refused) => Err(refused),
            None => fed,
        }
    }

    /// [`feed`](BatchParser::feed), but for the error of a refused event.
    fn feed_chunk(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.report()?;
        if let Some(error) = &self.failed {
            return Err(error.error());
        }
        let mut rest = chunk;
        let text = ChunkText::new(chunk);
        loop {
            // The fast lane first, for the whole blocks it takes.
            let mut stopped = Ok(());
            let each = |event: Event<'_>, end| {
                let offset = self.offset + end as u64;
                match self.batches.add(event, offset, &text, &mut self.failed) {
                    Ok(()) => true,
                    Err(error) => {
                        stopped = Err(error);
                        false
                    }
                }
            };
            let consumed = self
                .parser
                .parse_whole_text(rest, || text.suffix(rest), each);
            self.offset += consumed as u64;
            rest = &rest[consumed..];
            stopped?;
            if consumed > 0 && rest.is_empty() {
                return Ok(());
            }
            let consumed = self.general_step(rest, &text)?;
            if consumed == 0 {
                return Ok(());
            }
            rest = &rest[consumed..];
        }
    }

    /// Parses `rest` by the general path, up to its next event, which
    /// becomes a row; returns the bytes consumed, 0 once all of `rest` is
    /// parsed (with no event). Kept out of the fast lane's loop in `feed`:
    /// inlined there, it made each of the lane's rows take more instructions.
    #[cold]
    #[inline(never)]
    fn general_step(&mut self, rest: &[u8], text: &ChunkText<'_>) -> Result<usize, Error> {
        let mut sink = Sink {
            batches: &mut self.batches,
            text,
            error: None,
        };
        let step = self.parser.parse_into(rest, &mut sink);
        let sunk = sink.error.take();
        let step = match step {
            Ok(step) => step,
            Err(error) => {
                // The event being built is dropped, with its data so far.
                self.batches.columns.drop_open();
                return Err(error.into());
            }
        };
        self.offset += step.consumed as u64;
        if let Some(error) = sunk {
            if matches!(step.item, Some(Item::Event(event)) if event.data_in_sink()) {
                self.batches.columns.drop_open();
            }
            return Err(failed_with(&mut self.failed, error));
        }
        let Some(Item::Event(event)) = step.item else {
            // A comment (not a row), or the end of `rest`.
            return Ok(if step.item.is_some() {
                step.consumed
            } else {
                0
            });
        };
        // An event's offset is just past the CR or LF that dispatched it: a
        // CRLF inside this chunk was consumed whole, but had it been split,
        // the event would have come at the CR.
        let crlf = rest[..step.consumed].ends_with(b"\r\n");
        let offset = self.offset - u64::from(crlf);
        match event.data_in_sink() {
            true => self.batches.add_sunk(event, offset, &mut self.failed)?,
            false => self.batches.add(event, offset, text, &mut self.failed)?,
        }
        Ok(step.consumed)
    }

    /// Cuts a batch of the events parsed since the last one, if any.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.report()?;
        if let Some(error) = &self.failed {
            return Err(error.error());
        }
        self.batches
            .cut()
            .map_err(|error| failed_with(&mut self.failed, error))?;
        self.wait();
        self.report()
    }

    /// Ends the stream as [`Parser::finish`] does and cuts the last batch.
    pub fn finish(&mut self) -> Result<EndOfStream, Error> {
        if let Some(error) = self.inference_failure() {
            // No batch can be decoded: none is cut, and no type is made up.
            self.parser.finish();
            self.batches.columns.drop_open();
            return Err(error);
        }
        let end = self.parser.finish();
        self.batches.columns.drop_open();
        if self.failed.is_none() && self.unreported.is_none() {
            self.batches
                .cut()
                .map_err(|error| failed_with(&mut self.failed, error))?;
        }
        self.wait();
        self.report()?;
        if let Some(json) = &mut self.batches.json {
            json.settle()?;
        }
        if self.batches.schema.is_none() {
            self.batches.schema = self.batches.known_schema();
        }
        Ok(end)
    }

    /// The error of a failed inference of the JSON type: every later call
    /// returns it, [`finish`](BatchParser::finish) too.
    pub fn inference_failure(&self) -> Option<Error> {
        match &self.failed {
            Some(refusal @ Refusal::Inference(_)) => Some(refusal.error()),
            _ => None,
        }
    }

    /// The next ready batch, in stream order.
    ///
    /// With [`Options::decode_threads`], the ones decoded so far: this never
    /// waits.
    pub fn next_batch(&mut self) -> Option<RecordBatch> {
        if self.batches.ready.is_empty() && self.unreported.is_none() {
            if let Some(workers) = &mut self.batches.workers {
                let error = workers.take(&mut self.batches.ready, false);
                self.note(error);
            }
        }
        self.batches.ready.pop_front()
    }

    /// Waits until every batch cut so far is decoded and ready (or a decoding
    /// thread met an error, for the next feed, flush or finish).
    pub fn wait(&mut self) {
        if self.unreported.is_none() {
            if let Some(workers) = &mut self.batches.workers {
                let error = workers.take(&mut self.batches.ready, true);
                self.note(error);
            }
        }
    }

    /// Whether feeding a chunk of `len` bytes may wait for a decoding thread: it
    /// may cut a batch while one per thread and one more are in flight.
    ///
    /// An estimate: after the first, each batch a chunk cuts takes `batch_rows`
    /// new events, of 6 bytes at least, or `batch_bytes` of new text: the
    /// chunk's bytes, and for each of its events at most, the default event
    /// type and the current ID, which rows repeat. An ID that the chunk sets
    /// longer can still make it wait when this said not.
    pub fn may_wait(&self, len: usize) -> bool {
        let batches = &self.batches;
        if batches.threads == 0 || batches.json.is_none() {
            return false;
        }
        let events = len / 6;
        let repeated = self.default_type + self.parser.last_event_id().len();
        let text = len.saturating_add((events + 1).saturating_mul(repeated));
        let cuts = 1 + (events / batches.batch_rows).max(text / batches.batch_bytes.max(1));
        self.in_flight() + cuts > batches.threads + 1
    }

    /// Batches handed to the decoding threads and not yet ready.
    pub fn in_flight(&self) -> usize {
        self.batches.workers.as_ref().map_or(0, Workers::in_flight)
    }

    /// Keeps a decoding thread's error for the next feed, flush or finish; a
    /// JSON error stops the threads (the batches after it are dropped) and
    /// makes the parser refuse input.
    fn note(&mut self, error: Option<Error>) {
        let Some(error) = error else { return };
        if let Error::Json(json) = &error {
            self.failed = Some(Refusal::Json(json.clone()));
            self.batches.workers = None;
        }
        self.unreported = Some(error);
    }

    /// Returns the error [`note`](BatchParser::note) kept, once.
    fn report(&mut self) -> Result<(), Error> {
        self.unreported.take().map_or(Ok(()), Err)
    }

    /// Events in the batch being built, not yet ready.
    pub fn pending_rows(&self) -> usize {
        self.batches.columns.rows()
    }
}

/// `bytes` as text, if they are valid UTF-8 (else the event decodes them,
/// replacing what is malformed). simdutf8 checks an event of a few hundred
/// bytes in two thirds of the time of `std::str::from_utf8`.
fn checked(bytes: &[u8]) -> Option<Cow<'_, str>> {
    simdutf8::basic::from_utf8(bytes).ok().map(Cow::Borrowed)
}

/// A chunk's text, checked as UTF-8 once, when the first event whose data
/// lies in the chunk, or the fast lane's first ID, asks for it: the data of
/// each such event is then a slice of it, where checking each event alone cost
/// a fifth of a row on the token stream. Data in the parser's own buffers (a
/// line that spans chunks, several `data` lines) is checked alone, so a chunk
/// is never read twice for nothing (checking every chunk up front checked 64
/// KiB payloads twice).
struct ChunkText<'c> {
    chunk: &'c [u8],
    /// The chunk's longest valid UTF-8 prefix, once checked.
    valid: Cell<Option<&'c str>>,
}

impl<'c> ChunkText<'c> {
    fn new(chunk: &'c [u8]) -> ChunkText<'c> {
        ChunkText {
            chunk,
            valid: Cell::new(None),
        }
    }

    #[inline(always)]
    fn valid(&self) -> &'c str {
        match self.valid.get() {
            Some(valid) => valid,
            None => {
                let valid = valid_prefix(self.chunk);
                self.valid.set(Some(valid));
                valid
            }
        }
    }

    /// The chunk's end from `rest` on as text, if all of it is valid: the
    /// fast lane asks for it at its first ID, to take IDs from it unchecked.
    fn suffix(&self, rest: &'c [u8]) -> Option<&'c str> {
        let valid = self.valid();
        let from = self.chunk.len().checked_sub(rest.len())?;
        (valid.len() == self.chunk.len()).then(|| valid.get(from..))?
    }

    /// `bytes` as text, if they lie in the chunk's valid prefix.
    #[inline(always)]
    fn slice(&self, bytes: &[u8]) -> Option<&'c str> {
        // Where `bytes` starts in the chunk, if it does: the data borrows
        // either from the chunk or from the parser, never from both.
        let from = (bytes.as_ptr() as usize).checked_sub(self.chunk.as_ptr() as usize)?;
        let to = from.checked_add(bytes.len())?;
        if to > self.chunk.len() {
            return None;
        }
        self.valid().get(from..to)
    }
}

/// The longest prefix of `bytes` that is valid UTF-8.
fn valid_prefix(bytes: &[u8]) -> &str {
    // The basic check is the faster when the text is valid, as it mostly is.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return text;
    }
    match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default(),
    }
}

/// The error for an event's data of `len` bytes (or `at_least` that) that no
/// `utf8` column holds.
fn too_large(len: usize, at_least: &str) -> Error {
    Error::Arrow(ArrowError::InvalidArgumentError(format!(
        "an event's data of {at_least}{len} bytes does not fit a utf8 column \
         (at most {MAX_UTF8_BYTES} bytes): use large_data"
    )))
}

/// The columns as the core parser's data sink: the data of an event whose
/// `data` line spans chunks goes into the open row as it comes, rather than
/// through the parser's line buffer. An error writing it waits here for
/// `feed` to return it.
struct Sink<'b, 'c> {
    batches: &'b mut Batches,
    /// The chunk being fed: a piece in its valid text is not checked again.
    text: &'b ChunkText<'c>,
    error: Option<Error>,
}

impl DataSink for Sink<'_, '_> {
    fn append(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            self.error = self.batches.write_open(bytes, self.text).err();
        }
    }
}

/// Remembers a JSON or inference error, after which input is refused.
fn failed_with(failed: &mut Option<Refusal>, error: Error) -> Error {
    if let Some(refusal) = Refusal::of(&error) {
        *failed = Some(refusal);
    }
    error
}

impl Batches {
    /// Adds an event as a row at stream `offset`, cutting the batch when it is
    /// full or the data would overflow it. `text` is the chunk being fed.
    ///
    /// Inlined into the fast lane's loop: returned from a call, the result (a
    /// large enum) was read back wider than it was written, and the stalled
    /// read cost a seventh of a row.
    #[inline(always)]
    fn add(
        &mut self,
        event: Event<'_>,
        offset: u64,
        text: &ChunkText<'_>,
        failed: &mut Option<Refusal>,
    ) -> Result<(), Error> {
        let bytes = event.data_bytes();
        let data = match text.slice(bytes) {
            Some(data) => Cow::Borrowed(data),
            None => checked(bytes).unwrap_or_else(|| event.data()),
        };
        if !self.columns.fits(data.len()) {
            self.cut().map_err(|error| failed_with(failed, error))?;
            if !self.columns.fits(data.len()) {
                self.refused.get_or_insert(too_large(data.len(), ""));
                return Ok(());
            }
        }
        self.columns.push(Row {
            event,
            data: &data,
            offset,
        });
        if self.full() {
            self.cut().map_err(|error| failed_with(failed, error))?;
        }
        Ok(())
    }

    /// Adds an event whose data the parser sank into the open row.
    fn add_sunk(
        &mut self,
        event: Event<'_>,
        offset: u64,
        failed: &mut Option<Refusal>,
    ) -> Result<(), Error> {
        if !self.columns.end_open() {
            // Its data did not fit, as was said when it was written.
            return Ok(());
        }
        self.columns.push(Row {
            event,
            data: "",
            offset,
        });
        if self.full() {
            self.cut().map_err(|error| failed_with(failed, error))?;
        }
        Ok(())
    }

    /// Writes a piece of an event's data that the parser sinks into the open
    /// row, first cutting the rows before it if the piece would overflow
    /// `utf8` offsets.
    fn write_open(&mut self, bytes: &[u8], text: &ChunkText<'_>) -> Result<(), Error> {
        if self.columns.open_refused() {
            return Ok(());
        }
        if !self.columns.fits(bytes.len()) {
            let len = self.columns.open_bytes() + bytes.len();
            if len > MAX_UTF8_BYTES {
                self.columns.refuse_open();
                self.refused.get_or_insert(too_large(len, "at least "));
                return self.cut();
            }
            self.cut()?;
        }
        self.columns.write_open(bytes, text.slice(bytes));
        Ok(())
    }

    fn full(&self) -> bool {
        self.columns.rows() >= self.batch_rows || self.columns.bytes() >= self.batch_bytes
    }

    fn known_schema(&self) -> Option<SchemaRef> {
        let mut fields = self.columns.layout().fields();
        if let Some(json) = &self.json {
            fields.extend(json.fields()?);
        }
        Some(Arc::new(Schema::new(fields)))
    }

    /// Starts the decoding threads, if there are to be some and the JSON type
    /// is known.
    fn start_workers(&mut self) -> Result<(), ArrowError> {
        if self.workers.is_none() && self.threads > 0 {
            let settled = self.json.as_ref().and_then(Json::settled);
            if let (Some(options), Some(schema)) = (settled, &self.schema) {
                let workers = Workers::spawn(self.threads, &options, self.batch_rows, schema)?;
                self.workers = Some(workers);
            }
        }
        Ok(())
    }

    /// Makes the rows so far a ready batch (or, with decoding threads, hands
    /// it to them).
    fn cut(&mut self) -> Result<(), Error> {
        let rows = self.columns.rows();
        if rows == 0 {
            return Ok(());
        }
        let mut arrays: Vec<ArrayRef> = self.columns.finish()?;
        let first_index = self.events;
        self.events += rows as u64;
        self.start_workers()?;
        if let Some(workers) = &mut self.workers {
            // At most `capacity` in flight: wait for room, taking what is decoded.
            let error = workers.take_down_to(&mut self.ready, workers.capacity() - 1);
            if let Some(error @ Error::Json(_)) = error {
                // The batches after a bad event are dropped.
                self.workers = None;
                return Err(error);
            }
            workers.send(arrays, first_index);
            return error.map_or(Ok(()), Err);
        }
        if let Some(json) = &mut self.json {
            json.decode_into(&mut arrays, first_index)?;
        }
        if self.schema.is_none() {
            self.schema = self.known_schema();
        }
        let schema = self.schema.clone().expect("known once a batch is decoded");
        self.ready.push_back(RecordBatch::try_new(schema, arrays)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;

    /// `sseflow_arrow` keeps a batch parser inside a Python object, which
    /// CPython aligns to 16 bytes only (see the core's parser test).
    #[test]
    fn a_batch_parser_needs_no_more_than_16_byte_alignment() {
        assert!(std::mem::align_of::<BatchParser>() <= 16);
    }

    /// Each row's data, when `chunks` are fed one by one.
    fn data(chunks: &[&[u8]]) -> Vec<String> {
        let mut parser = BatchParser::new(Config::default(), Options::default()).unwrap();
        for chunk in chunks {
            parser.feed(chunk).unwrap();
        }
        parser.finish().unwrap();
        let mut rows = Vec::new();
        while let Some(batch) = parser.next_batch() {
            let column = batch.column_by_name("data").unwrap().as_string::<i32>();
            rows.extend(column.iter().map(|value| value.unwrap().to_owned()));
        }
        rows
    }

    /// A `data` line that spans chunks goes straight into the `data` column,
    /// never through the parser's line buffer: decoded across the cuts, a
    /// character cut in two and malformed bytes too, as the whole would be.
    #[test]
    fn spanning_data_is_written_in_place() {
        let value: Vec<u8> = [
            &"é€😀 token ".repeat(2000).into_bytes()[..],
            b"\xff\xe2\x82",
        ]
        .concat();
        let stream = [b"data: ", &value[..], b"\ndata: ", &value[..], b"\n\n"].concat();
        let want = String::from_utf8_lossy(&value).into_owned();
        for size in [1, 7, 1000, 16384] {
            let chunks: Vec<&[u8]> = stream.chunks(size).collect();
            assert_eq!(
                data(&chunks),
                [format!("{want}\n{want}")],
                "{size}-byte chunks"
            );
            let mut parser = BatchParser::new(Config::default(), Options::default()).unwrap();
            for chunk in &chunks {
                parser.feed(chunk).unwrap();
            }
            // At most each line's start (5 bytes) waits in the buffer, until
            // it shows a data line.
            let copied = parser.parser().work().copied;
            assert!(copied <= 10, "copied {copied} in {size}-byte chunks");
        }
    }

    /// A batch cut while an event's data is being written (a flush inside
    /// the event) leaves that event whole to the next batch.
    #[test]
    fn a_cut_inside_an_event_moves_its_data_on() {
        let mut parser = BatchParser::new(Config::default(), Options::default()).unwrap();
        parser.feed(b"data: one\n\ndata: tw\xc3").unwrap();
        parser.flush().unwrap();
        parser.feed(b"\xa9 and").unwrap();
        parser.flush().unwrap();
        parser.feed(b" three\n\n").unwrap();
        parser.finish().unwrap();
        let batches: Vec<RecordBatch> = std::iter::from_fn(|| parser.next_batch()).collect();
        let data: Vec<Vec<&str>> = batches
            .iter()
            .map(|batch| {
                let column = batch.column_by_name("data").unwrap().as_string::<i32>();
                column.iter().map(Option::unwrap).collect()
            })
            .collect();
        assert_eq!(data, [vec!["one"], vec!["twé and three"]]);
        for column in batches.iter().flat_map(RecordBatch::columns) {
            column.to_data().validate_full().unwrap();
        }
    }

    /// A limit error or the end of the stream inside a spanning event drops
    /// what was written of it.
    #[test]
    fn an_event_never_dispatched_leaves_no_row() {
        let config = Config::default().max_event_size(Some(100));
        let mut parser = BatchParser::new(config, Options::default()).unwrap();
        parser.feed(b"data: kept\n\ndata: 0123456789").unwrap();
        assert!(parser.feed(&[b'x'; 200]).is_err());
        parser.finish().unwrap();
        let batch = parser.next_batch().unwrap();
        assert_eq!(batch.num_rows(), 1);
        let mut parser = BatchParser::new(Config::default(), Options::default()).unwrap();
        parser.feed(b"data: cut").unwrap();
        parser.feed(b" short").unwrap();
        assert!(parser.finish().unwrap().is_truncated());
        assert!(parser.next_batch().is_none());
    }

    /// A row repeats the current ID in its text, so a long one makes a chunk
    /// that would not have cut a batch cut many.
    #[test]
    fn may_wait_counts_the_repeated_id() {
        let json = JsonOptions {
            schema: crate::json::JsonSchema::Infer { rows: 10 },
            events: None,
            on_error: crate::OnError::Null,
            scalars_to_strings: None,
        };
        let options = Options {
            batch_bytes: 1000,
            json: Some(json),
            decode_threads: 1,
            ..Options::default()
        };
        let mut parser = BatchParser::new(Config::default(), options.clone()).unwrap();
        assert!(!parser.may_wait(600));
        let id = "x".repeat(500);
        parser.feed(format!("id: {id}\n\n").as_bytes()).unwrap();
        assert!(parser.may_wait(600));
        // So does a long default event type.
        let long = "t".repeat(500);
        let config = Config::default().default_event(Some(&long));
        assert!(BatchParser::new(config, options).unwrap().may_wait(600));
    }

    /// Data that lies in the chunk is a slice of the chunk's text up to its
    /// first malformed byte; after it, and in the parser's own buffers, each
    /// event is decoded alone, its malformed bytes replaced.
    #[test]
    fn data_in_and_out_of_the_checked_chunk() {
        let chunk: &[u8] = b"data: a\n\nevent: \xff\ndata: b\n\ndata: \xc3\n\ndata: \xc3\xa9\n\n";
        assert_eq!(data(&[chunk]), ["a", "b", "\u{fffd}", "é"]);
        let split: [&[u8]; 3] = [
            b"data: \xc3",
            b"\xa9\n\ndata: x\ndata: \xf0\x9f",
            b"\x98\x80\n\n",
        ];
        assert_eq!(data(&split), ["é", "x\n😀"]);
        assert_eq!(
            data(&[b"data: \xef\xbb\xbf\xff\n\ndata:\n\n"]),
            ["\u{feff}\u{fffd}", ""]
        );
    }
}
