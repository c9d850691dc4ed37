//! Fuzz target: see `sseflow_arrow_fuzz::arrow_batches`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| sseflow_arrow_fuzz::arrow_batches(input));
