#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for a fixed time each and fails if any
# input crashes one. FUZZ_SECONDS sets the time per target (default 60).
# cargo-fuzz builds with libFuzzer's coverage instrumentation; with the stable toolchain
# the address sanitizer is off (`-s none`), so the targets look for panics, not UB.
source "$(dirname "$0")/lib/setup.sh"
cd "$COWDESK_ROOT/fuzz"

require_toolchains
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi

seconds="${FUZZ_SECONDS:-60}"
# libFuzzer's flags are nightly-only rustc flags; stable accepts them when bootstrapping.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR/fuzz"
for target in $(cargo fuzz list); do
  corpus="corpus/$target"
  mkdir -p "$corpus"
  log "fuzzing $target for ${seconds}s"
  seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  log_file="$(mktemp)"
  CLEANUP_PATHS+=("$log_file")
  if ! cargo fuzz run --sanitizer none "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log_file" 2>&1; then
    tail -n 40 "$log_file" >&2
    echo "fuzz target $target failed (crash inputs in fuzz/artifacts/$target)" >&2
    exit 1
  fi
  grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$log_file" || true
done
log "every fuzz target ran ${seconds}s without a crash"
