#!/usr/bin/env bash
# Sets up everything and runs every check and test of cowdesk: UI checks and unit tests,
# formatting and lints, then the Rust tests (core against the sandbox over loopback, the
# keyring against a real Secret Service, the app end to end under Xvfb via WebDriver).
source "$(dirname "$0")/lib/setup.sh"
cd "$COWDESK_ROOT"

install_apt_packages
require_toolchains
install_tauri_driver
install_ui_packages
build_ui

results="$(mktemp)"
log "UI: svelte-check, eslint, vitest"
(cd ui && npm run --silent check && npm run --silent lint && npm run --silent test -- --reporter=default --reporter=json --outputFile.json="$results.vitest.json")

log "Rust: rustfmt, clippy"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

# A private X display and a private session bus with an unlocked, throw-away keyring:
# nothing of the user's desktop is touched, and everything stops when this script ends.
session_dir="$(mktemp -d)"
export COWDESK_ARTIFACTS="${COWDESK_ARTIFACTS:-$COWDESK_ROOT/artifacts/e2e}"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$session_dir/display" 2>/dev/null &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null; rm -rf "$session_dir" "$results" "$results".*' EXIT
# Xvfb writes the display number once it accepts connections.
while [ ! -s "$session_dir/display" ]; do
  kill -0 "$xvfb_pid" 2>/dev/null || { echo "Xvfb did not start" >&2; exit 1; }
  sleep 0.1
done
export DISPLAY=":$(head -n1 "$session_dir/display")"
export XDG_DATA_HOME="$session_dir/data" XDG_CACHE_HOME="$session_dir/cache"
export XDG_RUNTIME_DIR="$session_dir/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

log "Rust: tests (display $DISPLAY, private D-Bus session, gnome-keyring)"
dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf %s cowdesk-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  cargo test --workspace --quiet
' 2>&1 | tee "$results.cargo"

log "IPC bindings are up to date"
if [ -d .git ] && [ -n "$(git status --porcelain -- ui/src/lib/bindings)" ]; then
  git status --short -- ui/src/lib/bindings
  echo "The TypeScript bindings differ from the Rust types: commit ui/src/lib/bindings." >&2
  exit 1
fi
# One closing line over every runner: Rust tests plus UI tests.
rust_passed=$(grep -Eo '[0-9]+ passed' "$results.cargo" | awk '{s += $1} END {print s + 0}')
rust_failed=$(grep -Eo '[0-9]+ failed' "$results.cargo" | awk '{s += $1} END {print s + 0}')
ui_passed=$(node -p "require('$results.vitest.json').numPassedTests")
ui_failed=$(node -p "require('$results.vitest.json').numFailedTests")
log "all checks passed"
echo "tests: $((rust_passed + ui_passed)) passed, $((rust_failed + ui_failed)) failed"
