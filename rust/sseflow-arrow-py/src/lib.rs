//! The `sseflow_arrow` extension module: Python types around `sseflow-arrow`,
//! handed to pyarrow, polars or DuckDB through the Arrow PyCapsule interface.
//!
//! This crate converts types and nothing more; framing and JSON decoding live
//! in `sseflow-arrow`, every rule of the format in `sseflow-core`.

mod args;
mod batch;
mod capsule;
mod errors;
mod parser;
mod stream;

use pyo3::prelude::*;

/// Every allocation of this module. A batch's buffers, handed to Python and
/// freed when it lets them go, are a MiB or so; glibc may give such blocks
/// back to the system at each free, depending on the process's earlier
/// allocations, and every batch then faulted its pages in afresh. mimalloc
/// keeps freed pages for reuse, so the speed no longer depends on what the
/// process did before (README, "What it is built on, measured").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The number of LFs in ``data``, counted with memchr: the floor that the
/// benchmarks compare framing with, since no framer finds its lines with less
/// work.
#[pyfunction]
fn count_line_feeds(data: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', data).count()
}

/// The number of LFs in ``data``, found one after another with memchr, each
/// search starting past the last LF: what finding the lines costs a framer
/// that searches for them with memchr, and the second floor of the benchmarks.
/// (A count goes through the bytes without stopping at each LF.)
#[pyfunction]
fn find_line_feeds(data: &[u8]) -> usize {
    let mut found = 0;
    let mut start = 0;
    while let Some(at) = memchr::memchr(b'\n', &data[start..]) {
        found += 1;
        start += at + 1;
    }
    found
}

/// The number of LFs in the chunks an iterator yields, pulled and read from
/// Rust and counted with memchr: the floor for a reader that pulls its chunks
/// itself (``BatchParser.parse_from``), which makes no Python call per chunk.
#[pyfunction]
fn count_line_feeds_in(chunks: &Bound<'_, PyAny>) -> PyResult<usize> {
    let mut found = 0;
    for chunk in chunks.try_iter()? {
        let chunk = chunk?;
        let bytes = sseflow_pyargs::Bytes::get(&chunk)?;
        found += memchr::memchr_iter(b'\n', bytes.as_slice()).count();
    }
    Ok(found)
}

#[pymodule]
fn sseflow_arrow(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<batch::PyRecordBatch>()?;
    module.add_class::<batch::PySchema>()?;
    module.add_class::<parser::PyBatchParser>()?;
    module.add_function(wrap_pyfunction!(stream::export_stream, module)?)?;
    module.add_function(wrap_pyfunction!(count_line_feeds, module)?)?;
    module.add_function(wrap_pyfunction!(find_line_feeds, module)?)?;
    module.add_function(wrap_pyfunction!(count_line_feeds_in, module)?)?;
    Ok(())
}
