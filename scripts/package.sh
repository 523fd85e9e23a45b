#!/usr/bin/env bash
# Builds the release programs and bundles the .deb, then checks what it installs:
#   /usr/bin/cowdesk-window   the window (the desktop entry starts it)
#   /usr/bin/cowdesk          the command line; without a subcommand it starts the window
#   /usr/bin/cowdesk-sandbox  the portal simulator the demo starts
# The Tauri CLI's release build (`cargo build --bins --release` at the root) builds all
# three; `cowdesk` and `cowdesk-sandbox` are then placed in target-bundle/, where
# tauri.conf.json (bundle.linux.deb.files) takes them, and `tauri bundle` packs them.
# The bundle is repacked with xz (see below).
# Prints the path of the .deb on standard output (everything else goes to standard error).
source "$(dirname "$0")/lib/setup.sh"
cd "$COWDESK_ROOT"

{
  install_apt_packages
  require_toolchains
  install_ui_packages
} >&2

log "release build of the window, the command line and the sandbox"
# The Tauri CLI runs the UI build (beforeBuildCommand) and cargo in release mode.
ui/node_modules/.bin/tauri build --no-bundle >&2
mkdir -p target-bundle
for program in cowdesk cowdesk-sandbox; do
  install -m 755 "$CARGO_TARGET_DIR/release/$program" "target-bundle/$program"
done

log "the .deb bundle"
# `tauri bundle` packs what the build above made; a second `tauri build` would build the
# UI again and, with it, the window.
ui/node_modules/.bin/tauri bundle --bundles deb >&2
deb="$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -n1)"

# The bundler packs with gzip. xz at level 9 packs the three programs into about half of
# that: its 64 MiB window sees that the window and the command line carry the same core
# (level 6, dpkg-deb's default, has an 8 MiB window and saves a quarter). dpkg has read
# xz packages since Debian 6 and Ubuntu 10.04.
log "repacking $deb with xz"
unpacked="$(mktemp -d)"
dpkg-deb -R "$deb" "$unpacked/root"
dpkg-deb --root-owner-group -Zxz -z9 --build "$unpacked/root" "$deb" >&2
rm -rf "$unpacked"

log "checking what $deb installs"
listing="$(dpkg-deb -c "$deb")"
for program in cowdesk-window cowdesk cowdesk-sandbox; do
  if ! grep -Eq "^-rwxr-xr-x .* (\./)?usr/bin/$program\$" <<<"$listing"; then
    echo "$deb does not install /usr/bin/$program:" >&2
    echo "$listing" >&2
    exit 1
  fi
done
desktop_exec="$(dpkg-deb --fsys-tarfile "$deb" \
  | tar -xO --wildcards '*usr/share/applications/*.desktop' | grep '^Exec=')"
if [ "$desktop_exec" != "Exec=cowdesk-window" ]; then
  echo "the desktop entry starts '$desktop_exec', not cowdesk-window" >&2
  exit 1
fi
echo "$deb"
