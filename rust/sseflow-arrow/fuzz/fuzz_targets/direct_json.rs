//! Fuzz target: see `sseflow_arrow_fuzz::direct_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| sseflow_arrow_fuzz::direct_json(input));
