# Installs what cowdesk needs on Debian/Ubuntu, skipping what is already there.
# Sourced by scripts/demo.sh and scripts/test.sh.

set -euo pipefail

COWDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export COWDESK_ROOT
# One target folder outside the clone, reused by every clone and CI run on this machine.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cowdesk-target}"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

APT_PACKAGES=(
  # build: Tauri 2 on Linux
  build-essential pkg-config curl file libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev librsvg2-bin
  # tests: a display, WebDriver, a session bus with a Secret Service, screenshots
  xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools
  imagemagick x11-utils xdotool fonts-dejavu-core
  # tests: real IMAP and SMTP servers for the mail doctor; the tests start their own
  # instances on loopback (crates/core/tests/support/mailservers.rs), never the system's
  dovecot-imapd dovecot-lmtpd postfix
  # tests: the X11 clipboard's TARGETS (the secret hint); ISO 3166 for the BIC check
  xclip iso-codes
)

# What the calling script started or wrote and must stop or remove when it exits.
CLEANUP_PIDS=()
CLEANUP_PATHS=()
cleanup() {
  local pid
  for pid in "${CLEANUP_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "${CLEANUP_PATHS[@]}"
}
trap cleanup EXIT

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    # Installing a mail server must not start (or configure) a system instance: a
    # policy-rc.d that refuses every start, for the install only, and Postfix without a
    # configuration of its own.
    local policy=/usr/sbin/policy-rc.d placed="" status=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
      $SUDO chmod 755 "$policy"
      placed=1
    fi
    echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
    if [ -n "$placed" ]; then $SUDO rm -f "$policy"; fi
    return "$status"
  fi
}

# The packages of the real mailcow peer the tests start (PHP, MariaDB, Redis): installed
# once here, before the tests start peers in parallel.
install_mailcow_peer_packages() {
  local peer="${COWDESK_MAILCOW_PEER:-$COWDESK_ROOT/../shared/peers/mailcow}"
  [ -f "$peer/start.sh" ] || peer=/work/shared/peers/mailcow
  if [ ! -f "$peer/start.sh" ]; then
    echo "The mailcow peer (shared/peers/mailcow) was not found; set COWDESK_MAILCOW_PEER." >&2
    exit 1
  fi
  log "mailcow peer packages"
  $SUDO bash "$peer/start.sh" --install
  # The folder found here is the one the tests and bench.py start peers from.
  export COWDESK_MAILCOW_PEER="$peer"
}

require_toolchains() {
  if ! command -v cargo >/dev/null 2>&1; then
    log "installing the Rust toolchain (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  fi
  if ! command -v node >/dev/null 2>&1; then
    log "installing Node.js"
    $SUDO apt-get install -y -qq nodejs npm >/dev/null
  fi
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$node_major" -lt 20 ]; then
    echo "cowdesk's UI build needs Node.js 20 or newer; this machine has $(node --version)." >&2
    exit 1
  fi
}

install_tauri_driver() {
  if ! command -v tauri-driver >/dev/null 2>&1; then
    log "installing tauri-driver"
    cargo install tauri-driver --locked --quiet
  fi
}

install_ui_packages() {
  # npm ci only when the lock file changed since the last install.
  local stamp="$COWDESK_ROOT/ui/node_modules/.cowdesk-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$COWDESK_ROOT/ui/package-lock.json" "$stamp"; then
    log "installing UI packages"
    (cd "$COWDESK_ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$COWDESK_ROOT/ui/package-lock.json" "$stamp"
  fi
}

# openpgp.js for the secret-link tests (an independent OpenPGP implementation, the one
# Yopass's browser code uses); npm ci only when the lock file changed since the last install.
install_openpgp_check() {
  local dir="$COWDESK_ROOT/tests/support/openpgp"
  local stamp="$dir/node_modules/.cowdesk-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    log "installing openpgp.js for the secret-link tests"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}

build_ui() {
  log "building the UI"
  (cd "$COWDESK_ROOT/ui" && npm run --silent build)
}

# A private X display (Xvfb) and private XDG folders, stopped and removed when the calling
# script exits. Run what needs a session bus and a keyring under `run_in_private_session`.
start_private_display() {
  session_dir="$(mktemp -d)"
  export COWDESK_ARTIFACTS="${COWDESK_ARTIFACTS:-$COWDESK_ROOT/artifacts/e2e}"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$session_dir/display" 2>/dev/null &
  xvfb_pid=$!
  CLEANUP_PIDS+=("$xvfb_pid")
  CLEANUP_PATHS+=("$session_dir")
  # Xvfb writes the display number once it accepts connections.
  while [ ! -s "$session_dir/display" ]; do
    kill -0 "$xvfb_pid" 2>/dev/null || { echo "Xvfb did not start" >&2; exit 1; }
    sleep 0.1
  done
  export DISPLAY=":$(head -n1 "$session_dir/display")"
  export XDG_DATA_HOME="$session_dir/data" XDG_CACHE_HOME="$session_dir/cache"
  export XDG_RUNTIME_DIR="$session_dir/runtime"
  mkdir -p "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
}

# Runs "$@" on a private session bus with an unlocked, throw-away gnome-keyring: nothing
# of the user's desktop is touched.
run_in_private_session() {
  dbus-run-session -- bash -c '
    set -euo pipefail
    eval "$(printf %s cowdesk-test | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    "$@"
  ' _ "$@"
}
