//! What the two extension modules share, so that `sseflow.Parser` and
//! `sseflow_arrow.BatchParser` take the same chunks and the same options, and
//! refuse the others with the same messages: reading any buffer of bytes fed
//! to them ([`Bytes`]), asking the CPU for its bytes ahead of the parser
//! ([`prefetch`]), and checking their common arguments ([`options`]).

mod bytes;
pub mod options;
mod prefetch;

pub use bytes::Bytes;
pub use prefetch::prefetch;
