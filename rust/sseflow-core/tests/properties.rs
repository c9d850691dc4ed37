//! Property tests: chunking never changes the result, arbitrary bytes never
//! panic, and the parser agrees with a deliberately simple whole-stream model
//! written from the standard's text (`tests/model`, which the differential fuzz
//! target uses too).
//!
//! Case counts default to a few hundred per property so that the file runs in
//! seconds in a debug build; set `PROPTEST_CASES` to run more.

mod common;
mod model;

use common::{bytewise, run, split_at, whole, Got, Outcome};
use model::TextItem;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use sseflow_core::{Config, EndOfStream, Item, OwnedEvent, Parser};

/// The configuration of every property: `PROPTEST_CASES` cases (default 1024).
///
/// Failures are not persisted to a `proptest-regressions` file; proptest
/// prints the shrunk failing input instead.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(1024);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces of field values and of garbage: digits (including runs that
/// overflow u64), letters, NUL, BOM bytes whole and apart, valid multi-byte
/// UTF-8 and invalid or truncated sequences.
fn value_piece() -> impl Strategy<Value = &'static [u8]> {
    select(vec![
        &b"0"[..],
        b"7",
        b"42",
        b"007",
        b"18446744073709551615",
        b"18446744073709551616",
        b"99999999999999999999999",
        b"a",
        b"Z",
        b"x y",
        b" ",
        b":",
        b"\0",
        b"\xEF\xBB\xBF",
        b"\xEF",
        b"\xBB",
        b"\xBF",
        b"\xC3\xA9",
        b"\xE2\x82\xAC",
        b"\xF0\x9F\x98\x80",
        b"\xFF",
        b"\xC0",
        b"\x80",
        b"\xE2\x82",
        b"\xF0\x9F",
        b"\xED\xA0\x80",
    ])
}

fn line_end() -> impl Strategy<Value = &'static [u8]> {
    select(vec![&b"\n"[..], b"\r", b"\r\n"])
}

/// One line: a name (the standard's four, near misses, or none), a separator
/// (none, colon, colon and one or two spaces), a value (pieces, or digits
/// only, so that retry fields are often valid) and a line end.
fn line() -> impl Strategy<Value = Vec<u8>> {
    let name = select(vec![
        &b"data"[..],
        b"data",
        b"data",
        b"data",
        b"event",
        b"id",
        b"retry",
        b"",
        b"Data",
        b"foo",
        b"\xEF\xBB\xBFdata",
    ]);
    let separator = select(vec![&b""[..], b":", b": ", b":  "]);
    let digits = select(vec![&b"0"[..], b"7", b"42", b"18446744073709551615"]);
    let value = prop_oneof![
        prop::collection::vec(value_piece(), 0..4),
        prop::collection::vec(digits, 1..3),
    ];
    (name, separator, value, line_end()).prop_map(|(name, separator, value, end)| {
        let mut line = [name, separator].concat();
        line.extend(value.concat());
        line.extend_from_slice(end);
        line
    })
}

/// SSE-shaped streams: an optional whole or partial BOM, then lines, blank
/// lines and loose pieces (which make lines with odd names, stray CR/LF, and
/// a partial line at the end).
///
/// Left out: lines longer than a few dozen bytes (so buffers never pass the
/// parser's 64 KiB keep-capacity threshold; `linear.rs` covers long lines),
/// names other than the listed ones, retry values other than the listed digit
/// runs, more than 32 lines, and parser limits (`Config::max_*`).
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let start = select(vec![&b""[..], b"", b"\xEF\xBB\xBF", b"\xEF\xBB", b"\xEF"]);
    let part = prop_oneof![
        5 => line(),
        3 => line_end().prop_map(<[u8]>::to_vec),
        1 => value_piece().prop_map(<[u8]>::to_vec),
    ];
    (start, prop::collection::vec(part, 0..32)).prop_map(|(start, parts)| {
        let mut stream = start.to_vec();
        stream.extend(parts.concat());
        stream
    })
}

/// Up to 8 cut points, as positions to scale to the input's length.
///
/// Left out: more than 9 chunks at random places (each property also feeds
/// the input one byte at a time).
fn cuts() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 0..8)
}

/// Cuts `input` at the given positions, in ascending order.
fn chunk<'a>(input: &'a [u8], cuts: &[Index]) -> Vec<&'a [u8]> {
    let mut offsets: Vec<usize> = cuts.iter().map(|cut| cut.index(input.len() + 1)).collect();
    offsets.sort_unstable();
    split_at(input, &offsets)
}

/// The simple whole-stream model (`tests/model`, shared with the fuzz crate),
/// in this file's terms.
fn reference(input: &[u8], comments: bool) -> Outcome {
    let meaning = model::interpret(input, comments);
    let items = meaning
        .items
        .into_iter()
        .map(|item| match item {
            TextItem::Event {
                event_type,
                data,
                id,
                retry,
            } => Got::Event(OwnedEvent {
                event_type,
                data,
                id,
                retry,
            }),
            TextItem::Comment(text) => Got::Comment(text),
        })
        .collect();
    Outcome {
        items,
        last_event_id: meaning.last_event_id,
        retry: meaning.retry,
        end: meaning.end,
    }
}

/// The reference itself, on inputs whose results are known by hand.
#[test]
fn reference_sanity() {
    let outcome = reference(
        b"\xEF\xBB\xBFretry: 007\r\nid: 1\ndata: a\rdata\n: c\n\nevent: e\ndata: b\n\ndata: x",
        true,
    );
    assert_eq!(
        outcome.items,
        [
            common::comment("c"),
            common::event("message", "a\n", "1", Some(7)),
            common::event("e", "b", "1", None),
        ]
    );
    assert_eq!(outcome.last_event_id, "1");
    assert_eq!(outcome.retry, Some(7));
    assert_eq!(outcome.end, EndOfStream::InsideLine);
    assert_eq!(
        reference(b"retry: 99999999999999999999\n", false).retry,
        Some(u64::MAX)
    );
    assert_eq!(reference(b"id: 2\n", false).end, EndOfStream::InsideEvent);
    assert_eq!(reference(b"\xEF\xBB", false).end, EndOfStream::InsideLine);
}

fn events_only(items: &[Got]) -> usize {
    items
        .iter()
        .filter(|item| matches!(item, Got::Event(_)))
        .count()
}

/// Each event's type as `event_type_or_none()` gives it, whether it has the
/// default type, and its data, fed chunk by chunk with comments on.
type Typed = (Option<Vec<u8>>, bool, Vec<u8>);

fn typed_events(config: Config, chunks: &[&[u8]]) -> Vec<Typed> {
    let mut parser = Parser::with_config(config.comments(true));
    let mut events = Vec::new();
    for chunk in chunks {
        let mut feed = parser.feed(chunk);
        while let Some(item) = feed.next_item().unwrap() {
            if let Item::Event(event) = item {
                let kind = event.event_type_or_none().map(<[u8]>::to_vec);
                events.push((kind, event.has_default_type(), event.data_bytes().to_vec()));
            }
        }
    }
    events
}

proptest! {
    #![proptest_config(config())]

    /// (d) `default_event(None)` changes nothing but the type of the events
    /// whose block set none, whatever the chunking.
    #[test]
    fn default_event_changes_only_the_untyped(input in stream(), cuts in cuts()) {
        let chunks = chunk(&input, &cuts);
        let standard = typed_events(Config::default(), &[&input]);
        let untyped = typed_events(Config::default().default_event(None), &chunks);
        prop_assert_eq!(untyped.len(), standard.len());
        for ((kind, default, data), (standard_kind, standard_default, standard_data)) in
            untyped.iter().zip(&standard)
        {
            prop_assert_eq!(data, standard_data);
            prop_assert_eq!(default, standard_default);
            if *default {
                prop_assert_eq!(kind, &None);
                prop_assert_eq!(standard_kind.as_deref(), Some(&b"message"[..]));
            } else {
                prop_assert_eq!(kind, standard_kind);
            }
        }
    }

    /// (a) Any chunking of an SSE-shaped stream gives what the whole stream gives.
    #[test]
    fn chunking_does_not_matter(input in stream(), cuts in cuts(), comments in any::<bool>()) {
        let expected = run(comments, &whole(&input));
        prop_assert_eq!(&run(comments, &chunk(&input, &cuts)), &expected);
        prop_assert_eq!(&run(comments, &bytewise(&input)), &expected);
    }

    /// (b) Arbitrary bytes, arbitrarily chunked, never panic (and chunking
    /// still does not matter).
    ///
    /// Left out: inputs over 512 bytes; arbitrary bytes seldom spell a field
    /// name, so this mostly exercises line splitting, the BOM and decoding.
    #[test]
    fn arbitrary_bytes_never_panic(
        input in prop::collection::vec(any::<u8>(), 0..512),
        cuts in cuts(),
        comments in any::<bool>(),
    ) {
        let expected = run(comments, &whole(&input));
        prop_assert_eq!(&run(comments, &chunk(&input, &cuts)), &expected);
    }

    /// (c) The parser agrees with the reference on SSE-shaped streams.
    #[test]
    fn agrees_with_reference(input in stream(), cuts in cuts(), comments in any::<bool>()) {
        let expected = reference(&input, comments);
        prop_assert_eq!(&run(comments, &chunk(&input, &cuts)), &expected);
    }

    /// (c) The parser agrees with the reference on arbitrary bytes.
    #[test]
    fn agrees_with_reference_on_arbitrary_bytes(
        input in prop::collection::vec(any::<u8>(), 0..256),
        comments in any::<bool>(),
    ) {
        prop_assert_eq!(&run(comments, &whole(&input)), &reference(&input, comments));
    }
}

/// The SSE-shaped strategy does produce events, comments, ids and retries
/// often enough for the properties above to mean something.
#[test]
fn stream_strategy_produces_events() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = stream();
    let (mut events, mut with_comment, mut with_id, mut with_retry) = (0, 0, 0, 0);
    for _ in 0..200 {
        let input = strategy.new_tree(&mut runner).unwrap().current();
        let outcome = reference(&input, true);
        events += events_only(&outcome.items);
        with_comment += usize::from(outcome.items.iter().any(|i| matches!(i, Got::Comment(_))));
        with_id += usize::from(!outcome.last_event_id.is_empty());
        with_retry += usize::from(outcome.retry.is_some());
    }
    assert!(events >= 150, "{events} events in 200 streams");
    assert!(with_comment >= 20, "{with_comment} streams with comments");
    assert!(with_id >= 20, "{with_id} streams with an id");
    assert!(with_retry >= 20, "{with_retry} streams with a retry");
}
