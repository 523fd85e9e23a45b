#!/usr/bin/env bash
# Sets up everything and starts cowdesk in demo mode (a built-in sandbox, no account).
source "$(dirname "$0")/lib/setup.sh"

install_apt_packages
require_toolchains
install_ui_packages
build_ui
log "building cowdesk"
# The workspace's default members: cowdesk (the command line), cowdesk-window and
# cowdesk-sandbox, side by side; `cowdesk --demo` starts the window, the window the sandbox.
(cd "$COWDESK_ROOT" && cargo build --quiet)
app="$CARGO_TARGET_DIR/debug/cowdesk"

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$app" --demo
fi

# No desktop session (a server, a container): run on a virtual display and save a
# screenshot of the window so you can still see it.
log "no display found: starting cowdesk on a virtual display (Xvfb)"
shot="$COWDESK_ROOT/artifacts/demo.png"
mkdir -p "$(dirname "$shot")"
exec xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$1" --demo & app_pid=$!
  trap "kill $app_pid 2>/dev/null" EXIT
  xdotool search --sync --onlyvisible --name "^cowdesk$" >/dev/null
  for _ in $(seq 1 50); do
    import -window root "$2" 2>/dev/null && break
  done
  echo "cowdesk is running in demo mode on a virtual display; screenshot: $2"
  echo "Stop it with Ctrl-C."
  wait $app_pid
' _ "$app" "$shot"
