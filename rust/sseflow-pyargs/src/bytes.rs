//! Reading any bytes-like object in place.

use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The bytes of a bytes-like object, borrowed where possible.
pub enum Bytes<'py> {
    /// An immutable `bytes` object, read in place.
    Immutable(Bound<'py, PyBytes>),
    /// A contiguous buffer of bytes, read in place while the view is held.
    Contiguous(PyUntypedBuffer),
    /// A non-contiguous buffer, copied.
    Copied(Vec<u8>),
}

impl Bytes<'_> {
    /// Gets the bytes of `data`, or a `TypeError` naming what is accepted.
    ///
    /// A buffer that exists but cannot be read (a released `memoryview`)
    /// raises what the buffer protocol raised.
    pub fn get<'py>(data: &Bound<'py, PyAny>) -> PyResult<Bytes<'py>> {
        if let Ok(bytes) = data.cast::<PyBytes>() {
            return Ok(Bytes::Immutable(bytes.clone()));
        }
        let kind = data.get_type().name()?.to_string();
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!("{EXPECTED}, got {kind}")));
        }
        let buffer = match PyUntypedBuffer::get(data) {
            Ok(buffer) => buffer,
            Err(error) if error.is_instance_of::<PyTypeError>(data.py()) => {
                return Err(PyTypeError::new_err(format!("{EXPECTED}, got {kind}")));
            }
            // Buffers PyO3 cannot take in place (ctypes arrays export no strides), and
            // ones that cannot be read at all (a released memoryview), go through Python.
            Err(_) => return copy_through_memoryview(data, &kind).map(Bytes::Copied),
        };
        let format = buffer.format().to_bytes();
        if !is_byte_format(format) {
            let format = String::from_utf8_lossy(format);
            return Err(PyTypeError::new_err(format!(
                "{EXPECTED}, got {kind} with items of format '{format}'"
            )));
        }
        if buffer.is_c_contiguous() {
            Ok(Bytes::Contiguous(buffer))
        } else {
            copy_through_memoryview(data, &kind).map(Bytes::Copied)
        }
    }

    /// Whether the bytes are an immutable `bytes` object's or a copy: no
    /// Python code can change them while they are read without the interpreter.
    pub fn is_immutable(&self) -> bool {
        !matches!(self, Bytes::Contiguous(_))
    }

    /// The bytes, valid while `self` lives.
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Immutable(bytes) => bytes.as_bytes(),
            Bytes::Contiguous(buffer) => contiguous_slice(buffer),
            Bytes::Copied(vec) => vec,
        }
    }
}

/// The start of every `TypeError` for a wrong argument to `feed()`.
const EXPECTED: &str = "feed() expects a bytes-like object (bytes, bytearray, memoryview)";

/// Buffer formats whose items are single bytes, with any byte-order prefix.
fn is_byte_format(format: &[u8]) -> bool {
    let item = match format {
        [b'@' | b'=' | b'<' | b'>' | b'!', item @ ..] => item,
        item => item,
    };
    matches!(item, b"B" | b"b" | b"c")
}

/// Copies a buffer with `memoryview(data).tobytes()`, checking its item format.
fn copy_through_memoryview(data: &Bound<'_, PyAny>, kind: &str) -> PyResult<Vec<u8>> {
    let py = data.py();
    let view = py
        .import("builtins")?
        .getattr("memoryview")?
        .call1((data,))?;
    let format: String = view.getattr("format")?.extract()?;
    if !is_byte_format(format.as_bytes()) {
        return Err(PyTypeError::new_err(format!(
            "{EXPECTED}, got {kind} with items of format '{format}'"
        )));
    }
    Ok(view
        .call_method0("tobytes")?
        .cast_into::<PyBytes>()?
        .as_bytes()
        .to_vec())
}

/// One of the bindings' two unsafe functions (with [`prefetch`](crate::prefetch)):
/// a contiguous buffer as a slice.
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
    // interpreter and runs no Python code that writes to the buffer (or, to
    // parse without it, copies a mutable buffer first: `is_immutable`); no slice
    // of it is kept after `feed()` returns.
    unsafe { std::slice::from_raw_parts(buffer.buf_ptr().cast::<u8>(), len) }
}
