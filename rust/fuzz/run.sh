#!/usr/bin/env bash
# Fuzzes sseflow-core: runs each cargo-fuzz target for SECONDS seconds (default 60),
# one after the other, and prints the executions, coverage and findings of each.
#
#   rust/fuzz/run.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (cargo install cargo-fuzz --version =0.13.2 --locked). The machine has
# only a stable toolchain, so RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly flags.
# SSEFLOW_FUZZ_SANITIZER picks the sanitizer: "none" (default; the crate is
# forbid(unsafe_code), and this runs about 3.5x faster) or "address" (works here too).
# Each run starts from the committed seeds (rust/fuzz/corpus/<target>) and the corpus
# grown by earlier runs, which goes to rust/fuzz/target/corpus/<target> (git-ignored);
# crash inputs go to rust/fuzz/artifacts/<target>/ (git-ignored). Exits 1 on any finding.
set -euo pipefail

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(never_panics chunking_invariance differential)
fi
sanitizer=${SSEFLOW_FUZZ_SANITIZER:-none}
export RUSTC_BOOTSTRAP=1

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz_dir/../.."

# cargo fuzz has no --locked: fail here if Cargo.lock would change.
cargo metadata --locked --format-version 1 --manifest-path "$fuzz_dir/Cargo.toml" >/dev/null

build=(--fuzz-dir "$fuzz_dir" --release --debug-assertions --sanitizer "$sanitizer")
cargo fuzz build "${build[@]}"

logs=$fuzz_dir/target/logs
mkdir -p "$logs"
summary=()
failed=0
for target in "${targets[@]}"; do
    grown=$fuzz_dir/target/corpus/$target
    mkdir -p "$grown"
    log=$logs/$target.log
    echo "== $target: ${seconds}s (sanitizer: $sanitizer)"
    status=0
    cargo fuzz run "${build[@]}" "$target" "$grown" "$fuzz_dir/corpus/$target" -- \
        -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -n 1 || true)
    if [ "$status" -eq 0 ]; then
        finding=none
    else
        failed=1
        finding="exit $status: $(grep -o 'Test unit written to .*' "$log" | tail -n 1 || true) (log: $log)"
        grep -E -m 5 'panicked|ERROR' "$log" || true
    fi
    summary+=("$target: executions ${runs:-?}; ${cov:-no coverage line}; findings: $finding")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
