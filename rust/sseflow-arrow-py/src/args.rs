//! Argument checks, with the messages `sseflow.Parser` gives for the same
//! options.

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyString};
use std::borrow::Cow;

/// A flag: a `bool`.
pub(crate) fn flag(name: &str, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    match value.cast::<PyBool>() {
        Ok(flag) => Ok(flag.is_true()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{name} must be a bool, got {}",
            value.get_type().name()?
        ))),
    }
}

/// A size: `None` (no limit) or a non-negative int.
pub(crate) fn size(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    let Some(value) = value.filter(|value| !value.is_none()) else {
        return Ok(None);
    };
    if !value.is_instance_of::<PyInt>() || value.is_instance_of::<PyBool>() {
        let kind = value.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int or None, got {kind}"
        )));
    }
    match value.extract::<usize>() {
        Ok(size) => Ok(Some(size)),
        Err(_) if value.lt(0)? => Err(PyValueError::new_err(format!(
            "{name} must be a non-negative int, got {value}"
        ))),
        // Larger than memory can hold: no limit in practice.
        Err(_) => Ok(None),
    }
}

/// A count that must be positive.
pub(crate) fn positive(name: &str, value: &Bound<'_, PyAny>) -> PyResult<usize> {
    match size(name, Some(value))? {
        Some(0) => Err(PyValueError::new_err(format!(
            "{name} must be at least 1, got 0"
        ))),
        Some(count) => Ok(count),
        None => Err(PyTypeError::new_err(format!(
            "{name} must be an int, got None"
        ))),
    }
}

/// A positive count, or `default` when omitted.
pub(crate) fn positive_or(
    name: &str,
    value: Option<&Bound<'_, PyAny>>,
    default: usize,
) -> PyResult<usize> {
    value.map_or(Ok(default), |value| positive(name, value))
}

/// A `str`, or `None`.
pub(crate) fn text(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(value) = value.filter(|value| !value.is_none()) else {
        return Ok(None);
    };
    match value.cast::<PyString>() {
        Ok(text) => Ok(Some(text.to_cow()?.into_owned())),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{name} must be a str, got {}",
            value.get_type().name()?
        ))),
    }
}

/// The `last_event_id` argument: a `str` an `id` field could have set.
pub(crate) fn last_event_id(value: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let id = text("last_event_id", value)?.unwrap_or_default();
    if id.contains(['\0', '\r', '\n']) {
        return Err(PyValueError::new_err(
            "last_event_id cannot contain NUL, CR or LF",
        ));
    }
    Ok(id)
}

/// The bytes of a chunk: `bytes` read in place, any other buffer of bytes
/// copied once.
pub(crate) fn chunk<'a>(data: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(bytes) = data.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(bytes.as_bytes()));
    }
    let refused = || -> PyResult<PyErr> {
        Ok(PyTypeError::new_err(format!(
            "feed() expects a bytes-like object (bytes, bytearray, memoryview), got {}",
            data.get_type().name()?
        )))
    };
    if data.is_instance_of::<PyString>() {
        return Err(refused()?);
    }
    match PyBuffer::<u8>::get(data) {
        Ok(buffer) => Ok(Cow::Owned(buffer.to_vec(data.py())?)),
        Err(_) => Err(refused()?),
    }
}
