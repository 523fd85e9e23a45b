#!/usr/bin/env bash
# Builds cowdesk and a bare Tauri window in release mode, bundles the .deb, then prints
# the figures of docs/PERFORMANCE.md (start, memory, sync, mailcow sync, sizes). Figures,
# not tests: nothing here passes or fails on a number. Set BENCH_RUNS to change the
# repetitions, and BENCH_ONLY (sync,mailcow,start,list,sizes) to measure a part only.
source "$(dirname "$0")/lib/setup.sh"
cd "$COWDESK_ROOT"

install_apt_packages
install_mailcow_peer_packages
require_toolchains
install_ui_packages

log "release build and .deb bundle of cowdesk"
# The window, the command line and the sandbox in release mode, and the .deb of all three.
deb="$(scripts/package.sh)"

log "release build of the core's own figures (the sync part, the mailbox list)"
cargo build --quiet --release -p cowdesk-core --example bench_core

log "release build of the bare window (the baseline)"
# The same lock file, so both use the very same Tauri and WebKit bindings.
cp Cargo.lock benches/bare-window/Cargo.lock
cargo build --quiet --release --manifest-path benches/bare-window/Cargo.toml

start_private_display
log "measuring (display $DISPLAY, private D-Bus session, gnome-keyring)"
export COWDESK_BIN="$CARGO_TARGET_DIR/release/cowdesk"
export WINDOW_BIN="$CARGO_TARGET_DIR/release/cowdesk-window"
export BARE_BIN="$CARGO_TARGET_DIR/release/bare-window"
export DEB_FILE="$deb"
export BENCH_CORE_BIN="$CARGO_TARGET_DIR/release/examples/bench_core"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
run_in_private_session python3 scripts/bench.py
