//! Shared pieces of the sseflow-core fuzz targets: reading a fuzz input
//! ([`plan`]), driving a parser while checking its invariants ([`drive`]),
//! a simple whole-stream reference interpreter ([`reference`]), and the
//! checks each target runs ([`check`]).

pub mod check;
pub mod drive;
pub mod plan;
pub mod reference;
