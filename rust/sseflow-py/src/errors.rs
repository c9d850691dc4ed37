//! Maps core errors to the exceptions of `sseflow.errors`, shared with the
//! pure-Python reference so both raise the same classes.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use sseflow_core::Error;

static PARSER_CLOSED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static LIMIT_EXCEEDED: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The Python exception for a core error.
pub(crate) fn to_py(py: Python<'_>, error: Error) -> PyErr {
    match raise(py, error) {
        Ok(error) | Err(error) => error,
    }
}

fn raise(py: Python<'_>, error: Error) -> PyResult<PyErr> {
    Ok(match error {
        Error::Finished => {
            let class = PARSER_CLOSED.import(py, "sseflow.errors", "ParserClosed")?;
            PyErr::from_type(class.clone(), error.to_string())
        }
        Error::LimitExceeded { limit, max, size } => {
            let class = LIMIT_EXCEEDED.import(py, "sseflow.errors", "LimitExceeded")?;
            PyErr::from_value(class.call1((limit.name(), max, size))?)
        }
        // The core's enum is non-exhaustive; a new variant gets its own arm here.
        _ => pyo3::exceptions::PyRuntimeError::new_err(error.to_string()),
    })
}
