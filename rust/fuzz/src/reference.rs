//! The model the differential target compares the parser with: the core's test
//! model, shared so that one simple interpreter judges both.

#[path = "../../sseflow-core/tests/model/mod.rs"]
mod model;

pub use model::{interpret, Meaning, TextItem};

use crate::drive::Owned;

impl TextItem {
    /// The parser's item decoded as the parser's API decodes it.
    pub fn from_owned(item: &Owned) -> TextItem {
        match item {
            Owned::Event {
                event_type,
                data,
                id,
                retry,
            } => TextItem::Event {
                event_type: String::from_utf8_lossy(event_type).into_owned(),
                data: String::from_utf8_lossy(data).into_owned(),
                id: id.clone(),
                retry: *retry,
            },
            Owned::Comment(text) => TextItem::Comment(String::from_utf8_lossy(text).into_owned()),
        }
    }
}
