#!/usr/bin/env bash
# Sets up everything and runs every check and test of cowdesk: UI checks and unit tests,
# formatting and lints, then the Rust tests (core against the sandbox over loopback, the
# keyring against a real Secret Service, the app end to end under Xvfb via WebDriver).
source "$(dirname "$0")/lib/setup.sh"
cd "$COWDESK_ROOT"

install_apt_packages
install_mailcow_peer_packages
require_toolchains
install_tauri_driver
install_ui_packages
install_openpgp_check
build_ui

results="$(mktemp)"
CLEANUP_PATHS+=("$results" "$results.vitest.json" "$results.cargo")
log "UI: svelte-check, eslint, vitest"
(cd ui && npm run --silent check && npm run --silent lint && npm run --silent test -- --reporter=default --reporter=json --outputFile.json="$results.vitest.json")

log "Rust: rustfmt, clippy"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

start_private_display
# Every sandbox of the run records the secrets it hands out; the end-to-end tests keep
# their caches, logs and exports below the artifacts for the leak scan after the run.
export COWDESK_SANDBOX_SECRET_LOG="$results.secrets"
CLEANUP_PATHS+=("$results.secrets")
rm -rf "$COWDESK_ARTIFACTS/kept"
find "$COWDESK_ARTIFACTS" -name 'app*.log' -delete 2>/dev/null || true
log "Rust: tests (display $DISPLAY, private D-Bus session, gnome-keyring)"
run_in_private_session cargo test --workspace --quiet --no-fail-fast 2>&1 | tee "$results.cargo"

log "Leak scan of everything the end-to-end tests left"
python3 scripts/leak-scan.py "$COWDESK_SANDBOX_SECRET_LOG" "$COWDESK_ARTIFACTS" --require token,password,authcode,api_password,secret_link,mailcow_password,mailcow_api_key,mailcow_session,mailcow_totp_secret,generated_password --require-signed-out

log "IPC bindings are up to date"
if [ -d .git ] && [ -n "$(git status --porcelain -- ui/src/lib/bindings)" ]; then
  git status --short -- ui/src/lib/bindings
  echo "The TypeScript bindings differ from the Rust types: commit ui/src/lib/bindings." >&2
  exit 1
fi
# One closing line over every runner: Rust tests plus UI tests. Ignored (Rust) and
# skipped or todo (Vitest) tests are counted on their own, never as passed.
rust_counts=$(awk '/^test result:/ {
    for (i = 1; i < NF; i++) {
      word = $(i + 1)
      sub(/[;.,]$/, "", word)
      if (word == "passed") p += $i
      if (word == "failed") f += $i
      if (word == "ignored") s += $i
    }
  } END { print p + 0, f + 0, s + 0 }' "$results.cargo")
read -r rust_passed rust_failed rust_skipped <<<"$rust_counts"
ui_passed=$(node -p "require('$results.vitest.json').numPassedTests")
ui_failed=$(node -p "require('$results.vitest.json').numFailedTests")
ui_skipped=$(node -p "const r = require('$results.vitest.json'); r.numPendingTests + r.numTodoTests")
log "all checks passed"
echo "tests: $((rust_passed + ui_passed)) passed, $((rust_failed + ui_failed)) failed, $((rust_skipped + ui_skipped)) skipped"
