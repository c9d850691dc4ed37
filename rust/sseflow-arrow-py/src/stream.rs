//! An Arrow C stream over a Python iterator of batches.

use crate::batch::{PyRecordBatch, PySchema};
use crate::capsule;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// Pulls batches from a Python iterator when the consumer asks for the next.
struct Batches {
    iterator: Py<PyAny>,
    schema: SchemaRef,
}

impl Iterator for Batches {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        Python::attach(|py| match self.iterator.bind(py).call_method0("__next__") {
            Ok(item) => Some(match item.cast::<PyRecordBatch>() {
                Ok(batch) => Ok(batch.get().batch.clone()),
                Err(_) => Err(ArrowError::CDataInterface(
                    "the iterator gave something other than a RecordBatch".to_owned(),
                )),
            }),
            Err(error) if error.is_instance_of::<PyStopIteration>(py) => None,
            Err(error) => Some(Err(ArrowError::ExternalError(Box::new(error)))),
        })
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
        iterator: iterator.unbind(),
        schema: schema.schema.clone(),
    };
    capsule::stream(py, FFI_ArrowArrayStream::new(Box::new(reader)))
}
