//! Fuzz target: see `sseflow_fuzz::check::chunking_invariance`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| sseflow_fuzz::check::chunking_invariance(input));
