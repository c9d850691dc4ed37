//! The property the arrow fuzz target and the property tests check: a
//! `BatchParser` fed any chunks gives, row by row, the events the core
//! `Parser` gives for the same chunks, with the same limit error, last event ID,
//! retry and end report, and never panics, JSON decoding on or off.
//!
//! Included by `rust/fuzz` (`#[path]`), so both run the same code.

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Field, Fields};
use sseflow_arrow::{
    BatchParser, Error, JsonError, JsonOptions, JsonSchema, Layout, OnError, Options,
};
use sseflow_core::{Config, EndOfStream, Item, Limit, Parser};

/// An event as both paths report it.
pub type Row = (String, String, String, Option<u64>);

/// What a path made of the chunks.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub rows: Vec<Row>,
    pub error: Option<(Limit, usize)>,
    pub last_event_id: String,
    pub retry: Option<u64>,
    pub end: EndOfStream,
}

fn limit_of(error: sseflow_core::Error) -> (Limit, usize) {
    match error {
        sseflow_core::Error::LimitExceeded { limit, max, .. } => (limit, max),
        other => panic!("a fed parser can only fail on a limit, got {other:?}"),
    }
}

/// The core parser's events.
pub fn events(config: Config, chunks: &[&[u8]]) -> Outcome {
    let mut parser = Parser::with_config(config);
    let mut rows = Vec::new();
    let mut error = None;
    for chunk in chunks {
        let mut feed = parser.feed(chunk);
        loop {
            match feed.next_item() {
                Ok(Some(Item::Event(event))) => rows.push((
                    event.event_type().into_owned(),
                    event.data().into_owned(),
                    event.id().to_owned(),
                    event.retry(),
                )),
                Ok(Some(Item::Comment(_))) => {}
                Ok(None) => break,
                Err(failed) => {
                    error = error.or(Some(limit_of(failed)));
                    break;
                }
            }
        }
    }
    let end = parser.finish();
    Outcome {
        rows,
        error,
        last_event_id: parser.last_event_id().to_owned(),
        retry: parser.retry(),
        end,
    }
}

fn text(column: &dyn Array, row: usize) -> String {
    let column = column.as_dictionary::<Int32Type>();
    let key = column.keys().value(row) as usize;
    column.values().as_string::<i32>().value(key).to_owned()
}

fn rows_of(batch: &RecordBatch, rows: &mut Vec<Row>) {
    let event = batch.column_by_name("event").expect("event");
    let data = batch
        .column_by_name("data")
        .expect("data")
        .as_string::<i32>();
    let id = batch.column_by_name("id").expect("id");
    let retry = batch.column_by_name("retry").expect("retry");
    let retry = retry.as_primitive::<UInt64Type>();
    for row in 0..batch.num_rows() {
        let retry = retry.is_valid(row).then(|| retry.value(row));
        rows.push((
            text(event, row),
            data.value(row).to_owned(),
            text(id, row),
            retry,
        ));
    }
}

/// The JSON options the checks use: a small struct of common types.
pub fn json_options() -> JsonOptions {
    let fields = Fields::from(vec![
        Field::new("n", DataType::Int64, true),
        Field::new("s", DataType::Utf8, true),
        Field::new("l", DataType::new_list(DataType::Float64, true), true),
    ]);
    JsonOptions {
        schema: JsonSchema::Fields(fields),
        events: None,
        on_error: OnError::Null,
        scalars_to_strings: None,
    }
}

/// The batches' rows, checking every batch's shape on the way.
pub fn batches(config: Config, chunks: &[&[u8]], batch_rows: usize, json: bool) -> Outcome {
    let options = Options {
        batch_rows,
        layout: Layout {
            offsets: true,
            ..Layout::default()
        },
        json: json.then(json_options),
        ..Options::default()
    };
    let mut parser = BatchParser::new(config, options).expect("valid options");
    let mut error = None;
    let mut ready = Vec::new();
    for chunk in chunks {
        match parser.feed(chunk) {
            Ok(()) => {}
            Err(Error::Parse(failed)) => error = error.or(Some(limit_of(failed))),
            Err(other) => panic!("feed failed with {other}"),
        }
        ready.extend(std::iter::from_fn(|| parser.next_batch()));
    }
    let end = parser.finish().expect("finish");
    ready.extend(std::iter::from_fn(|| parser.next_batch()));
    let mut rows = Vec::new();
    let mut last_offset = 0;
    for batch in &ready {
        assert!(batch.num_rows() > 0 && batch.num_rows() <= batch_rows);
        assert_eq!(Some(batch.schema()), parser.schema());
        let offsets = batch.column_by_name("offset").expect("offset");
        for &offset in offsets.as_primitive::<UInt64Type>().values() {
            assert!(offset > last_offset, "offsets increase");
            last_offset = offset;
        }
        if json {
            let decoded = batch.column_by_name("json").expect("json");
            let errors = batch.column_by_name("json_error").expect("json_error");
            for row in 0..batch.num_rows() {
                assert!(
                    errors.is_null(row) || decoded.is_null(row),
                    "an error row is null"
                );
            }
        }
        rows_of(batch, &mut rows);
    }
    let parser_state = parser.parser();
    Outcome {
        rows,
        error,
        last_event_id: parser_state.last_event_id().to_owned(),
        retry: parser_state.retry(),
        end,
    }
}

/// The property: both paths agree on everything; with JSON, decoding on
/// threads gives the same batches as decoding in the parser's own calls.
pub fn batches_match_events(config: Config, chunks: &[&[u8]], batch_rows: usize, json: bool) {
    let want = events(config.clone(), chunks);
    let got = batches(config.clone(), chunks, batch_rows, json);
    assert_eq!(got, want);
    if json {
        for on_error in [OnError::Null, OnError::Raise] {
            threads_match(config.clone(), chunks, batch_rows, on_error);
        }
    }
}

/// Every batch a parser handed out, the first JSON error it returned, and its
/// limit error (the latter only when there was no JSON error: after one, a
/// parser decoding on threads may have framed further before learning of it).
pub type Handed = (Vec<RecordBatch>, Option<JsonError>, Option<(Limit, usize)>);

/// What a parser decoding JSON on `threads` threads hands out, taking the
/// ready batches after every chunk.
pub fn json_batches(
    config: Config,
    chunks: &[&[u8]],
    batch_rows: usize,
    on_error: OnError,
    threads: usize,
) -> Handed {
    let options = Options {
        batch_rows,
        json: Some(JsonOptions {
            on_error,
            ..json_options()
        }),
        decode_threads: threads,
        ..Options::default()
    };
    let mut parser = BatchParser::new(config, options).expect("valid options");
    let mut ready = Vec::new();
    let (mut json, mut limit) = (None, None);
    let mut note = |result: Result<(), Error>| match result {
        Ok(()) => {}
        Err(Error::Json(error)) => json = json.take().or(Some(error)),
        Err(Error::Parse(failed)) => limit = limit.take().or(Some(limit_of(failed))),
        Err(other) => panic!("failed with {other}"),
    };
    for chunk in chunks {
        note(parser.feed(chunk));
        assert!(
            parser.in_flight() <= threads + 1,
            "a batch per thread, one more"
        );
        ready.extend(std::iter::from_fn(|| parser.next_batch()));
    }
    note(parser.finish().map(drop));
    ready.extend(std::iter::from_fn(|| parser.next_batch()));
    assert_eq!(parser.in_flight(), 0, "finish waits for every batch");
    let limit = limit.filter(|_| json.is_none());
    (ready, json, limit)
}

/// Decoding on 1 and 2 threads hands out what decoding in the parser's calls
/// does: the same batches, column by column, the same error.
pub fn threads_match(config: Config, chunks: &[&[u8]], batch_rows: usize, on_error: OnError) {
    let want = json_batches(config.clone(), chunks, batch_rows, on_error, 0);
    for threads in [1, 2] {
        let got = json_batches(config.clone(), chunks, batch_rows, on_error, threads);
        assert_eq!(got, want, "{threads} decoding threads");
    }
}
