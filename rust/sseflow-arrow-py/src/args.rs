//! The arguments of `BatchParser` that `sseflow.Parser` does not take; the
//! ones both take are checked by `sseflow_pyargs`, alike.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;
use sseflow_pyargs::options;

/// A count that must be positive.
pub(crate) fn positive(name: &str, value: &Bound<'_, PyAny>) -> PyResult<usize> {
    match options::limit(name, Some(value))? {
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
