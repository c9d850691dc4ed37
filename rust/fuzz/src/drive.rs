//! Driving a parser over chunks, recording what it yields and checking the
//! invariants every call must keep.

use sseflow_core::{Config, DataSink, EndOfStream, Error, Event, Item, Limit, Parser};

/// An item copied out of the parser, as the stream's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owned {
    /// An event.
    Event {
        /// `event_type_bytes()`.
        event_type: Vec<u8>,
        /// `data_bytes()`.
        data: Vec<u8>,
        /// `id()`.
        id: String,
        /// `retry()`.
        retry: Option<u64>,
    },
    /// A comment's `text_bytes()`.
    Comment(Vec<u8>),
}

/// Everything a run over a stream produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The items, in stream order.
    pub items: Vec<Owned>,
    /// The limit error that stopped the run, if one did.
    pub error: Option<Error>,
    /// `last_event_id()` before `finish`.
    pub last_event_id: String,
    /// `retry()` before `finish`.
    pub retry: Option<u64>,
    /// What `finish` reported.
    pub end: EndOfStream,
}

/// Which error: the limit and its value, without the size seen (which
/// depends on how much of the line had arrived).
pub fn error_kind(error: Option<Error>) -> Option<(Limit, usize)> {
    error.map(|error| match error {
        Error::LimitExceeded { limit, max, .. } => (limit, max),
        other => panic!("unexpected error before finish: {other:?}"),
    })
}

/// How [`run_steps`] drives the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drive {
    /// `Parser::parse` alone.
    Parse,
    /// The fast lane, then `parse`, as a batch builder drives it.
    Lane,
    /// The same with a data sink (`Config::data_sink`, `Parser::parse_into`).
    Sink,
}

/// A data sink that keeps what it is given, for the event that comes with
/// `data_in_sink`.
#[derive(Default)]
struct Kept(Vec<u8>);

impl DataSink for Kept {
    fn append(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// A parser's `parse`, or `parse_into` for a parser with a data sink.
fn parse_any<'a>(parser: &'a mut Parser, input: &'a [u8]) -> Result<(), Error> {
    match parser.parse(input) {
        Err(Error::SinkNeeded) => parser.parse_into(input, &mut Kept::default()).map(|_| ()),
        other => other.map(|_| ()),
    }
}

/// Copies an item out, checking what holds of every item; an event's data
/// is taken from `sink` when it went there (which must be empty otherwise).
fn own(item: Item<'_>, config: &Limits, sink: &mut Vec<u8>) -> Owned {
    match item {
        Item::Event(event) => {
            let event_type = event.event_type_bytes();
            let sunk = std::mem::take(sink);
            let data = match event.data_in_sink() {
                true => &sunk[..],
                false => {
                    assert!(sunk.is_empty(), "data left in the sink: {sunk:?}");
                    event.data_bytes()
                }
            };
            let id = event.id();
            assert!(!event_type.is_empty(), "empty event type");
            assert!(!event_type.contains(&b'\r') && !event_type.contains(&b'\n'));
            assert!(!data.contains(&b'\r'), "CR in data {data:?}");
            assert!(
                !id.contains(['\r', '\n', '\0']),
                "line end or NUL in id {id:?}"
            );
            if let Some(max) = config.event {
                assert!(
                    data.len() < max,
                    "data of {} bytes passed max_event_size={max}",
                    data.len()
                );
            }
            Owned::Event {
                event_type: event_type.to_vec(),
                data: data.to_vec(),
                id: id.to_owned(),
                retry: event.retry(),
            }
        }
        Item::Comment(comment) => {
            let text = comment.text_bytes();
            assert!(!text.contains(&b'\r') && !text.contains(&b'\n'));
            if let Some(max) = config.line {
                assert!(
                    text.len() < max,
                    "comment of {} bytes passed max_line_size={max}",
                    text.len()
                );
            }
            Owned::Comment(text.to_vec())
        }
    }
}

/// The limits of a config, which `Config` does not expose.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// `max_line_size`.
    pub line: Option<usize>,
    /// `max_event_size`.
    pub event: Option<usize>,
}

/// Checks an error against the limits, and that the parser now repeats it.
fn check_error(parser: &mut Parser, error: Error, limits: Limits) {
    let Error::LimitExceeded { limit, max, size } = error else {
        panic!("unexpected error before finish: {error:?}");
    };
    let set = match limit {
        Limit::LineSize => limits.line,
        Limit::EventSize => limits.event,
    };
    assert_eq!(set, Some(max), "{error:?} under {limits:?}");
    assert!(size > max, "{error:?}: size within the limit");
    assert_eq!(parse_any(parser, b"data: more\n\n").err(), Some(error));
    assert_eq!(parse_any(parser, b"").err(), Some(error));
}

/// Checks how the parser ends, then that it refuses input once finished.
fn finish(parser: &mut Parser, error: Option<Error>) -> EndOfStream {
    let live = parser.end_of_stream();
    let end = parser.finish();
    assert_eq!(
        live, end,
        "end_of_stream() before finish disagrees with finish()"
    );
    match error {
        Some(Error::LimitExceeded {
            limit: Limit::LineSize,
            ..
        }) => {
            assert_eq!(end, EndOfStream::InsideLine)
        }
        Some(_) => assert_eq!(end, EndOfStream::InsideEvent),
        None => {}
    }
    assert!(parser.is_finished());
    assert_eq!(parser.finish(), end, "a second finish() changed the report");
    assert_eq!(parser.end_of_stream(), end);
    assert_eq!(
        parse_any(parser, b"data: x\n\n").err(),
        Some(Error::Finished)
    );
    assert_eq!(parse_any(parser, b"").err(), Some(Error::Finished));
    end
}

/// Checks the work counters against the bytes fed. With the fast lane, the
/// start of a block it leaves to the general path is searched twice.
fn check_work(parser: &Parser, fed: usize, lane: bool) {
    let work = parser.work();
    let fed = fed as u64;
    assert!(
        work.scanned <= if lane { 2 * fed } else { fed },
        "scanned {} of {fed} bytes",
        work.scanned
    );
    assert!(
        work.copied <= 2 * fed + 3,
        "copied {} for {fed} bytes",
        work.copied
    );
}

/// Runs `Parser::parse` over the chunks, checking each step: `consumed`
/// never passes the input, a step with no item consumes all of it, a step
/// with an item consumes something. After each chunk (unless an error
/// stopped the run) `after_chunk` gets the parser, the items so far and the
/// number of stream bytes fed. With the lane ([`Drive`]), each `parse` comes
/// after a `Parser::parse_whole`, as a batch builder drives it, whose events
/// must each end at a blank line (every other chunk, `Parser::parse_whole_text`,
/// given what is left as text if it is valid UTF-8); with a sink, `parse` is
/// `parse_into`.
pub fn run_steps(
    config: Config,
    limits: Limits,
    chunks: &[&[u8]],
    drive: Drive,
    mut after_chunk: impl FnMut(&Parser, &[Owned], usize),
) -> Outcome {
    let lane = drive != Drive::Parse;
    let mut parser = Parser::with_config(config.data_sink(drive == Drive::Sink));
    let mut sink = Kept::default();
    let mut items = Vec::new();
    let mut error = None;
    let mut fed = 0;
    'chunks: for (index, chunk) in chunks.iter().enumerate() {
        let mut rest: &[u8] = chunk;
        loop {
            if lane {
                let each = |event: Event<'_>, end: usize| {
                    assert!(end <= rest.len() && rest[..end].ends_with(b"\n\n"));
                    items.push(own(Item::Event(event), &limits, &mut sink.0));
                    true
                };
                let consumed = match index % 2 {
                    0 => parser.parse_whole_text(rest, || std::str::from_utf8(rest).ok(), each),
                    _ => parser.parse_whole(rest, each),
                };
                assert!(consumed <= rest.len(), "the lane consumed past its input");
                rest = &rest[consumed..];
            }
            let len = rest.len();
            let step = match drive {
                Drive::Sink => parser.parse_into(rest, &mut sink),
                _ => parser.parse(rest),
            };
            let (consumed, item) = match step {
                Ok(step) => (
                    step.consumed,
                    step.item.map(|item| own(item, &limits, &mut sink.0)),
                ),
                Err(stop) => {
                    error = Some(stop);
                    break 'chunks;
                }
            };
            assert!(consumed <= len, "consumed {consumed} of {len}");
            match item {
                None => {
                    assert_eq!(consumed, len, "no item, yet input left");
                    break;
                }
                Some(item) => {
                    assert!(consumed > 0, "an item from no input");
                    items.push(item);
                    rest = &rest[consumed..];
                }
            }
        }
        fed += chunk.len();
        after_chunk(&parser, &items, fed);
    }
    if let Some(stop) = error {
        check_error(&mut parser, stop, limits);
    }
    check_work(&parser, chunks.iter().map(|chunk| chunk.len()).sum(), lane);
    let last_event_id = parser.last_event_id().to_owned();
    let retry = parser.retry();
    let end = finish(&mut parser, error);
    Outcome {
        items,
        error,
        last_event_id,
        retry,
        end,
    }
}

/// Runs the same through `Parser::feed` and `Feed::next_item`.
pub fn run_feed(config: Config, limits: Limits, chunks: &[&[u8]]) -> Outcome {
    let mut parser = Parser::with_config(config);
    let mut items = Vec::new();
    let mut error = None;
    'chunks: for chunk in chunks {
        let mut feed = parser.feed(chunk);
        loop {
            match feed.next_item() {
                Ok(Some(item)) => items.push(own(item, &limits, &mut Vec::new())),
                Ok(None) => {
                    assert!(
                        feed.rest().is_empty(),
                        "next_item() gave None with input left"
                    );
                    break;
                }
                Err(stop) => {
                    error = Some(stop);
                    break 'chunks;
                }
            }
        }
    }
    if let Some(stop) = error {
        check_error(&mut parser, stop, limits);
    }
    let last_event_id = parser.last_event_id().to_owned();
    let retry = parser.retry();
    let end = finish(&mut parser, error);
    Outcome {
        items,
        error,
        last_event_id,
        retry,
        end,
    }
}
