#!/usr/bin/env bash
# Builds bench/corpus/: the Python sources of Django, SQLAlchemy, Flask and friends from Debian's packages
# (installed when missing), a large real-world tree to time massassign against bandit on.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$here/corpus"
site=/usr/lib/python3/dist-packages
debs=(python3-django python3-sqlalchemy python3-flask python3-werkzeug python3-flask-sqlalchemy
  python3-marshmallow python3-pydantic python3-flask-restful bandit)
folders=(django sqlalchemy flask werkzeug flask_sqlalchemy marshmallow pydantic flask_restful)

missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed' || missing+=("$deb")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "build-corpus: missing Debian packages; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

rm -rf "$corpus"
mkdir -p "$corpus"
# Only the .py files: locale data, templates and static assets are not what either tool reads.
(cd "$site" && find "${folders[@]}" -name '*.py' -print0 | xargs -0 cp --parents -t "$corpus")
echo "bench corpus: $(find "$corpus" -name '*.py' | wc -l) files, $(du -sb "$corpus" | cut -f1) bytes in $corpus"
