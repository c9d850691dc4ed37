//! Helpers shared by the integration tests: run a parser over a chunk
//! sequence and collect everything it reports as owned values, and cut inputs
//! into chunks in the ways the tests need.

// Each test crate uses only some of these helpers.
#![allow(dead_code)]

use sseflow_core::{Config, DataSink, EndOfStream, Error, Event, Item, OwnedEvent, Parser};

/// One item, copied out of the parser.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Got {
    /// A dispatched event.
    Event(OwnedEvent),
    /// A comment's text.
    Comment(String),
}

impl Got {
    fn from_item(item: Item<'_>) -> Got {
        match item {
            Item::Event(event) => Got::Event(event.to_owned_event()),
            Item::Comment(comment) => Got::Comment(comment.text().into_owned()),
        }
    }
}

/// An event as the tests spell it: type, data, id, block retry.
pub fn event(event_type: &str, data: &str, id: &str, retry: Option<u64>) -> Got {
    Got::Event(OwnedEvent {
        event_type: event_type.to_owned(),
        data: data.to_owned(),
        id: id.to_owned(),
        retry,
    })
}

/// A comment with this text.
pub fn comment(text: &str) -> Got {
    Got::Comment(text.to_owned())
}

/// Everything a parser reported for one stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The items, in stream order.
    pub items: Vec<Got>,
    /// `last_event_id()` after `finish()`.
    pub last_event_id: String,
    /// `retry()` after `finish()`.
    pub retry: Option<u64>,
    /// What `finish()` returned.
    pub end: EndOfStream,
}

/// A parser with comments on or off.
pub fn parser(comments: bool) -> Parser {
    Parser::with_config(Config::default().comments(comments))
}

/// Checks what holds for every finished parser, and builds the outcome.
///
/// `end_of_stream()` before `finish()` must predict its report; a second
/// `finish()` must give the same report; the parser must refuse more input.
fn finish(mut parser: Parser, items: Vec<Got>) -> Outcome {
    let predicted = parser.end_of_stream();
    assert!(!parser.is_finished());
    let end = parser.finish();
    assert_eq!(
        end, predicted,
        "end_of_stream() before finish() disagrees with finish()"
    );
    assert_eq!(parser.finish(), end, "a second finish() changed the report");
    assert_eq!(parser.end_of_stream(), end);
    assert!(parser.is_finished());
    assert_eq!(
        parser
            .parse_into(b"data: x\n\n", &mut Kept::default())
            .err(),
        Some(Error::Finished)
    );
    if parser.parse(b"").err() != Some(Error::SinkNeeded) {
        assert_eq!(parser.parse(b"data: x\n\n").err(), Some(Error::Finished));
        assert_eq!(parser.feed(b"").next_item().err(), Some(Error::Finished));
    }
    Outcome {
        items,
        last_event_id: parser.last_event_id().to_owned(),
        retry: parser.retry(),
        end,
    }
}

/// Feeds the chunks through [`Parser::feed`] and collects all items.
pub fn run_feed(comments: bool, chunks: &[&[u8]]) -> Outcome {
    let mut parser = parser(comments);
    let mut items = Vec::new();
    for chunk in chunks {
        let mut feed = parser.feed(chunk);
        while let Some(item) = feed.next_item().expect("a live parser refused input") {
            items.push(Got::from_item(item));
        }
        assert!(
            feed.rest().is_empty(),
            "next_item() returned None with input left"
        );
    }
    finish(parser, items)
}

/// Drives [`Parser::parse`] by hand over the chunks, checking the contract
/// of [`sseflow_core::Step::consumed`] at every step.
pub fn run_parse(comments: bool, chunks: &[&[u8]]) -> Outcome {
    let mut parser = parser(comments);
    let mut items = Vec::new();
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        loop {
            let step = parser.parse(rest).expect("a live parser refused input");
            let consumed = step.consumed;
            let item = step.item.map(Got::from_item);
            assert!(
                consumed <= rest.len(),
                "consumed {consumed} of {} bytes",
                rest.len()
            );
            match item {
                None => {
                    assert_eq!(consumed, rest.len(), "no item, yet input was left");
                    break;
                }
                Some(item) => {
                    // An item needs at least its line end.
                    assert!(consumed > 0, "an item out of no input");
                    items.push(item);
                    rest = &rest[consumed..];
                }
            }
        }
    }
    finish(parser, items)
}

/// The fast lane over `rest`: [`Parser::parse_whole`], or with `text`
/// [`Parser::parse_whole_text`], given the longest valid UTF-8 prefix of
/// `rest` (a shorter slice, as if the chunk ended there).
fn lane(
    parser: &mut Parser,
    rest: &[u8],
    text: bool,
    each: impl FnMut(Event<'_>, usize) -> bool,
) -> usize {
    match text {
        false => parser.parse_whole(rest, each),
        true => {
            let valid = valid_prefix(rest);
            parser.parse_whole_text(valid.as_bytes(), || Some(valid), each)
        }
    }
}

/// Drives [`Parser::parse_whole`] and [`Parser::parse`] in turns over the
/// chunks, as a batch builder does, checking what the fast lane reports. With
/// `text`, the lane is [`Parser::parse_whole_text`], given the longest valid
/// UTF-8 prefix of what is left (a shorter slice, as if the chunk ended there).
pub fn run_whole(comments: bool, chunks: &[&[u8]], text: bool) -> Outcome {
    let mut parser = parser(comments);
    let mut items = Vec::new();
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        loop {
            let mut ends = Vec::new();
            let each = |event: Event<'_>, end| {
                items.push(Got::Event(event.to_owned_event()));
                ends.push(end);
                true
            };
            let consumed = lane(&mut parser, rest, text, each);
            assert!(consumed <= rest.len(), "the lane consumed past its input");
            // Each event ends at the LF of its blank line, within what was consumed.
            for (i, &end) in ends.iter().enumerate() {
                assert!(end <= consumed && (i == 0 || ends[i - 1] < end));
                assert_eq!(&rest[end - 2..end], b"\n\n", "an event ends at {end}");
            }
            rest = &rest[consumed..];
            let step = parser.parse(rest).expect("a live parser refused input");
            rest = &rest[step.consumed..];
            match step.item {
                None => break,
                Some(item) => items.push(Got::from_item(item)),
            }
        }
    }
    finish(parser, items)
}

/// A data sink that keeps what it is given.
#[derive(Debug, Default)]
pub struct Kept(pub Vec<u8>);

impl DataSink for Kept {
    fn append(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

impl Kept {
    /// The event, its data taken from the sink when it went there. Data left
    /// in the sink at any other event would belong to no event.
    pub fn event(&mut self, event: Event<'_>) -> Got {
        let mut owned = event.to_owned_event();
        if event.data_in_sink() {
            owned.data = String::from_utf8_lossy(&std::mem::take(&mut self.0)).into_owned();
        } else {
            assert!(self.0.is_empty(), "data left in the sink: {:?}", self.0);
        }
        Got::Event(owned)
    }
}

/// A parser with a data sink ([`Config::data_sink`]).
pub fn sinking_parser(comments: bool) -> Parser {
    Parser::with_config(Config::default().comments(comments).data_sink(true))
}

/// Drives a parser with a data sink as a batch builder does: the fast lane
/// (with or without `text`, as in [`run_whole`]) and [`Parser::parse_into`]
/// in turns. [`Parser::parse`] must refuse it.
pub fn run_sunk(comments: bool, chunks: &[&[u8]], text: bool) -> Outcome {
    let mut parser = sinking_parser(comments);
    let mut sink = Kept::default();
    let mut items = Vec::new();
    for chunk in chunks {
        assert_eq!(parser.parse(chunk).err(), Some(Error::SinkNeeded));
        let mut rest: &[u8] = chunk;
        loop {
            let each = |event: Event<'_>, _| {
                items.push(sink.event(event));
                true
            };
            let consumed = lane(&mut parser, rest, text, each);
            rest = &rest[consumed..];
            let step = parser
                .parse_into(rest, &mut sink)
                .expect("a live parser refused input");
            rest = &rest[step.consumed..];
            match step.item {
                None => break,
                Some(Item::Event(event)) => items.push(sink.event(event)),
                Some(item) => items.push(Got::from_item(item)),
            }
        }
    }
    finish(parser, items)
}

/// Runs the ways of driving a parser over the chunks, checks they agree,
/// and returns the outcome.
pub fn run(comments: bool, chunks: &[&[u8]]) -> Outcome {
    let fed = run_feed(comments, chunks);
    let parsed = run_parse(comments, chunks);
    assert_eq!(
        fed, parsed,
        "Feed and the raw parse loop disagree on {chunks:?}"
    );
    for text in [false, true] {
        let laned = run_whole(comments, chunks, text);
        assert_eq!(
            fed, laned,
            "the fast lane (text: {text}) changed what is parsed from {chunks:?}"
        );
        let sunk = run_sunk(comments, chunks, text);
        assert_eq!(
            fed, sunk,
            "a data sink (text: {text}) changed what is parsed from {chunks:?}"
        );
    }
    fed
}

/// The longest prefix of `bytes` that is valid UTF-8.
pub fn valid_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap(),
    }
}

/// Cuts `input` at the given offsets (ascending, each at most `input.len()`).
pub fn split_at<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for &cut in cuts {
        chunks.push(&input[start..cut]);
        start = cut;
    }
    chunks.push(&input[start..]);
    chunks
}

/// The whole input as one chunk.
pub fn whole(input: &[u8]) -> Vec<&[u8]> {
    vec![input]
}

/// One chunk per byte.
pub fn bytewise(input: &[u8]) -> Vec<&[u8]> {
    input.chunks(1).collect()
}

/// One chunk per byte with an empty chunk before, between and after them.
pub fn bytewise_with_empties(input: &[u8]) -> Vec<&[u8]> {
    let mut chunks = vec![&input[..0]];
    for byte in input.chunks(1) {
        chunks.push(byte);
        chunks.push(&input[..0]);
    }
    chunks
}

/// Every way to cut `input` in two (the cut may be at either end).
pub fn every_split(input: &[u8]) -> impl Iterator<Item = Vec<&[u8]>> {
    (0..=input.len()).map(move |cut| split_at(input, &[cut]))
}

/// Every way to cut `input` in three at two distinct inner offsets.
pub fn every_pair_of_splits(input: &[u8]) -> impl Iterator<Item = Vec<&[u8]>> {
    (1..input.len())
        .flat_map(move |first| (first + 1..input.len()).map(move |second| (first, second)))
        .map(move |(first, second)| split_at(input, &[first, second]))
}

/// Inputs up to this length are also cut at every pair of offsets.
pub const SHORT: usize = 64;

/// The chunkings every table row runs under: whole, bytewise (with and
/// without empty chunks), every split in two, and, for short inputs, every
/// split in three.
pub fn chunkings(input: &[u8]) -> Vec<Vec<&[u8]>> {
    let mut all = vec![whole(input), bytewise(input), bytewise_with_empties(input)];
    all.extend(every_split(input));
    if input.len() <= SHORT {
        all.extend(every_pair_of_splits(input));
    }
    all
}
