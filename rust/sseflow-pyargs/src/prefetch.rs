//! Asking the CPU for a fed chunk's bytes before they are parsed.
//!
//! A chunk fed from Python is mostly not in the CPU's caches: it was just
//! read from a socket or a file, or it is one of many held in a list. The
//! hardware prefetcher follows a sequential read, but starts over at every
//! 4 KiB page, so each page's first lines wait for memory. Asking for all
//! the chunk's lines before the parser reads them lets those waits overlap.
//!
//! `sseflow_arrow.BatchParser` does, for every chunk it is fed (and pulls):
//! on the recorded streams of `benches/arrow.py`, in 16 KiB chunks, its
//! framing loop ran 4-12% faster (the token stream the most, best of 15 runs,
//! alternated with the module without it); on 64 KiB payloads, and in 64 and
//! 256 KiB chunks, no difference showed. `sseflow.Parser` does not: measured
//! the same way, its events came no faster (making each `Event` costs more
//! than waiting for its bytes).

/// The most bytes of a chunk prefetched, about the size of the first-level
/// data cache (48 KiB here): a larger chunk's first lines would be pushed out
/// of it by its last ones before the parser reached them.
const MOST: usize = 32 * 1024;

/// The size of a cache line on the CPUs this runs on.
const LINE: usize = 64;

/// Asks the CPU to bring `bytes` (their first 32 KiB) into its caches. A
/// hint: it neither reads them nor can fault, and does nothing elsewhere than
/// on x86-64.
#[inline]
pub fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    for line in bytes[..bytes.len().min(MOST)].chunks(LINE) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch reads no memory the program sees and never
        // faults, whatever the address (here one inside a live slice); SSE,
        // which it needs, is part of x86-64.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}
