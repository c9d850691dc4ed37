//! The opt-in limits: where they stop the parser, and what it yields before.

use sseflow_core::{Config, DataSink, EndOfStream, Error, Event, Item, Limit, Parser};

/// Feeds `chunks`, returning the data of the events and the first error; the
/// fast lane (`Parser::parse_whole`) taking what it can gives the same, and
/// so does a parser with a data sink.
fn run(config: Config, chunks: &[&[u8]]) -> (Vec<String>, Option<Error>) {
    let fed = run_feed(config.clone(), chunks);
    for text in [false, true] {
        let laned = run_whole(config.clone(), chunks, text, false);
        assert_eq!(laned, fed, "the fast lane (text: {text}) disagrees");
        let sunk = run_whole(config.clone().data_sink(true), chunks, text, true);
        assert_eq!(sunk, fed, "a data sink (text: {text}) disagrees");
    }
    fed
}

/// Keeps the data a parser sinks.
#[derive(Default)]
struct Kept(Vec<u8>);

impl DataSink for Kept {
    fn append(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

impl Kept {
    fn data(&mut self, event: Event<'_>) -> String {
        match event.data_in_sink() {
            true => String::from_utf8_lossy(&std::mem::take(&mut self.0)).into_owned(),
            false => event.data().into_owned(),
        }
    }
}

/// [`run`] by the fast lane and `Parser::parse` in turns; with `text`, by
/// `Parser::parse_whole_text`, given what is left as text if it is valid;
/// with `sink`, by `Parser::parse_into` with a data sink.
fn run_whole(
    config: Config,
    chunks: &[&[u8]],
    text: bool,
    sink: bool,
) -> (Vec<String>, Option<Error>) {
    let mut parser = Parser::with_config(config);
    let mut kept = Kept::default();
    let mut events = Vec::new();
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        loop {
            let each = |event: Event<'_>, _| {
                events.push(kept.data(event));
                true
            };
            let consumed = match text {
                true => parser.parse_whole_text(rest, || std::str::from_utf8(rest).ok(), each),
                false => parser.parse_whole(rest, each),
            };
            rest = &rest[consumed..];
            let step = match sink {
                true => parser.parse_into(rest, &mut kept),
                false => parser.parse(rest),
            };
            match step {
                Ok(step) => {
                    rest = &rest[step.consumed..];
                    match step.item {
                        Some(Item::Event(event)) => events.push(kept.data(event)),
                        Some(Item::Comment(_)) => {}
                        None => break,
                    }
                }
                Err(error) => return (events, Some(error)),
            }
        }
    }
    (events, None)
}

/// [`run`] by `Parser::feed`.
fn run_feed(config: Config, chunks: &[&[u8]]) -> (Vec<String>, Option<Error>) {
    let mut parser = Parser::with_config(config);
    let mut events = Vec::new();
    for chunk in chunks {
        let mut feed = parser.feed(chunk);
        loop {
            match feed.next_item() {
                Ok(Some(Item::Event(event))) => events.push(event.data().into_owned()),
                Ok(Some(Item::Comment(_))) => {}
                Ok(None) => break,
                Err(error) => return (events, Some(error)),
            }
        }
    }
    (events, None)
}

/// Every way to split `input` in two, and one byte at a time.
fn chunkings(input: &[u8]) -> Vec<Vec<&[u8]>> {
    let mut all: Vec<Vec<&[u8]>> = (0..=input.len())
        .map(|at| vec![&input[..at], &input[at..]])
        .collect();
    all.push(input.chunks(1).collect());
    all
}

#[test]
fn a_long_line_stops_the_parser_after_the_events_before_it() {
    let input = b"data: ok\n\ndata: 0123456789\n\ndata: never\n\n";
    let config = Config::default().max_line_size(Some(12));
    for chunks in chunkings(input) {
        let (events, error) = run(config.clone(), &chunks);
        assert_eq!(events, ["ok"]);
        match error {
            Some(Error::LimitExceeded {
                limit: Limit::LineSize,
                max: 12,
                size,
            }) => assert!(size > 12),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_line_at_the_limit_is_accepted() {
    let input = b"data: 123456\n\n";
    let (events, error) = run(Config::default().max_line_size(Some(12)), &[input]);
    assert_eq!((events, error), (vec!["123456".to_owned()], None));
}

#[test]
fn the_event_limit_counts_data_values_and_their_line_feeds() {
    // "ab\ncd\n" is 6 bytes: it fits in 6, not in 5.
    let input = b"data: ab\ndata: cd\n\n";
    for chunks in chunkings(input) {
        let (events, error) = run(Config::default().max_event_size(Some(6)), &chunks);
        assert_eq!((events, error), (vec!["ab\ncd".to_owned()], None));
        let (events, error) = run(Config::default().max_event_size(Some(5)), &chunks);
        assert!(events.is_empty());
        let expected = Error::LimitExceeded {
            limit: Limit::EventSize,
            max: 5,
            size: 6,
        };
        assert_eq!(error, Some(expected));
        // With a line limit as well, the line limit is checked first.
        let both = Config::default()
            .max_event_size(Some(5))
            .max_line_size(Some(7));
        let (_, error) = run(both, &chunks);
        assert!(matches!(
            error,
            Some(Error::LimitExceeded {
                limit: Limit::LineSize,
                ..
            })
        ));
    }
}

#[test]
fn the_event_limit_bounds_lines_too() {
    let endless = vec![b'x'; 10_000];
    let (_, error) = run(Config::default().max_event_size(Some(100)), &[&endless]);
    let expected = Error::LimitExceeded {
        limit: Limit::EventSize,
        max: 100,
        size: 10_000,
    };
    assert_eq!(error, Some(expected));
    // A data line whose value just fits is accepted: 99 bytes and an LF.
    let line = [
        &b"data: "[..],
        &[b'x'; 99],
        b"

",
    ]
    .concat();
    let (events, error) = run(Config::default().max_event_size(Some(100)), &[&line]);
    assert_eq!((events[0].len(), error), (99, None));
}

#[test]
fn a_failed_parser_refuses_input_and_reports_truncation() {
    let mut parser = Parser::with_config(Config::default().max_line_size(Some(4)));
    let first = parser.parse(b"event: x").map(|_| ()).unwrap_err();
    assert_eq!(parser.parse(b"\n\n").map(|_| ()), Err(first));
    assert_eq!(parser.end_of_stream(), EndOfStream::InsideLine);
    assert_eq!(parser.finish(), EndOfStream::InsideLine);
    assert_eq!(parser.parse(b"").map(|_| ()), Err(Error::Finished));
}

#[test]
fn memory_stays_bounded_by_the_limits() {
    let mut parser = Parser::with_config(Config::default().max_event_size(Some(1 << 16)));
    let line = vec![b'a'; 4096];
    let mut fed = 0;
    while parser.parse(&line).is_ok() {
        fed += line.len();
        assert!(fed <= 1 << 16, "fed {fed} bytes without an error");
    }
    // The parser refused the line before buffering more than the limit.
    assert!(parser.work().copied <= 1 << 16);
}
