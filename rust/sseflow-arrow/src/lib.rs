//! Server-Sent Events straight into Apache Arrow record batches, built on
//! [`sseflow_core`], with no object per event: each event is a row, its text
//! copied once into the columns' buffers.
//!
//! ```
//! use arrow_array::cast::AsArray;
//! use sseflow_arrow::{BatchParser, Options};
//! use sseflow_core::Config;
//!
//! let mut parser = BatchParser::new(Config::default(), Options::default())?;
//! parser.feed(b"event: greet\ndata: hel")?;
//! parser.feed(b"lo\nid: 7\n\ndata: two\n\n")?;
//! parser.finish()?;
//! let batch = parser.next_batch().expect("one batch at the end");
//! assert_eq!(batch.num_rows(), 2);
//! let data = batch.column_by_name("data").unwrap().as_string::<i32>();
//! assert_eq!(data.value(0), "hello");
//! assert_eq!(data.value(1), "two");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The columns: `event` and `id` (dictionary-encoded `utf8`), `data` (`utf8`,
//! or `large_utf8`), `retry` (`uint64`, null unless the event's block set it);
//! optionally `offset` and `stream` ([`Layout`]), and `json` with `json_error`
//! when each event's data is decoded ([`JsonOptions`]), in the call that cuts
//! the batch or on threads of the parser's own ([`Options::decode_threads`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batches;
mod columns;
mod corrections;
mod decimals;
mod direct;
mod error;
mod escapes;
mod integers;
mod json;
mod pieces;
mod sample;
mod schema;
mod strict;
mod workers;

pub use batches::{BatchParser, Options};
pub use columns::Layout;
pub use error::{Error, JsonError};
pub use json::{JsonOptions, JsonSchema, OnError};

/// For the fuzz target only: the direct JSON decoder against arrow-json's.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use direct::compare::{direct_differs, Setup};
