//! `sseflow.arrow.BatchParser`: feed bytes, iterate Arrow record batches.

use crate::args;
use crate::batch::{PyRecordBatch, PySchema};
use crate::capsule;
use crate::errors;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyString};
use sseflow_arrow::{BatchParser, JsonOptions, JsonSchema, Layout, OnError, Options};
use sseflow_core::Config;
use sseflow_pyargs::{options, Bytes};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// An incremental Server-Sent Events parser that hands out Arrow record
/// batches: one row per event, no Python object per event.
///
/// Fed like :class:`sseflow.Parser` (any chunking, the same rules, limits,
/// ``close()``, ``truncated`` and ``last_event_id``); iterating it yields the
/// :class:`RecordBatch` objects ready so far. :meth:`parse_from` pulls the
/// chunks from an iterator itself, until batches are ready. A batch is cut
/// when it holds ``batch_rows`` events or ``batch_bytes`` bytes of text, at
/// :meth:`flush` and at :meth:`close`.
///
/// Columns: ``event`` and ``id`` (dictionary-encoded utf8), ``data`` (utf8,
/// or large_utf8 with ``large_data=True``), ``retry`` (uint64, null unless the
/// event's block set it); ``offset`` (uint64: the stream position just past
/// the CR or LF that dispatched the event) with ``offsets=True``; ``stream``
/// (``label`` on every row) with ``label=``; with ``json_schema=``, ``json``
/// (the data decoded into that struct type, or inferred with ``"infer"``) and,
/// with ``on_error="null"``, ``json_error`` (why a row's ``json`` is null).
/// With ``json_scalars_to_strings=True`` a number or boolean fills a string
/// field as its JSON text (``1.50`` as ``"1.50"``); by default (``None``) only
/// an inferred type does so, since arrow-json infers a string for a field
/// whose values mix them with strings. The options of the JSON decoding are
/// checked whether or not ``json_schema`` is given.
/// ``default_event`` is the type of an event whose block set none, as in
/// :class:`sseflow.Parser`; with ``None`` such a row's ``event`` is null.
///
/// With ``decode_threads=N`` (and ``json_schema``), N threads decode the JSON
/// of each cut batch while :meth:`feed` goes on framing, without the
/// interpreter. The batches are the same, in the same order; iterating yields
/// the ones decoded so far and never waits, :meth:`wait`, :meth:`flush` and
/// :meth:`close` wait for the ones in flight; a batch :meth:`feed` cuts while
/// N + 1 are in flight waits for room, letting other Python threads run
/// (:meth:`may_wait` says which calls may; ``sseflow.arrow.aiter_batches``
/// runs those off the event loop). An inferred type is settled by the first
/// batch, decoded in the call that cuts it.
///
/// >>> parser = BatchParser()
/// >>> parser.feed(b"data: hel")
/// >>> parser.feed(b"lo\n\ndata: two\n\n")
/// >>> parser.close()
/// >>> [batch.num_rows for batch in parser]
/// [2]
#[pyclass(name = "BatchParser", module = "sseflow.arrow", frozen)]
pub(crate) struct PyBatchParser {
    /// Calls hold the interpreter, except while they wait for decoding
    /// threads; a call finding the lock taken then waits without it (see
    /// [`PyBatchParser::inner`]).
    inner: Mutex<BatchParser>,
    /// A JSON error that :meth:`parse` held back to hand out the batches
    /// before it first: raised by the next call that takes input.
    held: Mutex<Option<PyErr>>,
    /// Whether `held` holds an error: read by every call that takes input,
    /// without taking the lock.
    holding: AtomicBool,
}

impl PyBatchParser {
    fn inner(&self, py: Python<'_>) -> MutexGuard<'_, BatchParser> {
        loop {
            match self.inner.try_lock() {
                Ok(inner) => return inner,
                // Only a panic poisons the lock, and the parser's state is
                // whole between steps.
                Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
                // Held by a call waiting, without the interpreter, for a
                // decoding thread: waiting for it with the interpreter would
                // keep that call from taking the interpreter back.
                Err(TryLockError::WouldBlock) => py.detach(std::thread::yield_now),
            }
        }
    }

    /// Raises the error [`PyBatchParser::parse`] held back, once.
    fn raise_held(&self) -> PyResult<()> {
        if !self.holding.load(Ordering::Acquire) {
            return Ok(());
        }
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner()).take();
        self.holding.store(false, Ordering::Release);
        held.map_or(Ok(()), Err)
    }

    /// Holds `error` back for the next call that takes input.
    fn hold(&self, error: PyErr) {
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) = Some(error);
        self.holding.store(true, Ordering::Release);
    }

    /// Feeds a chunk to the locked parser; see [`PyBatchParser::feed`].
    fn feed_locked(
        py: Python<'_>,
        parser: &mut BatchParser,
        bytes: &Bytes<'_>,
    ) -> Result<(), sseflow_arrow::Error> {
        let chunk = bytes.as_slice();
        sseflow_pyargs::prefetch(chunk);
        // Letting go of the interpreter costs about what framing a small
        // event does: only when the call may wait for a decoding thread.
        if !parser.may_wait(chunk.len()) {
            return parser.feed(chunk);
        }
        // Without the interpreter, another thread could write to a mutable
        // buffer as it is read: such a chunk is copied first.
        let copy = (!bytes.is_immutable()).then(|| chunk.to_vec());
        let chunk = copy.as_deref().unwrap_or(chunk);
        py.detach(|| parser.feed(chunk))
    }

    /// [`PyBatchParser::parse`], with the parser locked once for the chunk.
    fn parse_chunk(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Vec<PyRecordBatch>> {
        let bytes = Bytes::get(data)?;
        self.raise_held()?;
        let mut inner = self.inner(py);
        let fed = Self::feed_locked(py, &mut inner, &bytes);
        // A JSON error is held back when batches are ready before it; after
        // any other error they stay in the parser, for `batches()`.
        let keeps = matches!(&fed, Err(error) if !matches!(error, sseflow_arrow::Error::Json(_)));
        let batches: Vec<_> = if keeps {
            Vec::new()
        } else {
            std::iter::from_fn(|| inner.next_batch())
                .map(|batch| PyRecordBatch { batch })
                .collect()
        };
        drop(inner);
        let Err(error) = fed else {
            return Ok(batches);
        };
        let error = errors::to_py(py, error);
        if batches.is_empty() {
            return Err(error);
        }
        self.hold(error);
        Ok(batches)
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
            json_scalars_to_strings = None,
            max_line_size = None,
            max_event_size = None,
            last_event_id = None,
            default_event = Some("message".to_owned()),
            decode_threads = None
        ),
        text_signature = "(*, batch_rows=65536, batch_bytes=1048576, offsets=False, label=None, large_data=False, json_schema=None, json_events=None, on_error='null', infer_rows=1000, json_scalars_to_strings=None, max_line_size=None, max_event_size=None, last_event_id='', default_event='message', decode_threads=0)"
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
        json_scalars_to_strings: Option<&Bound<'_, PyAny>>,
        max_line_size: Option<&Bound<'_, PyAny>>,
        max_event_size: Option<&Bound<'_, PyAny>>,
        last_event_id: Option<&Bound<'_, PyAny>>,
        default_event: Option<String>,
        decode_threads: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyBatchParser> {
        let defaults = Options::default();
        let mut options = Options {
            batch_rows: args::positive_or("batch_rows", batch_rows, defaults.batch_rows)?,
            batch_bytes: args::positive_or("batch_bytes", batch_bytes, defaults.batch_bytes)?,
            layout: Layout {
                large_data: options::flag("large_data", large_data)?,
                offsets: options::flag("offsets", offsets)?,
                label: args::text("label", label)?,
                untyped_events: default_event.is_none(),
            },
            json: None,
            decode_threads: 0,
        };
        if let Some(threads) = decode_threads.filter(|threads| !threads.is_none()) {
            options.decode_threads = args::at_most("decode_threads", threads, MAX_DECODE_THREADS)?;
        }
        let rows = args::positive_or("infer_rows", infer_rows, 1000)?;
        let json = JsonOptions {
            schema: JsonSchema::Infer { rows },
            events: events_arg(json_events)?,
            on_error: on_error_arg(on_error)?,
            scalars_to_strings: json_scalars_to_strings
                .filter(|v| !v.is_none())
                .map(|v| options::flag("json_scalars_to_strings", Some(v)))
                .transpose()?,
        };
        if let Some(schema) = json_schema.filter(|v| !v.is_none()) {
            let schema = json_type(schema, rows)?;
            options.json = Some(JsonOptions { schema, ..json });
        }
        let config = Config::default()
            .max_line_size(options::limit("max_line_size", max_line_size)?)
            .max_event_size(options::limit("max_event_size", max_event_size)?)
            .last_event_id(options::last_event_id(last_event_id)?)
            .default_event(default_event.as_deref());
        let inner = BatchParser::new(config, options).map_err(capsule::value_error)?;
        Ok(PyBatchParser {
            inner: Mutex::new(inner),
            held: Mutex::new(None),
            holding: AtomicBool::new(false),
        })
    }

    /// Parses a chunk of the stream; batches that fill up become ready.
    ///
    /// Args:
    ///     data: ``bytes``, ``bytearray``, ``memoryview`` or any buffer of
    ///         bytes, as :meth:`sseflow.Parser.feed` takes them; contiguous
    ///         buffers are read in place, and none is kept after the call.
    ///
    /// Raises:
    ///     TypeError: ``data`` is not bytes-like.
    ///     ParserClosed: the parser was closed.
    ///     LimitExceeded: a line or an event went over a limit; the events
    ///         before it stay in the batch being built.
    ///     JSONDataError: with ``on_error="raise"``, an event's data is not
    ///         JSON or does not fit the schema; its batch is not delivered and
    ///         the parser refuses further input.
    ///         With ``decode_threads``, the error can come from a batch cut
    ///         by an earlier call, after the batches before it.
    fn feed(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = Bytes::get(data)?;
        self.raise_held()?;
        let mut inner = self.inner(py);
        let fed = Self::feed_locked(py, &mut inner, &bytes);
        drop(inner);
        fed.map_err(|e| errors::to_py(py, e))
    }

    /// Parses a chunk and returns the batches ready after it: :meth:`feed`
    /// then :meth:`batches`, in one call (as :meth:`sseflow.Parser.parse`).
    ///
    /// Raises:
    ///     What :meth:`feed` raises; after a limit error the batches ready
    ///     before stay, for :meth:`batches`. A JSON error that comes after
    ///     ready batches is raised by the next call instead, so that those
    ///     batches are returned first.
    fn parse(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Vec<PyRecordBatch>> {
        self.parse_chunk(py, data)
    }

    /// Parses chunks pulled from the iterator ``chunks`` until some batches
    /// are ready, and returns them; an empty list when ``chunks`` is
    /// exhausted (the parser stays open: :meth:`close` ends the stream).
    ///
    /// The same as calling :meth:`parse` on each chunk until one returns
    /// batches, without a Python call per chunk: the same batches, errors
    /// and JSON error held for the next call. The chunks are read as
    /// :meth:`feed` reads them, each dropped before the next is pulled.
    ///
    /// Args:
    ///     chunks: an iterator of bytes-like chunks.
    ///     wait: with ``decode_threads``, after each chunk that leaves batches
    ///         in flight, wait for them (:meth:`wait`) and return them with
    ///         that chunk's, rather than when a later chunk comes: what a
    ///         live source needs.
    ///
    /// Raises:
    ///     TypeError: ``chunks`` is not an iterator, or a chunk is not
    ///         bytes-like (the message :meth:`feed` gives).
    ///     What :meth:`parse` raises (a limit error leaves the batches cut
    ///     before it for :meth:`batches`), and what the iterator raises,
    ///     unchanged; each after the batches of the chunks before it, which
    ///     earlier calls returned.
    ///
    /// >>> parser = BatchParser(batch_rows=2)
    /// >>> chunks = iter([b"data: a\n\n", b"", b"data: b\n\ndata: c\n\n"])
    /// >>> [batch.num_rows for batch in parser.parse_from(chunks)]
    /// [2]
    /// >>> parser.parse_from(chunks), parser.pending_rows
    /// ([], 1)
    #[pyo3(signature = (chunks, /, *, wait = false))]
    fn parse_from(
        &self,
        py: Python<'_>,
        chunks: &Bound<'_, PyAny>,
        wait: bool,
    ) -> PyResult<Vec<PyRecordBatch>> {
        let Ok(chunks) = chunks.cast::<PyIterator>() else {
            return Err(PyTypeError::new_err(format!(
                "parse_from() expects an iterator of bytes-like chunks, got {}",
                chunks.get_type().name()?
            )));
        };
        let mut chunks = chunks.clone();
        let mut pulled = 0usize;
        loop {
            // A Python loop over the chunks would run signal handlers between
            // them (Ctrl-C); pulling from a list runs no Python code. Checking
            // for a signal costs a fiftieth of a one-event chunk's call.
            if pulled.is_multiple_of(SIGNAL_EVERY) {
                py.check_signals()?;
            }
            pulled = pulled.wrapping_add(1);
            let Some(chunk) = chunks.next() else {
                return Ok(Vec::new());
            };
            let mut batches = self.parse_chunk(py, &chunk?)?;
            if wait && self.inner(py).in_flight() > 0 {
                self.wait(py);
                batches.extend(self.batches(py));
            }
            if !batches.is_empty() {
                return Ok(batches);
            }
        }
    }

    /// Makes the events parsed so far a ready batch, if there are any.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        self.raise_held()?;
        let mut inner = self.inner(py);
        let parser: &mut BatchParser = &mut inner;
        py.detach(|| parser.flush())
            .map_err(|e| errors::to_py(py, e))
    }

    /// Waits until every batch cut so far is decoded and ready to iterate
    /// (with ``decode_threads``; otherwise they always are). A bad event's
    /// ``JSONDataError`` (``on_error="raise"``) is raised by the next
    /// :meth:`feed`, :meth:`flush` or :meth:`close`, after the batches before
    /// its batch.
    fn wait(&self, py: Python<'_>) {
        let mut inner = self.inner(py);
        let parser: &mut BatchParser = &mut inner;
        py.detach(|| parser.wait());
    }

    /// Ends the stream: as in :meth:`sseflow.Parser.close`, an incomplete
    /// final event is discarded (see :attr:`truncated`); the last batch is
    /// cut. Closing again does nothing, except after a failed inference of
    /// the JSON type, whose ``ValueError`` every call raises.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.raise_held()?;
        let mut inner = self.inner(py);
        if inner.parser().is_finished() {
            return match inner.inference_failure() {
                Some(error) => Err(errors::to_py(py, error)),
                None => Ok(()),
            };
        }
        let parser: &mut BatchParser = &mut inner;
        py.detach(|| parser.finish())
            .map(drop)
            .map_err(|e| errors::to_py(py, e))
    }

    /// All the ready batches, in stream order, removed from the parser.
    fn batches(&self, py: Python<'_>) -> Vec<PyRecordBatch> {
        let mut inner = self.inner(py);
        std::iter::from_fn(|| inner.next_batch())
            .map(|batch| PyRecordBatch { batch })
            .collect()
    }

    /// The same as :meth:`batches`: the name the readers of :mod:`sseflow`
    /// call, so that a ``BatchParser`` can stand in for ``sseflow.Parser``.
    fn events(&self, py: Python<'_>) -> Vec<PyRecordBatch> {
        self.batches(py)
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> Option<PyRecordBatch> {
        self.inner(py)
            .next_batch()
            .map(|batch| PyRecordBatch { batch })
    }

    /// The schema of every batch, or ``None`` while the JSON type is still to
    /// be inferred from the first batch.
    #[getter]
    fn schema(&self, py: Python<'_>) -> Option<PySchema> {
        self.inner(py).schema().map(|schema| PySchema { schema })
    }

    /// Whether :meth:`feed` (or :meth:`parse`) of ``size`` bytes may wait for a
    /// decoding thread to make room: a call that may, lets go of the
    /// interpreter meanwhile; one that may not, keeps it.
    ///
    /// An estimate from the batch sizes and the batches in flight (always
    /// ``False`` without ``decode_threads`` or ``json_schema``): after the
    /// first, each batch a chunk cuts takes ``batch_rows`` events of 6 bytes
    /// at least, or ``batch_bytes`` of text: the chunk's bytes, and for each
    /// of its events at most, the default event type and the current ID,
    /// which rows repeat. An ID that the chunk sets longer can make a call
    /// wait when this said not. An event loop runs the calls for which it says
    /// ``True`` on a worker thread.
    ///
    /// >>> parser = BatchParser(json_schema="infer", decode_threads=1)
    /// >>> parser.may_wait(100), parser.may_wait(2 * 1024 * 1024)
    /// (False, True)
    fn may_wait(&self, py: Python<'_>, size: usize) -> bool {
        self.inner(py).may_wait(size)
    }

    /// Batches cut and handed to the decoding threads, not yet ready.
    #[getter]
    fn in_flight(&self, py: Python<'_>) -> usize {
        self.inner(py).in_flight()
    }

    /// Events parsed but not yet in a ready batch.
    #[getter]
    fn pending_rows(&self, py: Python<'_>) -> usize {
        self.inner(py).pending_rows()
    }

    /// Whether :meth:`close` was called.
    #[getter]
    fn closed(&self, py: Python<'_>) -> bool {
        self.inner(py).parser().is_finished()
    }

    /// Whether the stream ended (or would end now) inside a line or an event,
    /// as :attr:`sseflow.Parser.truncated`.
    #[getter]
    fn truncated(&self, py: Python<'_>) -> bool {
        self.inner(py).parser().end_of_stream().is_truncated()
    }

    /// The last event ID string (``""`` if none).
    #[getter]
    fn last_event_id(&self, py: Python<'_>) -> String {
        self.inner(py).parser().last_event_id().to_owned()
    }

    /// The reconnection time in milliseconds set by the stream, or ``None``.
    #[getter]
    fn retry(&self, py: Python<'_>) -> Option<u64> {
        self.inner(py).parser().retry()
    }
}

/// How many chunks :meth:`parse_from` pulls between two checks for a signal.
const SIGNAL_EVERY: usize = 16;

/// The most decoding threads a parser takes.
const MAX_DECODE_THREADS: usize = 64;

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
