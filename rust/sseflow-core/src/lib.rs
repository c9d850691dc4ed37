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
//! themselves.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod event;
mod field;
mod parser;

pub use error::{Error, Limit};
pub use event::{Comment, EndOfStream, Event, Item, OwnedEvent};
pub use parser::{Config, Feed, Parser, Step, Work};
