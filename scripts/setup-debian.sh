#!/usr/bin/env bash
# Installs what building and testing Vigie needs on Debian 12+ / Ubuntu 22.04+, and nothing
# that is already there: run it as often as you like (`make setup` does, before `run` and `test`).
#
#   - system packages: WebKitGTK 4.1 and GTK 3 (the desktop app), Xvfb and WebKitWebDriver
#     (its smoke test), Chromium (the web UI's end-to-end tests), a font;
#   - tauri-driver 2.x, the WebDriver proxy between the smoke test and WebKitWebDriver;
#   - the UI's npm packages, when ui/node_modules is missing or older than package-lock.json.
#
# Needs root, or sudo. `apt-get update` runs only when a package is missing; a package this
# release of the distribution does not carry is skipped with a note (e.g. `chromium`, which
# Ubuntu ships as a snap): the targets that need it say so when they run.
set -euo pipefail

cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

# The packages, one reason each.
PACKAGES=(
  build-essential               # cc, make: crates that compile C
  pkg-config                    # finds the system libraries below
  libssl-dev                    # TLS for crates that link OpenSSL
  libxml2-dev                   # libxml2, opened at run time for XSD validation (vigie check --schema)
  libgtk-3-dev                  # the app's window (tao)
  libwebkit2gtk-4.1-dev         # the app's webview (wry)
  librsvg2-dev                  # SVG icons in GTK
  libayatana-appindicator3-dev  # tray support Tauri links on Linux
  xvfb                          # a virtual display for the app's smoke test
  xauth                         # xvfb-run needs it
  webkit2gtk-driver             # WebKitWebDriver, driven through tauri-driver
  chromium                      # the browser the web UI's end-to-end tests drive
  fonts-dejavu-core             # a font, so pages render text on a bare machine
  x11-utils                     # xwininfo: the smoke test checks the Open dialog appears
)

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup: root is needed to run: $*  (run this script as root, or install sudo)" >&2
    exit 1
  fi
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Whether the package lists offer a version of this package.
available() {
  local candidate
  candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

install_system_packages() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "no apt-get here: install the equivalents of ${PACKAGES[*]} yourself"
    return
  fi
  local missing=() package
  for package in "${PACKAGES[@]}"; do
    installed "$package" || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "system packages: all present"
    return
  fi
  say "system packages missing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  local wanted=()
  for package in "${missing[@]}"; do
    if available "$package"; then
      wanted+=("$package")
    else
      say "skipping $package: this distribution does not offer it"
    fi
  done
  if [ ${#wanted[@]} -gt 0 ]; then
    say "installing: ${wanted[*]}"
    # With their recommended packages (GStreamer, Mesa's software GL, the desktop portal):
    # WebKitGTK is tested with them.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}"
  fi
}

install_tauri_driver() {
  if command -v tauri-driver >/dev/null 2>&1 || [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
    say "tauri-driver: present"
    return
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    say "cargo not found: install Rust (rustup) first, then run this again"
    exit 1
  fi
  # 2.x: the 3.0 pre-releases follow Tauri 3, and `^2` never selects a pre-release.
  say "installing tauri-driver 2.x (cargo install, about a minute)"
  cargo install tauri-driver --locked --version '^2'
}

install_ui_packages() {
  if ! command -v npm >/dev/null 2>&1; then
    say "npm not found: install Node.js 20+ first, then run this again"
    exit 1
  fi
  # npm writes node_modules/.package-lock.json on every install: older than the lock file
  # (or absent) means the installed packages may not be the locked ones.
  if [ -f ui/node_modules/.package-lock.json ] \
    && [ ! ui/package-lock.json -nt ui/node_modules/.package-lock.json ] \
    && [ ! ui/package.json -nt ui/node_modules/.package-lock.json ]; then
    say "ui/node_modules: up to date"
    return
  fi
  say "installing the UI's npm packages (npm ci)"
  (cd ui && npm ci --no-audit --no-fund)
}

install_system_packages
install_tauri_driver
install_ui_packages
say "done"
