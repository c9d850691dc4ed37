//! Errors: misuse and opt-in limits. Tokenizing itself never fails.

use std::fmt;

/// Why the parser refused input.
///
/// The event-stream format gives every byte sequence a meaning, so malformed
/// input is never an error; only misuse of the parser is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Input was fed after [`Parser::finish`](crate::Parser::finish) ended the stream.
    Finished,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Finished => f.write_str("feed() after close(): the parser is closed"),
        }
    }
}

impl std::error::Error for Error {}
