//! The `str` objects of events, made once and reused: recent event types and
//! the last event ID, which streams repeat.

use crate::event::PyEvent;
use pyo3::prelude::*;
use pyo3::types::PyString;
use sseflow_core::Event;

/// How many distinct event types keep their `str` for reuse.
const TYPE_CACHE_SIZE: usize = 16;

/// `str` objects reused across events: recent event types and the last ID.
pub(crate) struct Strings {
    /// The type of an event whose block set none, if any.
    default_event: Option<Py<PyString>>,
    message: Option<Py<PyString>>,
    types: Vec<(Box<[u8]>, Py<PyString>)>,
    id: Option<(String, Py<PyString>)>,
}

impl Strings {
    /// With the parser's `default_event`.
    pub(crate) fn new(py: Python<'_>, default_event: Option<&str>) -> Strings {
        Strings {
            default_event: default_event.map(|text| PyString::intern(py, text).unbind()),
            message: None,
            types: Vec::new(),
            id: None,
        }
    }

    /// A Python event for a core event, reusing the strings it can.
    #[inline]
    pub(crate) fn event<'py>(
        &mut self,
        py: Python<'py>,
        event: &Event<'_>,
    ) -> PyResult<Bound<'py, PyEvent>> {
        let data = text(py, event.data_bytes()).unbind();
        let event = PyEvent {
            event: if event.has_default_type() {
                self.default_event.as_ref().map(|text| text.clone_ref(py))
            } else {
                Some(self.event_type(py, event.event_type_bytes()))
            },
            data,
            id: self.id(py, event.id()),
            retry: event.retry(),
        };
        Bound::new(py, event)
    }

    fn event_type(&mut self, py: Python<'_>, bytes: &[u8]) -> Py<PyString> {
        if same(bytes, b"message") {
            let message = self
                .message
                .get_or_insert_with(|| PyString::intern(py, "message").unbind());
            return message.clone_ref(py);
        }
        // Most recently used first: streams repeat a few types.
        if let Some(found) = self
            .types
            .iter()
            .rposition(|(cached, _)| same(cached, bytes))
        {
            let entry = self.types.remove(found);
            let text = entry.1.clone_ref(py);
            self.types.push(entry);
            return text;
        }
        let text = text(py, bytes).unbind();
        if self.types.len() == TYPE_CACHE_SIZE {
            self.types.remove(0);
        }
        self.types.push((bytes.into(), text.clone_ref(py)));
        text
    }

    fn id(&mut self, py: Python<'_>, id: &str) -> Py<PyString> {
        match &self.id {
            Some((cached, text)) if same(cached.as_bytes(), id.as_bytes()) => text.clone_ref(py),
            _ => {
                let text = PyString::new(py, id).unbind();
                self.id = Some((id.to_owned(), text.clone_ref(py)));
                text
            }
        }
    }
}

/// Byte equality for the short strings compared per event (types, IDs), without
/// a call to the C library's `memcmp`, which profiling showed dominating here.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Text of the stream as a `str`: UTF-8, malformed sequences replaced by U+FFFD.
///
/// Valid text, the usual case, is decoded once, by Python; only malformed
/// text pays for a failed attempt and Rust's lossy decoding, which replaces
/// exactly as Python's ``bytes.decode("utf-8", "replace")`` does.
pub(crate) fn text<'py>(py: Python<'py>, bytes: &[u8]) -> Bound<'py, PyString> {
    PyString::from_bytes(py, bytes)
        .unwrap_or_else(|_| PyString::new(py, &String::from_utf8_lossy(bytes)))
}
