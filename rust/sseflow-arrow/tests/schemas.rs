//! JSON schemas: each is either refused when the parser is built, with an
//! error naming the field, or decoded without a panic on every path (the
//! fast pass, the careful pass after a bad event, rows placed around skipped
//! and bad events, a batch decoded in parts, decoding threads), into batches
//! that pass Arrow's own checks.

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Fields, TimeUnit};
use sseflow_arrow::{BatchParser, Error, JsonOptions, JsonSchema, OnError, Options};
use sseflow_core::Config;
use std::sync::Arc;

fn options(fields: Fields, batch_rows: usize, decode_threads: usize) -> Options {
    Options {
        batch_rows,
        batch_bytes: usize::MAX,
        json: Some(JsonOptions {
            schema: JsonSchema::Fields(fields),
            events: Some(vec!["message".to_owned()]),
            on_error: OnError::Null,
            scalars_to_strings: None,
        }),
        decode_threads,
        ..Options::default()
    }
}

fn refusal(fields: Fields) -> String {
    match BatchParser::new(Config::default(), options(fields, 10, 0)) {
        Ok(_) => panic!("the schema was taken"),
        Err(ArrowError::InvalidArgumentError(message)) => message,
        Err(other) => panic!("refused with {other:?}"),
    }
}

fn one(name: &str, kind: DataType, nullable: bool) -> Fields {
    Fields::from(vec![Field::new(name, kind, nullable)])
}

fn object(fields: Fields) -> DataType {
    DataType::Struct(fields)
}

fn run_end_encoded(run_ends: DataType, values: DataType, nullable: bool) -> DataType {
    DataType::RunEndEncoded(
        Arc::new(Field::new("run_ends", run_ends, false)),
        Arc::new(Field::new("values", values, nullable)),
    )
}

fn map_to(value: Field) -> DataType {
    let entries = Fields::from(vec![Field::new("key", DataType::Utf8, false), value]);
    DataType::Map(
        Arc::new(Field::new("entries", DataType::Struct(entries), false)),
        false,
    )
}

#[test]
fn a_null_field_that_is_not_nullable_is_refused_by_its_path() {
    let null = || Field::new("x", DataType::Null, false);
    let cases = [
        (Fields::from(vec![null()]), "\"x\""),
        (
            one("s", object(Fields::from(vec![null()])), true),
            "\"s.x\"",
        ),
        (one("l", DataType::List(Arc::new(null())), true), "\"l.x\""),
        (
            one("v", DataType::ListView(Arc::new(null())), true),
            "\"v.x\"",
        ),
        (
            one("f", DataType::FixedSizeList(Arc::new(null()), 2), true),
            "\"f.x\"",
        ),
        (one("m", map_to(null()), true), "\"m.entries.x\""),
    ];
    for (fields, path) in cases {
        let message = refusal(fields);
        assert!(
            message.starts_with(&format!("JSON schema field {path} is of type null")),
            "{message}"
        );
        assert!(message.ends_with("make it nullable"), "{message}");
    }
}

#[test]
fn a_run_end_encoded_field_is_refused_by_its_path() {
    let kind = run_end_encoded(DataType::Int32, DataType::Utf8, true);
    let message = refusal(one("l", DataType::new_list(kind, true), true));
    assert_eq!(
        message,
        "JSON schema field \"l.item\" is run-end encoded, which the JSON decoder does not \
         read; give its values' type, Utf8"
    );
}

/// Types of every kind arrow-json decodes, with their children not nullable
/// where that matters.
fn kinds() -> Vec<DataType> {
    let strict = |kind: DataType| Arc::new(Field::new("item", kind, false));
    let mut kinds = vec![
        DataType::Null,
        DataType::Boolean,
        DataType::Int8,
        DataType::UInt64,
        DataType::Float16,
        DataType::Float64,
        DataType::Utf8,
        DataType::LargeUtf8,
        DataType::Utf8View,
        DataType::Binary,
        DataType::FixedSizeBinary(3),
        DataType::Decimal128(10, 2),
        DataType::Timestamp(TimeUnit::Second, None),
        DataType::Date32,
        DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        object(Fields::empty()),
        object(one("x", DataType::Null, true)),
        object(one("x", DataType::Int64, false)),
        DataType::new_list(DataType::Null, true),
        DataType::List(strict(DataType::Int64)),
        DataType::ListView(strict(DataType::Utf8)),
        DataType::FixedSizeList(strict(DataType::Int64), 2),
        map_to(Field::new("value", DataType::Int64, true)),
        map_to(Field::new("value", DataType::Int64, false)),
    ];
    // And the ones refused, so that the sweep sees them refused.
    kinds.extend([
        DataType::List(strict(DataType::Null)),
        object(one("x", DataType::Null, false)),
        run_end_encoded(DataType::Int16, DataType::Utf8, true),
        run_end_encoded(DataType::Int64, DataType::Utf8, false),
        run_end_encoded(DataType::Int8, DataType::Utf8, true),
    ]);
    kinds
}

/// Each kind as a field `f`, nullable or not as `nullable` says, and, if
/// `nested`, inside a nullable struct `s` too.
fn schemas(nested: bool, nullable: &[bool]) -> Vec<Fields> {
    let mut schemas = Vec::new();
    for kind in kinds() {
        for &nullable in nullable {
            schemas.push(one("f", kind.clone(), nullable));
            if nested {
                schemas.push(one("s", object(one("f", kind.clone(), nullable)), true));
            }
        }
    }
    schemas
}

/// How many schemas of the sweep are refused: of the six kinds refused
/// whatever the field's nullability (dictionaries, which arrow-json does not
/// read, and the five at the end of `kinds`), every schema; of `null`, the
/// ones not nullable.
fn refused(nested: bool, nullable: &[bool]) -> usize {
    let per_kind = nullable.len() * if nested { 2 } else { 1 };
    let null = nullable.iter().filter(|&&n| !n).count() * if nested { 2 } else { 1 };
    6 * per_kind + null
}

/// Events that miss, null, fill (with a value of each JSON kind) or spoil
/// `f`, alone and inside `s`, and one skipped.
fn small() -> String {
    let mut stream = String::from("data: {}\n\ndata: {\"s\": null}\n\ndata: [DONE]\n\n");
    for value in [
        "null",
        "1",
        "-1.5e3",
        "\"YWJj\"",
        "\"616263\"",
        "true",
        "[1, null]",
        "{}",
        "{\"x\": 1}",
    ] {
        stream += &format!("data: {{\"f\": {value}}}\n\ndata: {{\"s\": {{\"f\": {value}}}}}\n\n");
    }
    stream + "event: ping\ndata: {}\n\n"
}

/// The rows of the batches a parser made of the stream; `None` if the schema
/// was refused when the parser was built, as one the decoders cannot fill
/// soundly or as one arrow-json does not read.
fn decode(fields: Fields, stream: &str, batch_rows: usize, threads: usize) -> Option<usize> {
    let schema = format!("{fields:?}");
    let mut parser = match BatchParser::new(Config::default(), options(fields, batch_rows, threads))
    {
        Ok(parser) => parser,
        Err(ArrowError::InvalidArgumentError(message))
            if message.starts_with("JSON schema field") =>
        {
            return None
        }
        Err(ArrowError::NotYetImplemented(_)) => return None,
        Err(other) => panic!("{schema}: {other}"),
    };
    let failed = |error: Error| -> usize { panic!("{schema}: {error}") };
    parser
        .feed(stream.as_bytes())
        .unwrap_or_else(|e| _ = failed(e));
    parser.finish().map_err(failed).ok();
    let mut rows = 0;
    while let Some(batch) = parser.next_batch() {
        sound(&batch);
        rows += batch.num_rows();
    }
    Some(rows)
}

/// Arrow's checks: the buffers, and the rebuild every kernel makes of a
/// struct (a non-nullable child's nulls must be its parent's).
fn sound(batch: &RecordBatch) {
    for column in batch.columns() {
        column.to_data().validate_full().expect("valid buffers");
    }
    arrow_select::concat::concat_batches(&batch.schema(), [batch, batch]).expect("rebuilt");
}

/// Every schema of the sweep is refused when the parser is built or gives
/// every event its row; the refused ones are the same on every path.
fn assert_never_panics(
    (nested, nullable): (bool, &[bool]),
    stream: &str,
    batch_rows: usize,
    threads: usize,
) {
    let events = stream.matches("\n\n").count();
    let mut count = 0;
    for fields in schemas(nested, nullable) {
        match decode(fields, stream, batch_rows, threads) {
            Some(rows) => assert_eq!(rows, events),
            None => count += 1,
        }
    }
    assert_eq!(count, refused(nested, nullable));
}

#[test]
fn no_schema_panics_on_a_batch_with_bad_and_skipped_events() {
    assert_never_panics((true, &[true, false]), &small(), 100, 0);
}

#[test]
fn no_schema_panics_on_decoding_threads() {
    assert_never_panics((true, &[true, false]), &small(), 3, 1);
}

#[test]
fn no_schema_panics_on_a_batch_decoded_in_parts() {
    // arrow-json's decoder holds 65,536 rows: a larger batch is decoded in
    // parts, which are concatenated, then placed around the events not
    // decoded. (Only nullable fields: `{}` is bad for the others, whose
    // careful pass over so many events would take a debug build minutes;
    // that pass concatenates the same parts.)
    let stream = "data: {}\n\n".repeat(65_537) + "data: [DONE]\n\nevent: ping\ndata: {}\n\n";
    assert_never_panics((false, &[true]), &stream, stream.len(), 0);
}

#[test]
fn a_fixed_size_binary_field_refuses_what_is_not_a_string_as_binary_does() {
    let reasons = |kind: DataType| {
        let stream = "data: {\"f\": 1}\n\ndata: {\"f\": \"abc\"}\n\n";
        let mut parser = BatchParser::new(Config::default(), options(one("f", kind, true), 10, 0))
            .expect("taken");
        parser.feed(stream.as_bytes()).expect("fed");
        parser.finish().expect("finished");
        let batch = parser.next_batch().expect("a batch");
        let errors = batch.column_by_name("json_error").expect("json_error");
        let errors = errors.as_string::<i32>();
        (0..2)
            .map(|row| errors.is_valid(row).then(|| errors.value(row).to_owned()))
            .collect::<Vec<_>>()
    };
    let fixed = reasons(DataType::FixedSizeBinary(3));
    assert_eq!(fixed, reasons(DataType::Binary));
    assert_eq!(
        fixed,
        [
            Some("does not fit the schema: Json error: whilst decoding field 'f': expected binary data encoded as string got 1".to_owned()),
            None,
        ]
    );
}
