//! A zero-copy, incremental tokenizer for Server-Sent Events
//! (`text/event-stream`), following the WHATWG HTML standard's "parsing an
//! event stream" and "interpreting an event stream" exactly.
//!
//! Feed it byte chunks of any size, split anywhere; it yields the same events
//! whatever the chunking. It does no I/O, never panics, never fails on any
//! input, and borrows from the chunk instead of copying whenever a line lies
//! inside it.
//!
//! ```
//! use sseflow_core::{EndOfStream, Item, Parser};
//!
//! let mut parser = Parser::new();
//! let mut seen = Vec::new();
//! for chunk in [&b"event: greet\ndata: hel"[..], b"lo\r", b"\nid: 7\n\n: ping\ndata: cut"] {
//!     let mut feed = parser.feed(chunk);
//!     while let Some(item) = feed.next_item()? {
//!         if let Item::Event(event) = item {
//!             seen.push((event.event_type().into_owned(), event.data().into_owned(), event.id().to_owned()));
//!         }
//!     }
//! }
//! assert_eq!(seen, [("greet".to_owned(), "hello".to_owned(), "7".to_owned())]);
//! // The stream ended inside an event: the standard drops it, the report says so.
//! assert_eq!(parser.finish(), EndOfStream::InsideLine);
//! # Ok::<(), sseflow_core::Error>(())
//! ```
//!
//! [`Parser::parse`] is the lower-level step behind [`Feed`]: it returns one
//! item and how many bytes it consumed, for callers that manage the input
//! themselves. [`Parser::parse_whole`] is a fast lane beside it, for callers
//! that take many events at a time (the Arrow batch builder): it hands over
//! the run of common, whole blocks at the start of the input in one pass each,
//! and leaves the rest to `parse`. [`Parser::parse_whole_text`] is the same
//! for input the caller has checked as UTF-8: IDs are then not checked again.
//! With [`Config::data_sink`], [`Parser::parse_into`] hands the data of a
//! `data` line that spans inputs to the caller's [`DataSink`] as the inputs
//! come, so that it is never copied into the parser (the Arrow batch builder
//! writes it straight into its column).
//!
//! # Where each rule lives
//!
//! The standard's two steps are two modules: line framing (`framing.rs`,
//! "parsing an event stream") finds lines; line interpretation
//! (`interpret.rs`, "interpreting an event stream") acts on them.
//! `parser.rs` joins them, one code path per line. The fast lane (`whole.rs`)
//! frames whole blocks of the common shape itself, classifies their lines with
//! `field::classify` and hands each block to `Interpreter::whole`, which applies
//! its fields as the lines would be; it leaves every other block to that path. The pure-Python reference
//! (`python/sseflow/reference.py`) keeps the same rules in the functions named
//! here; the tests hold both to them.
//!
//! | Rule | Core: module, function | Reference | Tests |
//! |---|---|---|---|
//! | one leading BOM stripped, even split | `framing`, `Framer::start` (`skip_bom`) | `Parser._skip_bom` | `spec.rs` `bom_*`; `spec_cases.py` "BOM" |
//! | lines end at CRLF, LF, CR; CRLF split across chunks | `framing`, `Framer::next_line`, `Framer::start` | `Parser._feed` (`_LINE_END`, `_after_cr`) | `spec.rs` line ends; `spec_cases.py` "line ends" |
//! | a line spanning chunks is copied once | `framing`, `Framer::next_line` | `Parser._feed` (`_line`) | `linear.rs`; `test_limits.py` memory |
//! | `max_line_size`, and lines bounded by `max_event_size` + 5 | `config`, `Config::line_limit`; `framing`, `Framer::check` | `Parser._check_line` | `limits.rs`; `test_limits.py`, `test_differential_limits.py` |
//! | comment, field name, colon, one leading space | `field`, `classify` | `Parser._process_line` | `field.rs` unit tests; `spec_cases.py` "comments", "fields" |
//! | `data` appends value + LF; borrowed while it can be | `interpret`, `Interpreter::line` (`append_data`) | `Parser._process_field` | `spec_cases.py` "data"; `properties.rs` |
//! | `event` sets the type buffer | `interpret`, `Interpreter::line` | `Parser._process_field` | `spec_cases.py` "event type" |
//! | `id` sets the ID buffer unless it holds NUL | `field`, `sets_id`; `interpret`, `Interpreter::line` | `Parser._process_field` | `spec_cases.py` "id" |
//! | a last event ID to start from: no NUL, CR or LF | `field`, `is_valid_last_event_id` | `Parser.__init__` (its `last_event_id` check) | `test_resume.py`, `test_bad_input_eventsource.py` |
//! | `retry`: ASCII digits only, saturating at 2^64 − 1 | `field`, `parse_retry` | `Parser._process_field` | `field.rs` unit tests; `spec_cases.py` "retry" |
//! | blank line: set the last event ID, dispatch unless the data is empty, drop one LF | `interpret`, `Interpreter::dispatch`, `Interpreter::event` | `Parser._dispatch` | `spec_cases.py` "data", "id" |
//! | an empty type buffer gives `default_event` (`message`) | `config`, `Config::default_event`; `Event::event_type_or_none` | `Parser._dispatch` | `default_event.rs`; `test_default_event.py` |
//! | `max_event_size` on the data buffer | `interpret`, `Interpreter::check_data` | `Parser._process_field` | `limits.rs`; `test_limits.py` |
//! | the end: open line and incomplete event dropped, reported | `Parser::finish`, `Parser::end_of_stream` | `Parser.close`, `Parser.truncated` | `spec.rs` `end_of_stream_is_live`; `spec_cases.py` "end of stream" |
//! | the fast lane: whole common blocks in one pass, the same result | `whole`, `block`; `interpret`, `Interpreter::whole`; `Parser::parse_whole`, `parse_whole_text` (`Ids`) | (one path) | `tests/common` `run_whole` (every `spec.rs` row and property); `linear.rs` `the_lane_*`; fuzz `chunking_invariance`, `differential` |
//! | with a data sink, an open `data` line goes to the caller piece by piece, not to the line buffer | `parser`, `Parser::parse_into` (`open_line`); `framing`, `Framer::sink_open`; `interpret`, `Interpreter::sink_open`, `sink_end` | (one path) | `tests/common` `run_sunk` (every `spec.rs` row and property); `limits.rs`; `linear.rs` `a_sunk_line_is_never_copied`; fuzz `Drive::Sink` |
//! | UTF-8 decoding with U+FFFD, after splitting on bytes | `event`, `Event::data` | `_decode` | `spec_cases.py` "UTF-8" |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod buffer;
mod config;
mod error;
mod event;
mod field;
mod framing;
mod interpret;
mod parser;
mod whole;

pub use config::Config;
pub use error::{Error, Limit};
pub use event::{Comment, DataSink, EndOfStream, Event, Item, OwnedEvent};
pub use field::is_valid_last_event_id;
pub use parser::{Feed, Parser, Step, Work};
