#!/usr/bin/env bash
# Builds bench/apps/: the .py files of real Flask applications, copied out of git directories fetched by hand
# (one folder per repository, named owner+name), and bench/apps/PINS listing each repository and commit.
# Usage: bash bench/build-real-apps.sh /work/.mirror/owner+name/repo ...   (the code is never committed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
apps="$here/apps"
if [ "$#" -eq 0 ]; then
  echo "usage: bash bench/build-real-apps.sh GIT_DIR..." >&2
  exit 2
fi
rm -rf "$apps"
mkdir -p "$apps"
for gitdir in "$@"; do
  name="$(basename "$(dirname "$gitdir")")"
  [ "$name" = "." ] && name="$(basename "$gitdir" .git)"
  commit="$(git --git-dir="$gitdir" rev-parse HEAD)"
  mkdir -p "$apps/$name"
  git --git-dir="$gitdir" archive HEAD | tar -x -C "$apps/$name" --wildcards '*.py' 2>/dev/null || true
  echo "$name $commit" >>"$apps/PINS"
done
echo "bench apps: $(find "$apps" -name '*.py' | wc -l) files, $(find "$apps" -name '*.py' -print0 | du -cb --files0-from=- | tail -1 | cut -f1) bytes in $apps"
