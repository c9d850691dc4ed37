//! An Arrow C stream over a Python iterator of batches.
//!
//! pyarrow calls a stream's `get_next` and `release` with the GIL released
//! (its readers read and are freed in `nogil` sections), even when a PyO3
//! call is lower on the stack: then PyO3 believes the GIL held and
//! `Python::attach` would not take it. So the stream takes the GIL by the
//! C API, which asks the interpreter, and no Python object outlives its
//! callbacks but the iterator, which is dropped the same way.

use crate::batch::{PyRecordBatch, PySchema};
use crate::capsule;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::PyStopIteration;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::sync::Arc;

/// Pulls batches from a Python iterator when the consumer asks for the next.
struct Batches {
    /// Taken out only to be dropped with the GIL.
    iterator: Option<Py<PyAny>>,
    schema: SchemaRef,
}

/// The GIL, taken by `PyGILState_Ensure` and given back when dropped (also
/// when what runs under it panics).
struct Gil(ffi::PyGILState_STATE);

impl Gil {
    fn take() -> Gil {
        // SAFETY: the interpreter is initialised (this module was imported
        // into it); `PyGILState_Ensure` may be called on any thread, whether
        // it holds the GIL or not, and is paired with the release in `drop`.
        Gil(unsafe { ffi::PyGILState_Ensure() })
    }

    fn python(&self) -> Python<'_> {
        // SAFETY: the GIL is held by this thread while `self` lives, and the
        // token borrows `self`.
        unsafe { Python::assume_attached() }
    }
}

impl Drop for Gil {
    fn drop(&mut self) {
        // SAFETY: the state `PyGILState_Ensure` returned on this thread, given
        // back once, in reverse order of any nested takes.
        unsafe { ffi::PyGILState_Release(self.0) }
    }
}

impl Iterator for Batches {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let iterator = self.iterator.as_ref()?;
        let gil = Gil::take();
        let py = gil.python();
        // Every Python object of the call is dropped before the GIL is given back.
        let next = match iterator.bind(py).call_method0("__next__") {
            Ok(item) => Some(match item.cast::<PyRecordBatch>() {
                // A consumer reads each batch as of the stream's schema: one of
                // another (`utf8` data where the stream says `large_utf8`) would
                // be read out of bounds.
                Ok(batch) if !same_schema(&batch.get().batch.schema(), &self.schema) => {
                    Err(ArrowError::SchemaError(format!(
                        "a batch's schema differs from the stream's: {} against {}",
                        batch.get().batch.schema(),
                        self.schema
                    )))
                }
                Ok(batch) => Ok(batch.get().batch.clone()),
                Err(_) => Err(ArrowError::CDataInterface(
                    "the iterator gave something other than a RecordBatch".to_owned(),
                )),
            }),
            Err(error) if error.is_instance_of::<PyStopIteration>(py) => None,
            // As text: the exception, with its traceback, stays in Python.
            Err(error) => Some(Err(ArrowError::ExternalError(error.to_string().into()))),
        };
        next
    }
}

/// Whether `a` and `b` give their columns the same names, types and
/// nullability (their metadata aside, as pyarrow's readers compare them).
fn same_schema(a: &SchemaRef, b: &SchemaRef) -> bool {
    Arc::ptr_eq(a, b) || a.fields() == b.fields()
}

impl Drop for Batches {
    fn drop(&mut self) {
        if let Some(iterator) = self.iterator.take() {
            let _gil = Gil::take();
            drop(iterator);
        }
    }
}

impl RecordBatchReader for Batches {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}

/// An ``arrow_array_stream`` PyCapsule reading the batches of ``iterator``,
/// each of ``schema``, as the consumer asks for them.
#[pyfunction]
pub(crate) fn export_stream<'py>(
    py: Python<'py>,
    iterator: Bound<'py, PyAny>,
    schema: &PySchema,
) -> PyResult<Bound<'py, PyCapsule>> {
    let reader = Batches {
        iterator: Some(iterator.unbind()),
        schema: schema.schema.clone(),
    };
    capsule::stream(py, FFI_ArrowArrayStream::new(Box::new(reader)))
}
