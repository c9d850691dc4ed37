//! [`BatchParser`]: an event stream in, Arrow record batches out.

use crate::columns::{Columns, Layout, Row, MAX_UTF8_BYTES};
use crate::error::{Error, JsonError};
use crate::json::{Batch, Json, JsonOptions};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, Schema, SchemaRef};
use sseflow_core::{Config, EndOfStream, Item, Parser};
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch_rows: 64 * 1024,
            batch_bytes: 1024 * 1024,
            layout: Layout::default(),
            json: None,
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
    /// A JSON error was raised: input is refused with it.
    failed: Option<JsonError>,
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
            columns: Columns::new(options.layout),
            json,
            schema: None,
            ready: VecDeque::new(),
            events: 0,
        };
        batches.schema = batches.known_schema();
        Ok(BatchParser {
            parser: Parser::with_config(config),
            batches,
            offset: 0,
            failed: None,
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
    /// being built, delivered at the next flush or at the end.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if let Some(error) = &self.failed {
            return Err(Error::Json(error.clone()));
        }
        let mut rest = chunk;
        loop {
            let step = self.parser.parse(rest)?;
            self.offset += step.consumed as u64;
            // An event's offset is just past the CR or LF that dispatched it: a
            // CRLF inside this chunk was consumed whole, but had it been split,
            // the event would have come at the CR.
            let crlf = rest[..step.consumed].ends_with(b"\r\n");
            rest = &rest[step.consumed..];
            let event = match step.item {
                None => return Ok(()),
                Some(Item::Comment(_)) => continue,
                Some(Item::Event(event)) => event,
            };
            let data = event.data();
            let batches = &mut self.batches;
            if !batches.columns.fits(data.len()) {
                batches
                    .cut()
                    .map_err(|error| failed_with(&mut self.failed, error))?;
                if !self.batches.columns.fits(data.len()) {
                    return Err(Error::Arrow(ArrowError::InvalidArgumentError(format!(
                        "an event's data of {} bytes does not fit a utf8 column \
                         (at most {MAX_UTF8_BYTES} bytes): use large_data",
                        data.len()
                    ))));
                }
            }
            let batches = &mut self.batches;
            batches.columns.push(Row {
                event,
                data: &data,
                offset: self.offset - u64::from(crlf),
            });
            if batches.full() {
                batches
                    .cut()
                    .map_err(|error| failed_with(&mut self.failed, error))?;
            }
        }
    }

    /// Cuts a batch of the events parsed since the last one, if any.
    pub fn flush(&mut self) -> Result<(), Error> {
        if let Some(error) = &self.failed {
            return Err(Error::Json(error.clone()));
        }
        self.batches
            .cut()
            .map_err(|error| failed_with(&mut self.failed, error))
    }

    /// Ends the stream as [`Parser::finish`] does and cuts the last batch.
    pub fn finish(&mut self) -> Result<EndOfStream, Error> {
        let end = self.parser.finish();
        if self.failed.is_none() {
            self.batches
                .cut()
                .map_err(|error| failed_with(&mut self.failed, error))?;
        }
        if let Some(json) = &mut self.batches.json {
            json.settle()?;
        }
        if self.batches.schema.is_none() {
            self.batches.schema = self.batches.known_schema();
        }
        Ok(end)
    }

    /// The next ready batch, in stream order.
    pub fn next_batch(&mut self) -> Option<RecordBatch> {
        self.batches.ready.pop_front()
    }

    /// Events in the batch being built, not yet ready.
    pub fn pending_rows(&self) -> usize {
        self.batches.columns.rows()
    }
}

/// Remembers a JSON error, after which input is refused.
fn failed_with(failed: &mut Option<JsonError>, error: Error) -> Error {
    if let Error::Json(json) = &error {
        *failed = Some(json.clone());
    }
    error
}

impl Batches {
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

    /// Makes the rows so far a ready batch.
    fn cut(&mut self) -> Result<(), Error> {
        let rows = self.columns.rows();
        if rows == 0 {
            return Ok(());
        }
        let mut arrays: Vec<ArrayRef> = self.columns.finish()?;
        let first_index = self.events;
        self.events += rows as u64;
        if let Some(json) = &mut self.json {
            let decoded = json.decode(&Batch {
                event: arrays[0].as_ref(),
                data: arrays[1].as_ref(),
                id: arrays[2].as_ref(),
                first_index,
            })?;
            arrays.push(decoded.json);
            arrays.extend(decoded.errors);
        }
        if self.schema.is_none() {
            self.schema = self.known_schema();
        }
        let schema = self.schema.clone().expect("known once a batch is decoded");
        self.ready.push_back(RecordBatch::try_new(schema, arrays)?);
        Ok(())
    }
}
