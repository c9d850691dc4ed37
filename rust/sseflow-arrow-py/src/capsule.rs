//! Arrow C data interface structs in and out of PyCapsules.
//!
//! The one unsafe function of this module reads a schema a producer exported
//! (the others are in `stream.rs`, which takes the GIL by the C API).

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_schema::{ArrowError, DataType};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// A schema capsule (`arrow_schema`); the capsule's destructor releases the
/// struct unless a consumer moved it out.
pub(crate) fn schema<'py>(
    py: Python<'py>,
    schema: FFI_ArrowSchema,
) -> PyResult<Bound<'py, PyCapsule>> {
    PyCapsule::new_with_value(py, schema, c"arrow_schema")
}

/// An array capsule (`arrow_array`), released like [`schema`]'s.
pub(crate) fn array<'py>(
    py: Python<'py>,
    array: FFI_ArrowArray,
) -> PyResult<Bound<'py, PyCapsule>> {
    PyCapsule::new_with_value(py, array, c"arrow_array")
}

/// A stream capsule (`arrow_array_stream`), released like [`schema`]'s.
pub(crate) fn stream<'py>(
    py: Python<'py>,
    stream: FFI_ArrowArrayStream,
) -> PyResult<Bound<'py, PyCapsule>> {
    PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
}

/// The Arrow type of any object with `__arrow_c_schema__` (a pyarrow schema,
/// type or field; a polars schema...).
pub(crate) fn import_type(object: &Bound<'_, PyAny>) -> PyResult<DataType> {
    let kind = object.get_type().name()?;
    let Ok(export) = object.getattr("__arrow_c_schema__") else {
        return Err(PyTypeError::new_err(format!(
            "json_schema must be 'infer' or an Arrow schema (an object with \
             __arrow_c_schema__, such as a pyarrow.Schema), got {kind}"
        )));
    };
    let capsule = export.call0()?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let pointer = capsule.pointer_checked(Some(c"arrow_schema"))?;
    // SAFETY: a capsule named "arrow_schema" holds a valid, initialised
    // ArrowSchema (the PyCapsule interface's contract), owned by the capsule,
    // which `capsule` keeps alive while the reference is used. The struct is
    // only read, and copied into an owned DataType before the capsule can go.
    let ffi = unsafe { pointer.cast::<FFI_ArrowSchema>().as_ref() };
    DataType::try_from(ffi).map_err(value_error)
}

/// Arrow's error as a `ValueError`.
pub(crate) fn value_error(error: ArrowError) -> PyErr {
    match error {
        // Arrow's name for a ValueError, which says no more than its type.
        ArrowError::InvalidArgumentError(message) => PyValueError::new_err(message),
        error => PyValueError::new_err(error.to_string()),
    }
}
