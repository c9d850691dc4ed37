//! `sseflow.Parser`: feed bytes, iterate the events ready so far.

use crate::errors;
use crate::event::{str_or_none, PyComment};
use crate::lock::CallLock;
use crate::strings::{text, Strings};
use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::Borrowed;
use sseflow_core::{Config, Item, Parser};
use sseflow_pyargs::{options, Bytes};
use std::borrow::Cow;
use std::collections::VecDeque;

/// An incremental Server-Sent Events parser.
///
/// Feed it chunks of the stream as they arrive, split anywhere, and iterate it
/// for the events ready so far; each is yielded once. It follows the WHATWG
/// HTML standard's event-stream format exactly.
///
/// Args:
///     comments: also yield comment lines (``: ping``) as :class:`Comment`
///         objects, in stream order, e.g. to notice heartbeats.
///     max_line_size: the longest line accepted, in bytes (default: no limit).
///     max_event_size: the largest data of one event, in bytes, counting one
///         LF per ``data`` line (default: no limit); it bounds every line too,
///         at 5 bytes more (the longest ``data: `` line whose value fits).
///     last_event_id: the last event ID to start from, as a client that
///         reconnects has it (default: none).
///     default_event: the type of an event whose block set none (default:
///         ``"message"``, as the standard says). With ``None``, such an event's
///         :attr:`Event.event` is ``None``, telling a block without an
///         ``event`` field from one with ``event: message``. An empty
///         ``event:`` line sets no type either, as in the standard, so it also
///         gives the default.
///
/// Going over a limit raises :class:`LimitExceeded` from :meth:`feed`, and the
/// parser refuses further input; the events before the offending one stay
/// ready.
///
/// >>> parser = Parser()
/// >>> parser.feed(b"data: hel")
/// >>> parser.feed(b"lo\n\n")
/// >>> list(parser)
/// [Event(event='message', data='hello', id='', retry=None)]
#[pyclass(name = "Parser", module = "sseflow", frozen)]
pub(crate) struct PyParser {
    state: CallLock<State>,
}

/// Everything a call on the parser reads or changes.
struct State {
    core: Parser,
    ready: VecDeque<Py<PyAny>>,
    strings: Strings,
}

#[pymethods]
impl PyParser {
    #[new]
    #[pyo3(
        signature = (
            *,
            comments = None,
            max_line_size = None,
            max_event_size = None,
            last_event_id = None,
            default_event = DefaultEvent::Message
        ),
        text_signature = "(*, comments=False, max_line_size=None, max_event_size=None, last_event_id='', default_event='message')"
    )]
    fn new(
        py: Python<'_>,
        comments: Option<&Bound<'_, PyAny>>,
        max_line_size: Option<&Bound<'_, PyAny>>,
        max_event_size: Option<&Bound<'_, PyAny>>,
        last_event_id: Option<&Bound<'_, PyAny>>,
        default_event: DefaultEvent,
    ) -> PyResult<PyParser> {
        let default_event = match &default_event {
            DefaultEvent::Message => Some("message"),
            DefaultEvent::Given(text) => text.as_deref(),
        };
        let config = Config::default()
            .comments(options::flag("comments", comments)?)
            .max_line_size(options::limit("max_line_size", max_line_size)?)
            .max_event_size(options::limit("max_event_size", max_event_size)?)
            .last_event_id(options::last_event_id(last_event_id)?)
            .default_event(default_event);
        let state = State {
            core: Parser::with_config(config),
            ready: VecDeque::new(),
            strings: Strings::new(py, default_event),
        };
        Ok(PyParser {
            state: CallLock::new(state),
        })
    }

    /// Parses a chunk of the stream.
    ///
    /// Args:
    ///     data: ``bytes``, ``bytearray``, ``memoryview`` or any buffer of
    ///         bytes; contiguous buffers are read in place, and none is kept
    ///         after the call.
    ///
    /// Raises:
    ///     TypeError: ``data`` is not bytes-like.
    ///     ParserClosed: the parser was closed.
    fn feed(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = Bytes::get(data)?;
        self.state.lock(py)?.feed(py, bytes.as_slice())
    }

    /// Parses a chunk of the stream and returns the items ready after it.
    ///
    /// The same as :meth:`feed` then :meth:`events`, in one call: the events
    /// (and comments, with ``comments=True``) the chunk completed, in stream
    /// order, after any that earlier :meth:`feed` calls left unread. They are
    /// removed from the parser.
    ///
    /// Args:
    ///     data: as for :meth:`feed`.
    ///
    /// Raises:
    ///     TypeError: ``data`` is not bytes-like.
    ///     ParserClosed: the parser was closed.
    ///     LimitExceeded: a line or event is over a limit (now or before); the
    ///         items before the offending one stay ready, for :meth:`events`.
    fn parse(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Py<PyList>> {
        let bytes = Bytes::get(data)?;
        Ok(self.state.lock(py)?.parse(py, bytes.as_slice())?.unbind())
    }

    /// Ends the stream.
    ///
    /// As the standard says, an incomplete final event is discarded; afterwards
    /// :attr:`truncated` says whether there was one. Events already parsed stay
    /// ready to iterate. Closing again does nothing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.state.lock(py)?.core.finish();
        Ok(())
    }

    /// All the ready items, in stream order, removed from the parser.
    fn events(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        let ready = std::mem::take(&mut self.state.lock(py)?.ready);
        Ok(PyList::new(py, ready)?.unbind())
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        Ok(self.state.lock(py)?.ready.pop_front())
    }

    /// Whether :meth:`close` was called.
    #[getter]
    fn closed(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.state.lock(py)?.core.is_finished())
    }

    /// Whether the stream ended truncated: inside a line that is neither empty
    /// nor a comment, or after a ``data``, ``event`` or valid ``id`` field that
    /// no blank line followed. Before :meth:`close`, whether it would if it
    /// ended now.
    #[getter]
    fn truncated(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.state.lock(py)?.core.end_of_stream().is_truncated())
    }

    /// The last event ID string (``""`` if none).
    #[getter]
    fn last_event_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.state.lock(py)?.core.last_event_id().to_owned())
    }

    /// The reconnection time in milliseconds set by the stream, or ``None``.
    #[getter]
    fn retry(&self, py: Python<'_>) -> PyResult<Option<u64>> {
        Ok(self.state.lock(py)?.core.retry())
    }
}

impl State {
    /// Parses `chunk` to its end, appending each item to `ready`.
    fn feed(&mut self, py: Python<'_>, chunk: &[u8]) -> PyResult<()> {
        let ready = &mut self.ready;
        parse_chunk(py, &mut self.core, &mut self.strings, chunk, |item| {
            ready.push_back(item.unbind());
            Ok(())
        })
    }

    /// The ready items and then those of `chunk`, in a new list.
    fn parse<'py>(&mut self, py: Python<'py>, chunk: &[u8]) -> PyResult<Bound<'py, PyList>> {
        // Appending as items come is faster than collecting them first.
        let list = PyList::new(py, self.ready.drain(..))?;
        let parsed = parse_chunk(py, &mut self.core, &mut self.strings, chunk, |item| {
            list.append(item)
        });
        match parsed {
            Ok(()) => Ok(list),
            Err(error) => {
                // Keep the items for events(), as feed() does.
                self.ready.extend(list.iter().map(Bound::unbind));
                Err(error)
            }
        }
    }
}

/// Parses `chunk` to its end, handing each item, as a Python object, to `keep`.
fn parse_chunk<'py>(
    py: Python<'py>,
    core: &mut Parser,
    strings: &mut Strings,
    mut chunk: &[u8],
    mut keep: impl FnMut(Bound<'py, PyAny>) -> PyResult<()>,
) -> PyResult<()> {
    loop {
        // The fast lane first, for the whole blocks it takes.
        let mut failed = None;
        let consumed = core.parse_whole(chunk, |event, _| {
            match strings
                .event(py, &event)
                .and_then(|event| keep(event.into_any()))
            {
                Ok(()) => true,
                Err(error) => {
                    failed = Some(error);
                    false
                }
            }
        });
        if let Some(error) = failed {
            return Err(error);
        }
        chunk = &chunk[consumed..];
        if consumed > 0 && chunk.is_empty() {
            return Ok(());
        }
        let step = core
            .parse(chunk)
            .map_err(|error| errors::to_py(py, error))?;
        chunk = &chunk[step.consumed..];
        match step.item {
            None => return Ok(()),
            Some(Item::Event(event)) => keep(strings.event(py, &event)?.into_any())?,
            Some(Item::Comment(comment)) => {
                let text = text(py, comment.text_bytes()).unbind();
                keep(Bound::new(py, PyComment { text })?.into_any())?;
            }
        }
    }
}

/// The `default_event` argument: omitted (`"message"`), or a `str` or `None`.
enum DefaultEvent {
    Message,
    Given(Option<String>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for DefaultEvent {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<DefaultEvent> {
        let text = str_or_none(&value, "default_event must be a str or None")?;
        let text = text.map(|text| text.to_cow().map(Cow::into_owned));
        Ok(DefaultEvent::Given(text.transpose()?))
    }
}
