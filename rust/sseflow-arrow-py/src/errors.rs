//! Maps `sseflow-arrow` errors to the exceptions `sseflow.Parser` raises, and
//! JSON errors to `sseflow.arrow.JSONDataError`.

use crate::capsule::value_error;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use sseflow_arrow::Error;

static PARSER_CLOSED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static LIMIT_EXCEEDED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static JSON_DATA_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The Python exception for an error.
pub(crate) fn to_py(py: Python<'_>, error: Error) -> PyErr {
    match raise(py, error) {
        Ok(error) | Err(error) => error,
    }
}

fn raise(py: Python<'_>, error: Error) -> PyResult<PyErr> {
    Ok(match error {
        Error::Parse(sseflow_core::Error::Finished) => {
            let class = PARSER_CLOSED.import(py, "sseflow.errors", "ParserClosed")?;
            PyErr::from_type(class.clone(), error.to_string())
        }
        Error::Parse(sseflow_core::Error::LimitExceeded { limit, max, size }) => {
            let class = LIMIT_EXCEEDED.import(py, "sseflow.errors", "LimitExceeded")?;
            PyErr::from_value(class.call1((limit.name(), max, size))?)
        }
        Error::Json(json) => {
            let class = JSON_DATA_ERROR.import(py, "sseflow.arrow", "JSONDataError")?;
            PyErr::from_value(class.call1((json.index, json.event, json.id, json.message))?)
        }
        Error::Arrow(error) => value_error(error),
        Error::Inference(why) => PyValueError::new_err(why),
        // Both enums are non-exhaustive; a new variant gets its own arm here.
        _ => pyo3::exceptions::PyRuntimeError::new_err(error.to_string()),
    })
}
