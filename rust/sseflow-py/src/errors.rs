//! Maps core errors to the exceptions of `sseflow.errors`, shared with the
//! pure-Python reference so both raise the same classes.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use sseflow_core::Error;

static PARSER_CLOSED: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The Python exception for a core error.
pub(crate) fn to_py(py: Python<'_>, error: Error) -> PyErr {
    let class = match error {
        Error::Finished => PARSER_CLOSED.import(py, "sseflow.errors", "ParserClosed"),
        // The core's enum is non-exhaustive; a new variant must get its own arm.
        _ => return pyo3::exceptions::PyRuntimeError::new_err(error.to_string()),
    };
    match class {
        Ok(class) => PyErr::from_type(class.clone(), error.to_string()),
        Err(import_error) => import_error,
    }
}
