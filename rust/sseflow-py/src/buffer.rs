//! Reading any bytes-like object in place.

use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The bytes of a bytes-like object, borrowed where possible.
pub(crate) enum Bytes<'py> {
    /// An immutable `bytes` object, read in place.
    Immutable(Bound<'py, PyBytes>),
    /// A contiguous buffer of bytes, read in place while the view is held.
    Contiguous(PyUntypedBuffer),
    /// A non-contiguous buffer, copied.
    Copied(Vec<u8>),
}

impl Bytes<'_> {
    /// Gets the bytes of `data`, or a `TypeError` naming what is accepted.
    pub(crate) fn get<'py>(data: &Bound<'py, PyAny>) -> PyResult<Bytes<'py>> {
        if let Ok(bytes) = data.cast::<PyBytes>() {
            return Ok(Bytes::Immutable(bytes.clone()));
        }
        if !data.is_instance_of::<PyString>() {
            if let Ok(buffer) = PyUntypedBuffer::get(data) {
                if is_byte_format(buffer.format().to_bytes()) {
                    if buffer.is_c_contiguous() {
                        return Ok(Bytes::Contiguous(buffer));
                    }
                    return copy_strided(data).map(Bytes::Copied);
                }
            }
        }
        Err(PyTypeError::new_err(format!(
            "feed() expects a bytes-like object (bytes, bytearray, memoryview), got {}",
            data.get_type().name()?
        )))
    }

    /// The bytes, valid while `self` lives.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Immutable(bytes) => bytes.as_bytes(),
            Bytes::Contiguous(buffer) => contiguous_slice(buffer),
            Bytes::Copied(vec) => vec,
        }
    }
}

/// Buffer formats whose items are single bytes.
fn is_byte_format(format: &[u8]) -> bool {
    matches!(
        format,
        b"B" | b"b" | b"c" | b"@B" | b"@b" | b"@c" | b"=B" | b"=b" | b"=c"
    )
}

/// Copies a non-contiguous byte buffer with `bytes(memoryview(data))`.
fn copy_strided(data: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let py = data.py();
    let view = py
        .import("builtins")?
        .getattr("memoryview")?
        .call1((data,))?;
    Ok(view
        .call_method0("tobytes")?
        .cast_into::<PyBytes>()?
        .as_bytes()
        .to_vec())
}

/// The one unsafe function of the binding: a contiguous buffer as a slice.
fn contiguous_slice(buffer: &PyUntypedBuffer) -> &[u8] {
    let len = buffer.len_bytes();
    if len == 0 {
        return &[];
    }
    // SAFETY: the buffer is C-contiguous (checked in `Bytes::get`) with one-byte
    // items, so `len_bytes()` bytes start at `buf_ptr()`. The view holds an export
    // of the object, which keeps the memory alive and stops a bytearray from
    // resizing, until `buffer` is dropped; the slice borrows `buffer`, so it
    // cannot outlive the view. The caller parses while attached to the
    // interpreter and runs no Python code that writes to the buffer; no slice of
    // it is kept after `feed()` returns.
    unsafe { std::slice::from_raw_parts(buffer.buf_ptr().cast::<u8>(), len) }
}
