//! Property tests: a `BatchParser` fed any SSE-shaped bytes, in any chunks and
//! batch sizes, with or without limits and JSON decoding, never panics and
//! gives row by row the events of the core parser (see `check`, which the
//! `arrow_batches` fuzz target runs too).
//!
//! Case counts default to 512 per property; set `PROPTEST_CASES` to run more.

mod check;

use proptest::prelude::*;
use proptest::sample::select;
use sseflow_arrow::OnError;
use sseflow_core::Config;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Lines and pieces of lines: fields, line ends, JSON values good and bad,
/// BOMs, and malformed UTF-8.
fn piece() -> impl Strategy<Value = &'static [u8]> {
    select(vec![
        &b"data: "[..],
        b"data:",
        b"event: ",
        b"id: ",
        b"retry: ",
        b": ping",
        b"\n",
        b"\r\n",
        b"\r",
        b"\n\n",
        b"{\"n\": 1, \"s\": \"x\"}",
        b"{\"n\": -9223372036854775809}",
        b"{\"l\": [1.5, null, 2]}",
        b"{\"s\": \"\\ud840\\udc00\"}",
        b"{\"n\": \"7\"}",
        b"[DONE]",
        b"{\"n\": ",
        b"null",
        b"7",
        b"18446744073709551616",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\xC3\xA9",
        b"\xF0\x9F\x98",
        b"x",
    ])
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(piece(), 0..40).prop_map(|pieces| pieces.concat())
}

/// A stream of events whose data are JSON values good and bad, some typed
/// `ping`, some with IDs: every event is dispatched, so batches are many.
fn events() -> impl Strategy<Value = Vec<u8>> {
    let data = select(vec![
        &b"{\"n\": 1, \"s\": \"x\"}"[..],
        b"{\"l\": [1.5, null, 2]}",
        b"{\"s\": \"\\u00e9\\ud83d\\ude00\"}",
        b"{\"n\": \"7\"}",
        b"{\"n\": 9223372036854775808}",
        b"[DONE]",
        b"{\"n\": ",
        b"null",
        b"7",
        b"",
        b"{} {}",
    ]);
    let head = select(vec![&b""[..], b"event: ping\n", b"id: 3\n", b": c\n"]);
    prop::collection::vec((head, data), 0..30).prop_map(|events| {
        let mut stream = Vec::new();
        for (head, data) in events {
            stream.extend_from_slice(head);
            stream.extend_from_slice(b"data: ");
            stream.extend_from_slice(data);
            stream.extend_from_slice(b"\n\n");
        }
        stream
    })
}

fn cut(stream: &[u8], points: &[usize]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = points.iter().map(|p| p % (stream.len() + 1)).collect();
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for point in points {
        chunks.push(stream[start..point].to_vec());
        start = point;
    }
    chunks.push(stream[start..].to_vec());
    chunks
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn batches_match_events(
        stream in stream(),
        points in prop::collection::vec(any::<usize>(), 0..8),
        batch_rows in 1usize..6,
        json in any::<bool>(),
        max_line_size in prop::option::of(0usize..40),
        max_event_size in prop::option::of(0usize..40),
    ) {
        let chunks = cut(&stream, &points);
        let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let config = Config::default()
            .max_line_size(max_line_size)
            .max_event_size(max_event_size);
        check::batches_match_events(config, &chunks, batch_rows, json);
    }

    #[test]
    fn decoding_threads_change_nothing(
        stream in events(),
        points in prop::collection::vec(any::<usize>(), 0..8),
        batch_rows in 1usize..6,
        raise in any::<bool>(),
    ) {
        let chunks = cut(&stream, &points);
        let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let on_error = if raise { OnError::Raise } else { OnError::Null };
        check::threads_match(Config::default(), &chunks, batch_rows, on_error);
    }

    #[test]
    fn any_bytes_never_panic(
        stream in prop::collection::vec(any::<u8>(), 0..300),
        points in prop::collection::vec(any::<usize>(), 0..8),
        batch_rows in 1usize..4,
    ) {
        let chunks = cut(&stream, &points);
        let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        check::batches_match_events(Config::default(), &chunks, batch_rows, true);
    }
}
