//! The parser options both modules take, checked alike.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};
use sseflow_core::is_valid_last_event_id;

/// A flag: a `bool`; `False` when omitted or `None`.
pub fn flag(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
    let Some(value) = value.filter(|value| !value.is_none()) else {
        return Ok(false);
    };
    match value.cast::<PyBool>() {
        Ok(flag) => Ok(flag.is_true()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{name} must be a bool, got {}",
            value.get_type().name()?
        ))),
    }
}

/// A size limit: `None` (no limit) or a non-negative int.
pub fn limit(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
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
        Ok(limit) => Ok(Some(limit)),
        Err(_) if value.lt(0)? => Err(PyValueError::new_err(format!(
            "{name} must be a non-negative int, got {value}"
        ))),
        // Larger than memory can hold: no limit in practice.
        Err(_) => Ok(None),
    }
}

/// The `last_event_id` option: a `str` an `id` field could have set; `""`
/// when omitted or `None`.
pub fn last_event_id(value: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let Some(value) = value.filter(|value| !value.is_none()) else {
        return Ok(String::new());
    };
    let Ok(text) = value.cast::<PyString>() else {
        let kind = value.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "last_event_id must be a str, got {kind}"
        )));
    };
    let text = text.to_cow()?;
    if !is_valid_last_event_id(&text) {
        return Err(PyValueError::new_err(
            "last_event_id cannot contain NUL, CR or LF",
        ));
    }
    Ok(text.into_owned())
}
