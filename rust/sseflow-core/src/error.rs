//! Errors: misuse and opt-in limits. Tokenizing itself never fails.

use std::fmt;

/// Why the parser refused input.
///
/// The event-stream format gives every byte sequence a meaning, so malformed
/// input is never an error; only misuse of the parser and the opt-in limits of
/// [`Config`](crate::Config) are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Input was fed after [`Parser::finish`](crate::Parser::finish) ended the stream.
    Finished,
    /// [`parse`](crate::Parser::parse) was called on a parser configured with
    /// [`Config::data_sink`](crate::Config::data_sink), which is fed with
    /// [`parse_into`](crate::Parser::parse_into). Nothing was parsed.
    SinkNeeded,
    /// A line or an event grew past a limit set in [`Config`](crate::Config).
    ///
    /// The parser refuses all further input with the same error; the items
    /// returned before it stay valid, and the offending event is never returned.
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The limit, in bytes.
        max: usize,
        /// The size seen when the parser stopped, in bytes: of the line, or of
        /// the data buffer.
        size: usize,
    },
}

/// The opt-in size limits of a [`Config`](crate::Config).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// [`Config::max_line_size`](crate::Config::max_line_size).
    LineSize,
    /// [`Config::max_event_size`](crate::Config::max_event_size).
    EventSize,
}

impl Limit {
    /// The option's name, as the Python API spells it.
    pub fn name(self) -> &'static str {
        match self {
            Limit::LineSize => "max_line_size",
            Limit::EventSize => "max_event_size",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Finished => f.write_str("feed() after close(): the parser is closed"),
            Error::SinkNeeded => {
                f.write_str("this parser hands data to a sink: feed it with parse_into")
            }
            Error::LimitExceeded { limit, max, size } => {
                write!(f, "{}={max} exceeded ({size} bytes seen)", limit.name())
            }
        }
    }
}

impl std::error::Error for Error {}
