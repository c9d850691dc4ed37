//! Why a [`BatchParser`](crate::BatchParser) refused input.

use arrow_schema::ArrowError;
use std::fmt;

/// An error from [`BatchParser`](crate::BatchParser).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The event stream was refused: a limit was exceeded, or input came after
    /// the end. The batches before stay ready.
    Parse(sseflow_core::Error),
    /// An event's data is not JSON, or does not fit the schema, and the options
    /// say to raise ([`OnError::Raise`](crate::OnError::Raise)).
    Json(JsonError),
    /// Arrow refused to build a batch (a schema the JSON decoder cannot fill).
    Arrow(ArrowError),
}

/// The event whose data could not be decoded, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// The event's position in the stream, counting from 0.
    pub index: u64,
    /// Its type.
    pub event: String,
    /// Its last event ID.
    pub id: String,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "event {} (type {:?}, id {:?}): {}",
            self.index, self.event, self.id, self.message
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse(error) => error.fmt(f),
            Error::Json(error) => error.fmt(f),
            Error::Arrow(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<sseflow_core::Error> for Error {
    fn from(error: sseflow_core::Error) -> Self {
        Error::Parse(error)
    }
}

impl From<ArrowError> for Error {
    fn from(error: ArrowError) -> Self {
        Error::Arrow(error)
    }
}
