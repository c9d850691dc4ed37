//! `sseflow.Event` and `sseflow.Comment`: small frozen native objects.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyInt, PyString, PyTuple};
use pyo3::Borrowed;

/// One server-sent event.
///
/// Args:
///     event: the event type (``"message"`` unless the stream named one), or
///         ``None`` for a block without one, from a parser made with
///         ``default_event=None``.
///     data: the data, its lines joined by ``"\n"``.
///     id: the last event ID when the event was dispatched (``""`` if none).
///     retry: the reconnection time in milliseconds given in this event's
///         block, or ``None``.
///
/// >>> Event(data="hi")
/// Event(event='message', data='hi', id='', retry=None)
#[pyclass(name = "Event", module = "sseflow", frozen, freelist = 1024)]
pub(crate) struct PyEvent {
    /// The event type, or ``None``.
    #[pyo3(get)]
    pub(crate) event: Option<Py<PyString>>,
    /// The data.
    #[pyo3(get)]
    pub(crate) data: Py<PyString>,
    /// The last event ID string.
    #[pyo3(get)]
    pub(crate) id: Py<PyString>,
    /// The ``retry`` value of this event's block, or ``None``.
    #[pyo3(get)]
    pub(crate) retry: Option<u64>,
}

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

#[pymethods]
impl PyEvent {
    #[new]
    #[pyo3(
        signature = (event = EventArg::Omitted, data = None, id = None, retry = None),
        text_signature = "(event='message', data='', id='', retry=None)"
    )]
    fn new(
        py: Python<'_>,
        event: EventArg,
        data: Option<Bound<'_, PyAny>>,
        id: Option<Bound<'_, PyAny>>,
        retry: Option<Bound<'_, PyAny>>,
    ) -> PyResult<PyEvent> {
        Ok(PyEvent {
            event: match event {
                EventArg::Omitted => Some(PyString::new(py, "message").unbind()),
                EventArg::Given(event) => event,
            },
            data: text_arg(py, "data", data, "")?,
            id: text_arg(py, "id", id, "")?,
            retry: retry_arg(retry)?,
        })
    }

    /// Decodes the data as JSON (``json.loads(self.data)``).
    fn json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let loads = JSON_LOADS.import(py, "json", "loads")?;
        Ok(loads.call1((self.data.bind(py),))?.unbind())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Event(event={}, data={}, id={}, retry={})",
            self.event.as_ref().map_or(Ok("None".into()), |event| event
                .bind(py)
                .repr()
                .map(|repr| repr.to_string()))?,
            self.data.bind(py).repr()?,
            self.id.bind(py).repr()?,
            self.retry
                .map_or_else(|| "None".to_owned(), |retry| retry.to_string()),
        ))
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<PyEvent>() else {
            return Ok(py.NotImplemented());
        };
        let other = other.get();
        let equal = self.retry == other.retry
            && same(self.data.bind(py), other.data.bind(py))?
            && match (&self.event, &other.event) {
                (Some(mine), Some(theirs)) => same(mine.bind(py), theirs.bind(py))?,
                (mine, theirs) => mine.is_none() && theirs.is_none(),
            }
            && same(self.id.bind(py), other.id.bind(py))?;
        match op {
            CompareOp::Eq => Ok(equal.into_pyobject(py)?.to_owned().into_any().unbind()),
            CompareOp::Ne => Ok((!equal).into_pyobject(py)?.to_owned().into_any().unbind()),
            _ => Ok(py.NotImplemented()),
        }
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        self.fields(py)?.hash()
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        Ok((slf.get_type().into_any(), slf.get().fields(py)?))
    }
}

impl PyEvent {
    /// `(event, data, id, retry)`.
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(
            py,
            [
                match &self.event {
                    Some(event) => event.bind(py).clone().into_any(),
                    None => py.None().into_bound(py),
                },
                self.data.bind(py).clone().into_any(),
                self.id.bind(py).clone().into_any(),
                self.retry.into_pyobject(py)?.into_any(),
            ],
        )
    }
}

/// A comment line of the stream (``: text``), yielded only when the parser
/// was created with ``comments=True``.
///
/// Args:
///     text: the text after the colon, one leading space removed.
///
/// >>> Comment("ping")
/// Comment(text='ping')
#[pyclass(name = "Comment", module = "sseflow", frozen)]
pub(crate) struct PyComment {
    /// The comment's text.
    #[pyo3(get)]
    pub(crate) text: Py<PyString>,
}

#[pymethods]
impl PyComment {
    #[new]
    #[pyo3(signature = (text = None), text_signature = "(text='')")]
    fn new(py: Python<'_>, text: Option<Bound<'_, PyAny>>) -> PyResult<PyComment> {
        Ok(PyComment {
            text: text_arg(py, "text", text, "")?,
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Comment(text={})", self.text.bind(py).repr()?))
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<PyComment>() else {
            return Ok(py.NotImplemented());
        };
        let equal = same(self.text.bind(py), other.get().text.bind(py))?;
        match op {
            CompareOp::Eq => Ok(equal.into_pyobject(py)?.to_owned().into_any().unbind()),
            CompareOp::Ne => Ok((!equal).into_pyobject(py)?.to_owned().into_any().unbind()),
            _ => Ok(py.NotImplemented()),
        }
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        self.text.bind(py).hash()
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let text = slf.get().text.bind(py).clone();
        Ok((slf.get_type().into_any(), PyTuple::new(py, [text])?))
    }
}

/// The `event` argument of `Event()`: omitted (``"message"``), or a `str` or
/// `None` given.
pub(crate) enum EventArg {
    Omitted,
    Given(Option<Py<PyString>>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for EventArg {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<EventArg> {
        let text = str_or_none(&value, "event must be a str")?;
        Ok(EventArg::Given(text.map(Bound::unbind)))
    }
}

/// `None` or a `str`; anything else is a `TypeError`: "`{expected}`, got {type}".
pub(crate) fn str_or_none<'py>(
    value: &Bound<'py, PyAny>,
    expected: &str,
) -> PyResult<Option<Bound<'py, PyString>>> {
    if value.is_none() {
        return Ok(None);
    }
    match value.cast::<PyString>() {
        Ok(text) => Ok(Some(text.clone())),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{expected}, got {}",
            value.get_type().name()?
        ))),
    }
}

/// Python's `==` on two strings.
fn same(a: &Bound<'_, PyString>, b: &Bound<'_, PyString>) -> PyResult<bool> {
    a.as_any().eq(b)
}

/// A `str` argument, or `default` when it is omitted.
fn text_arg(
    py: Python<'_>,
    name: &str,
    value: Option<Bound<'_, PyAny>>,
    default: &str,
) -> PyResult<Py<PyString>> {
    match value {
        None => Ok(PyString::new(py, default).unbind()),
        Some(value) => match value.cast_into::<PyString>() {
            Ok(text) => Ok(text.unbind()),
            Err(error) => Err(PyTypeError::new_err(format!(
                "{name} must be a str, got {}",
                error.into_inner().get_type().name()?
            ))),
        },
    }
}

/// A `retry` argument: `None` or an int in `0..=2**64-1`.
fn retry_arg(value: Option<Bound<'_, PyAny>>) -> PyResult<Option<u64>> {
    let Some(value) = value else {
        return Ok(None);
    };
    if value.is_none() {
        return Ok(None);
    }
    if !value.is_instance_of::<PyInt>() || value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "retry must be an int or None, got {}",
            value.get_type().name()?
        )));
    }
    value.extract::<u64>().map(Some).map_err(|_| {
        PyValueError::new_err(format!(
            "retry must be between 0 and 2**64 - 1, got {value}"
        ))
    })
}
