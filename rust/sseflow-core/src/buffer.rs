//! The parser's own byte buffers: kept for reuse unless they grew large.

/// Buffers larger than this are freed, not kept for reuse, once emptied.
const KEEP_CAPACITY: usize = 256 * 1024;

/// Empties a buffer, freeing it if it grew large.
pub(crate) fn clear(buffer: &mut Vec<u8>) {
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = Vec::new();
    } else {
        buffer.clear();
    }
}
