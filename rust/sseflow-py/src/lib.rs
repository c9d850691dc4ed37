//! The `sseflow._native` extension module: Python types around `sseflow-core`.
//!
//! This crate converts types and nothing more; every rule of the format lives
//! in the core.

mod errors;
mod event;
mod lock;
mod parser;
mod strings;

use pyo3::prelude::*;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<event::PyEvent>()?;
    module.add_class::<event::PyComment>()?;
    module.add_class::<parser::PyParser>()?;
    Ok(())
}
