#!/usr/bin/env bash
# Fuzzes sseflow-arrow's BatchParser against the core parser (arrow_batches), then
# its direct JSON decoder against arrow-json's path alone (direct_json), for SECONDS
# seconds each (default 60), through rust/fuzz/run.sh's way of running cargo fuzz:
#
#   rust/sseflow-arrow/fuzz/run.sh [SECONDS]
#
# Needs cargo-fuzz (cargo install cargo-fuzz --version =0.13.2 --locked); sets
# RUSTC_BOOTSTRAP=1 as the machine has only a stable toolchain. CI runs it for 12
# seconds (about 4 minutes with the build of arrow for the fuzzer); the same
# properties run as proptests in cargo test -p sseflow-arrow.
set -euo pipefail

seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
fuzz_dir=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz_dir"
cargo metadata --locked --format-version 1 >/dev/null
build=(--fuzz-dir "$fuzz_dir" --release --debug-assertions --sanitizer none)
cargo fuzz build "${build[@]}"
grown=$fuzz_dir/target/corpus
mkdir -p "$grown/arrow_batches" "$grown/direct_json"
cargo fuzz run "${build[@]}" arrow_batches "$grown/arrow_batches" "$fuzz_dir/corpus/arrow_batches" \
    "$fuzz_dir/../../fuzz/corpus/differential" -- \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1
cargo fuzz run "${build[@]}" direct_json "$grown/direct_json" "$fuzz_dir/corpus/direct_json" -- \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1
