#!/bin/sh
# Install the Debian packages canvass needs to build, test and run the demo.
# Idempotent and non-interactive: packages already installed are skipped, and
# apt-get runs only when something is missing. Uses sudo when not root.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
libsqlite3-dev libsodium-dev libcmocka-dev zlib1g-dev libgmp-dev time"

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

echo "canvass: installing Debian packages:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
