#!/usr/bin/env bash
# Installs the Debian packages the tests need (Flask stack for the fixture apps, sqlite3, Chromium),
# only when something is missing, so `npm test` works on a bare machine and costs nothing after.
set -euo pipefail
packages=(python3-flask python3-flask-sqlalchemy python3-marshmallow python3-marshmallow-sqlalchemy
  python3-pydantic python3-flask-restful python3-flask-httpauth sqlite3 chromium)
if /usr/bin/python3 -c 'import flask, flask_sqlalchemy, marshmallow, marshmallow_sqlalchemy, pydantic, flask_restful, flask_httpauth' 2>/dev/null \
  && command -v sqlite3 >/dev/null && command -v chromium >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing Debian packages; run as root or: sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
