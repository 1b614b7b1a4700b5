#!/usr/bin/env bash
# Usage: scripts/fetch-axe.sh DEST
#
# Installs axe.min.js and its LICENSE (MPL-2.0) from the pinned axe-core release into DEST, for
# the browser tests (tests/test_pages_browser.py), which inject it into each page. The package
# comes from the npm registry through npm itself; its tarball must match the sha512 integrity
# pinned here, or the script fails and installs nothing. Needs npm, tar and python3.
set -euo pipefail

VERSION="4.14.1"
INTEGRITY="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

dest="${1:?usage: $0 DEST}"
stamp="$dest/.axe-core-integrity"
if [[ -f "$stamp" && -f "$dest/axe.min.js" && "$(<"$stamp")" == "$INTEGRITY" ]]; then
  exit 0  # this pin is already there
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$work" && npm pack "axe-core@$VERSION" --silent --cache "$work/npm-cache")"
actual="$(python3 -c '
import base64, hashlib, sys
with open(sys.argv[1], "rb") as f:
    print("sha512-" + base64.b64encode(hashlib.sha512(f.read()).digest()).decode())
' "$work/$tarball")"
if [[ "$actual" != "$INTEGRITY" ]]; then
  echo "fetch-axe.sh: axe-core@$VERSION does not match its pinned integrity" >&2
  echo "  pinned: $INTEGRITY" >&2
  echo "  got:    $actual" >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work" package/axe.min.js package/LICENSE
mkdir -p "$dest"
install -m 0644 "$work/package/axe.min.js" "$dest/axe.min.js"
install -m 0644 "$work/package/LICENSE" "$dest/LICENSE"
printf '%s\n' "$INTEGRITY" >"$stamp"
echo "fetch-axe.sh: axe-core@$VERSION in $dest"
