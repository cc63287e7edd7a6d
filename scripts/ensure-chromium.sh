#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing and we may (root, or sudo
# without a password); otherwise say exactly what to run. Used by `make test`, `make test-stack`
# and .ci/run. Never downloads a browser any other way.
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  SUDO="sudo -n"
else
  echo "Missing: Chromium (browser tests use Debian's), and this user cannot install it." >&2
  echo "Run: sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "then run the same make command again." >&2
  exit 1
fi

echo "Installing Debian's chromium for the browser tests (about a minute)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
if ! { [ -x "$CHROMIUM" ] || command -v chromium >/dev/null 2>&1; }; then
  echo "Missing: apt-get ran but no chromium is installed; run: apt-get install -y chromium" >&2
  exit 1
fi
