//! `RecordBatch` and `Schema`: Arrow data handed over through the PyCapsule
//! interface, without a copy.

use crate::capsule;
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, RecordBatch, StructArray};
use arrow_schema::{DataType, Schema, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyTuple};
use std::sync::Arc;

/// A batch of events as Arrow columns.
///
/// Hand it to ``pyarrow.record_batch(batch)``, ``polars.DataFrame(batch)`` or
/// DuckDB: they take its arrays through the Arrow PyCapsule interface
/// (``__arrow_c_array__``), without a copy.
#[pyclass(name = "RecordBatch", module = "sseflow.arrow", frozen)]
pub(crate) struct PyRecordBatch {
    pub(crate) batch: RecordBatch,
}

/// The schema of the batches: column names and Arrow types.
///
/// ``pyarrow.schema(schema)`` reads it through ``__arrow_c_schema__``.
#[pyclass(name = "Schema", module = "sseflow.arrow", frozen)]
pub(crate) struct PySchema {
    pub(crate) schema: SchemaRef,
}

#[pymethods]
impl PyRecordBatch {
    /// The number of events (rows).
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        names(&self.batch.schema())
    }

    /// The batch's schema.
    #[getter]
    fn schema(&self) -> PySchema {
        PySchema {
            schema: self.batch.schema(),
        }
    }

    /// The bytes held by the batch's buffers.
    #[getter]
    fn nbytes(&self) -> usize {
        self.batch.get_array_memory_size()
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    /// The rows as JSON lines (NDJSON), one object per event, nulls left out.
    fn to_json_lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut writer = arrow_json::LineDelimitedWriter::new(Vec::new());
        writer.write(&self.batch).map_err(capsule::value_error)?;
        writer.finish().map_err(capsule::value_error)?;
        Ok(PyBytes::new(py, &writer.into_inner()))
    }

    fn __repr__(&self) -> String {
        format!(
            "RecordBatch(num_rows={}, columns={:?})",
            self.batch.num_rows(),
            names(&self.batch.schema())
        )
    }

    /// The schema as an ``arrow_schema`` PyCapsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        PySchema {
            schema: self.batch.schema(),
        }
        .__arrow_c_schema__(py)
    }

    /// The schema and the batch, as a struct array, as PyCapsules.
    ///
    /// ``requested_schema`` is ignored: the batch has one layout.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let array = StructArray::from(self.batch.clone());
        let schema = FFI_ArrowSchema::try_from(array.data_type()).map_err(capsule::value_error)?;
        let array = FFI_ArrowArray::new(&array.to_data());
        PyTuple::new(
            py,
            [
                capsule::schema(py, schema)?.into_any(),
                capsule::array(py, array)?.into_any(),
            ],
        )
    }
}

#[pymethods]
impl PySchema {
    /// The type of the ``json`` column, as a schema of its fields, or ``None``
    /// without one: give it as ``json_schema`` to decode another stream alike
    /// (with ``json_scalars_to_strings=True`` if it was inferred).
    #[getter]
    fn json_schema(&self) -> Option<PySchema> {
        let field = self.schema.field_with_name("json").ok()?;
        let DataType::Struct(fields) = field.data_type() else {
            return None;
        };
        Some(PySchema {
            schema: Arc::new(Schema::new(fields.clone())),
        })
    }

    /// The column names, in order.
    #[getter]
    fn names(&self) -> Vec<String> {
        names(&self.schema)
    }

    fn __repr__(&self) -> String {
        let fields: Vec<String> = self
            .schema
            .fields()
            .iter()
            .map(|field| format!("{}: {}", field.name(), field.data_type()))
            .collect();
        format!("Schema({})", fields.join(", "))
    }

    /// The schema as an ``arrow_schema`` PyCapsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema =
            FFI_ArrowSchema::try_from(self.schema.as_ref()).map_err(capsule::value_error)?;
        capsule::schema(py, schema)
    }
}

fn names(schema: &SchemaRef) -> Vec<String> {
    schema.fields().iter().map(|f| f.name().clone()).collect()
}
