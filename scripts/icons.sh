#!/usr/bin/env bash
# Regenerates every app icon in icons/ from the one source image, icons/source.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
png="$(mktemp --suffix=.png)"
trap 'rm -f "$png"' EXIT
rsvg-convert -w 1024 -h 1024 icons/source.svg -o "$png"
ui/node_modules/.bin/tauri icon "$png" --output icons
# Only the desktop sizes are bundled; the mobile and Windows Store sets are not used.
rm -rf icons/android icons/ios icons/Square*Logo.png icons/StoreLogo.png
