//! The arguments of `BatchParser` that `sseflow.Parser` does not take; the
//! ones both take are checked by `sseflow_pyargs`, alike.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};
use sseflow_pyargs::options;

/// A count: a non-negative int (not a bool, not `None`) that fits a `usize`.
pub(crate) fn count(name: &str, value: &Bound<'_, PyAny>) -> PyResult<usize> {
    if !value.is_instance_of::<PyInt>() || value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, got {}",
            value.get_type().name()?
        )));
    }
    match value.extract::<usize>() {
        Ok(count) => Ok(count),
        Err(_) if value.lt(0)? => Err(PyValueError::new_err(format!(
            "{name} must be a non-negative int, got {value}"
        ))),
        Err(_) => Err(PyValueError::new_err(format!(
            "{name} must be at most {}, got {value}",
            usize::MAX
        ))),
    }
}

/// A count of at most `max`, for an option that also takes `None` (checked
/// as the size limits are, whose messages say so).
pub(crate) fn at_most(name: &str, value: &Bound<'_, PyAny>, max: usize) -> PyResult<usize> {
    let int = value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>();
    if int && value.gt(max)? {
        return Err(PyValueError::new_err(format!(
            "{name} must be at most {max}, got {value}"
        )));
    }
    // At most `max`, so never past what a usize holds (the limits' `None`).
    Ok(options::limit(name, Some(value))?.unwrap_or(max))
}

/// A count that must be positive.
pub(crate) fn positive(name: &str, value: &Bound<'_, PyAny>) -> PyResult<usize> {
    match count(name, value)? {
        0 => Err(PyValueError::new_err(format!(
            "{name} must be at least 1, got 0"
        ))),
        count => Ok(count),
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
