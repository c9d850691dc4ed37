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
    /// No one JSON type holds the stream's first objects
    /// ([`JsonSchema::Infer`](crate::JsonSchema::Infer)): the parser refuses
    /// input after it, as after a [`Json`](Error::Json) error.
    Inference(String),
}

/// An error after which a parser refuses input, kept to be returned again.
#[derive(Clone, Debug)]
pub(crate) enum Refusal {
    Json(JsonError),
    Inference(String),
}

impl Refusal {
    /// The refusal of `error`, if it is one.
    pub(crate) fn of(error: &Error) -> Option<Refusal> {
        match error {
            Error::Json(json) => Some(Refusal::Json(json.clone())),
            Error::Inference(why) => Some(Refusal::Inference(why.clone())),
            _ => None,
        }
    }

    pub(crate) fn error(&self) -> Error {
        match self {
            Refusal::Json(json) => Error::Json(json.clone()),
            Refusal::Inference(why) => Error::Inference(why.clone()),
        }
    }
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
            Error::Inference(why) => f.write_str(why),
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
