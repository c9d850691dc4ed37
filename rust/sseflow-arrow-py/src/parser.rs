//! `sseflow.arrow.BatchParser`: feed bytes, iterate Arrow record batches.

use crate::args;
use crate::batch::{PyRecordBatch, PySchema};
use crate::capsule;
use crate::errors;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;
use sseflow_arrow::{BatchParser, JsonOptions, JsonSchema, Layout, OnError, Options};
use sseflow_core::Config;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// An incremental Server-Sent Events parser that hands out Arrow record
/// batches: one row per event, no Python object per event.
///
/// Fed like :class:`sseflow.Parser` (any chunking, the same rules, limits,
/// ``close()``, ``truncated`` and ``last_event_id``); iterating it yields the
/// :class:`RecordBatch` objects ready so far. A batch is cut when it holds
/// ``batch_rows`` events or ``batch_bytes`` bytes of text, at :meth:`flush`
/// and at :meth:`close`.
///
/// Columns: ``event`` and ``id`` (dictionary-encoded utf8), ``data`` (utf8,
/// or large_utf8 with ``large_data=True``), ``retry`` (uint64, null unless the
/// event's block set it); ``offset`` (uint64: the stream position just past
/// the CR or LF that dispatched the event) with ``offsets=True``; ``stream``
/// (``label`` on every row) with ``label=``; with ``json_schema=``, ``json``
/// (the data decoded into that struct type, or inferred with ``"infer"``) and,
/// with ``on_error="null"``, ``json_error`` (why a row's ``json`` is null).
///
/// >>> parser = BatchParser()
/// >>> parser.feed(b"data: hel")
/// >>> parser.feed(b"lo\n\ndata: two\n\n")
/// >>> parser.close()
/// >>> [batch.num_rows for batch in parser]
/// [2]
#[pyclass(name = "BatchParser", module = "sseflow.arrow", frozen)]
pub(crate) struct PyBatchParser {
    /// Each call holds the interpreter for its whole run (nothing in it runs
    /// Python code or lets go of the interpreter), so the lock is never
    /// contended; it makes the parser shareable between threads.
    inner: Mutex<BatchParser>,
}

impl PyBatchParser {
    fn inner(&self) -> MutexGuard<'_, BatchParser> {
        // Only a panic poisons the lock, and the parser's state is whole
        // between steps.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl PyBatchParser {
    #[new]
    #[pyo3(
        signature = (
            *,
            batch_rows = None,
            batch_bytes = None,
            offsets = None,
            label = None,
            large_data = None,
            json_schema = None,
            json_events = None,
            on_error = None,
            infer_rows = None,
            max_line_size = None,
            max_event_size = None,
            last_event_id = None
        ),
        text_signature = "(*, batch_rows=65536, batch_bytes=16777216, offsets=False, label=None, large_data=False, json_schema=None, json_events=None, on_error='null', infer_rows=1000, max_line_size=None, max_event_size=None, last_event_id='')"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        batch_rows: Option<&Bound<'_, PyAny>>,
        batch_bytes: Option<&Bound<'_, PyAny>>,
        offsets: Option<&Bound<'_, PyAny>>,
        label: Option<&Bound<'_, PyAny>>,
        large_data: Option<&Bound<'_, PyAny>>,
        json_schema: Option<&Bound<'_, PyAny>>,
        json_events: Option<&Bound<'_, PyAny>>,
        on_error: Option<&Bound<'_, PyAny>>,
        infer_rows: Option<&Bound<'_, PyAny>>,
        max_line_size: Option<&Bound<'_, PyAny>>,
        max_event_size: Option<&Bound<'_, PyAny>>,
        last_event_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyBatchParser> {
        let defaults = Options::default();
        let mut options = Options {
            batch_rows: args::positive_or("batch_rows", batch_rows, defaults.batch_rows)?,
            batch_bytes: args::positive_or("batch_bytes", batch_bytes, defaults.batch_bytes)?,
            layout: Layout {
                large_data: large_data.map_or(Ok(false), |v| args::flag("large_data", v))?,
                offsets: offsets.map_or(Ok(false), |v| args::flag("offsets", v))?,
                label: args::text("label", label)?,
            },
            json: None,
        };
        if let Some(schema) = json_schema.filter(|v| !v.is_none()) {
            let rows = args::positive_or("infer_rows", infer_rows, 1000)?;
            options.json = Some(JsonOptions {
                schema: json_type(schema, rows)?,
                events: events_arg(json_events)?,
                on_error: on_error_arg(on_error)?,
            });
        }
        let config = Config::default()
            .max_line_size(args::size("max_line_size", max_line_size)?)
            .max_event_size(args::size("max_event_size", max_event_size)?)
            .last_event_id(args::last_event_id(last_event_id)?);
        let inner = BatchParser::new(config, options).map_err(capsule::value_error)?;
        Ok(PyBatchParser {
            inner: Mutex::new(inner),
        })
    }

    /// Parses a chunk of the stream; batches that fill up become ready.
    ///
    /// Args:
    ///     data: ``bytes`` (read in place) or any buffer of bytes (copied once).
    ///
    /// Raises:
    ///     TypeError: ``data`` is not bytes-like.
    ///     ParserClosed: the parser was closed.
    ///     LimitExceeded: a line or an event went over a limit; the events
    ///         before it stay in the batch being built.
    ///     JSONDataError: with ``on_error="raise"``, an event's data is not
    ///         JSON or does not fit the schema; its batch is not delivered and
    ///         the parser refuses further input.
    fn feed(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let chunk = args::chunk(data)?;
        self.inner().feed(&chunk).map_err(|e| errors::to_py(py, e))
    }

    /// Parses a chunk and returns the batches ready after it: :meth:`feed`
    /// then :meth:`batches`, in one call (as :meth:`sseflow.Parser.parse`).
    ///
    /// Raises:
    ///     What :meth:`feed` raises; after a limit error the batches ready
    ///     before stay, for :meth:`batches`.
    fn parse(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Vec<PyRecordBatch>> {
        self.feed(py, data)?;
        Ok(self.batches())
    }

    /// Makes the events parsed so far a ready batch, if there are any.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        self.inner().flush().map_err(|e| errors::to_py(py, e))
    }

    /// Ends the stream: as in :meth:`sseflow.Parser.close`, an incomplete
    /// final event is discarded (see :attr:`truncated`); the last batch is
    /// cut. Closing again does nothing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let mut inner = self.inner();
        if inner.parser().is_finished() {
            return Ok(());
        }
        inner.finish().map(drop).map_err(|e| errors::to_py(py, e))
    }

    /// All the ready batches, in stream order, removed from the parser.
    fn batches(&self) -> Vec<PyRecordBatch> {
        let mut inner = self.inner();
        std::iter::from_fn(|| inner.next_batch())
            .map(|batch| PyRecordBatch { batch })
            .collect()
    }

    /// The same as :meth:`batches`: the name the readers of :mod:`sseflow`
    /// call, so that a ``BatchParser`` can stand in for ``sseflow.Parser``.
    fn events(&self) -> Vec<PyRecordBatch> {
        self.batches()
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self) -> Option<PyRecordBatch> {
        self.inner()
            .next_batch()
            .map(|batch| PyRecordBatch { batch })
    }

    /// The schema of every batch, or ``None`` while the JSON type is still to
    /// be inferred from the first batch.
    #[getter]
    fn schema(&self) -> Option<PySchema> {
        self.inner().schema().map(|schema| PySchema { schema })
    }

    /// Events parsed but not yet in a ready batch.
    #[getter]
    fn pending_rows(&self) -> usize {
        self.inner().pending_rows()
    }

    /// Whether :meth:`close` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner().parser().is_finished()
    }

    /// Whether the stream ended (or would end now) inside a line or an event,
    /// as :attr:`sseflow.Parser.truncated`.
    #[getter]
    fn truncated(&self) -> bool {
        self.inner().parser().end_of_stream().is_truncated()
    }

    /// The last event ID string (``""`` if none).
    #[getter]
    fn last_event_id(&self) -> String {
        self.inner().parser().last_event_id().to_owned()
    }

    /// The reconnection time in milliseconds set by the stream, or ``None``.
    #[getter]
    fn retry(&self) -> Option<u64> {
        self.inner().parser().retry()
    }
}

/// `json_schema`: `"infer"` or an Arrow struct type.
fn json_type(value: &Bound<'_, PyAny>, rows: usize) -> PyResult<JsonSchema> {
    if let Ok(text) = value.cast::<PyString>() {
        if text.to_cow()? == "infer" {
            return Ok(JsonSchema::Infer { rows });
        }
        return Err(PyValueError::new_err(format!(
            "json_schema must be 'infer' or an Arrow schema, got {text:?}"
        )));
    }
    match capsule::import_type(value)? {
        arrow_schema::DataType::Struct(fields) => Ok(JsonSchema::Fields(fields)),
        other => Err(PyTypeError::new_err(format!(
            "json_schema must be a schema or a struct type, got the type {other}"
        ))),
    }
}

/// `json_events`: `None` or an iterable of `str`.
fn events_arg(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<String>>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let refused = || -> PyResult<PyErr> {
        Ok(PyTypeError::new_err(format!(
            "json_events must be a list of event types (str), got {}",
            value.get_type().name()?
        )))
    };
    if value.is_instance_of::<PyString>() {
        return Err(refused()?);
    }
    let Ok(items) = value.try_iter() else {
        return Err(refused()?);
    };
    let mut events = Vec::new();
    for item in items {
        let item = item?;
        match item.cast::<PyString>() {
            Ok(text) => events.push(text.to_cow()?.into_owned()),
            Err(_) => return Err(refused()?),
        }
    }
    Ok(Some(events))
}

/// `on_error`: `"null"` or `"raise"`.
fn on_error_arg(value: Option<&Bound<'_, PyAny>>) -> PyResult<OnError> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(OnError::Null);
    };
    match args::text("on_error", Some(value))?.as_deref() {
        Some("null") => Ok(OnError::Null),
        Some("raise") => Ok(OnError::Raise),
        other => Err(PyValueError::new_err(format!(
            "on_error must be 'null' or 'raise', got {:?}",
            other.unwrap_or_default()
        ))),
    }
}
