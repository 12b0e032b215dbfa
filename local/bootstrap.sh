#!/bin/sh
# Bootstrap a fresh Debian machine for `make dev` / `make test`: system packages when missing
# (installed with apt-get as root, otherwise named), then .venv with the pinned requirements.
# Second runs check and return in well under a second.
set -eu
cd "$(dirname "$0")/.."

missing=""
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing="$missing postgresql"
fi
command -v espeak-ng >/dev/null 2>&1 || missing="$missing espeak-ng"
# Optional: the browser test of Swagger UI runs in Debian's headless Chromium and is skipped
# (with the reason printed) where it is not installed.
optional=""
command -v chromium >/dev/null 2>&1 || optional="$optional chromium"
command -v chromedriver >/dev/null 2>&1 || optional="$optional chromium-driver"

if [ -n "$missing$optional" ] && [ "$(id -u)" = "0" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || true
fi

if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "installing system packages:$missing" >&2
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
  else
    echo "Missing system packages:$missing" >&2
    echo "Install them, then run again:  sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

if [ -n "$optional" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "installing optional system packages:$optional" >&2
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $optional >/dev/null || echo "could not install$optional; the browser test will be skipped" >&2
  else
    echo "Optional, for the browser test (skipped without them):  sudo apt-get install -y$optional" >&2
  fi
fi

PYTHON=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  command -v "$PYTHON" >/dev/null 2>&1 || { echo "Python 3.11 is required ($PYTHON not found)" >&2; exit 1; }
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.requirements.sha256
sum=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$sum" ]; then
  echo "installing Python requirements into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$sum" > "$stamp"
fi
