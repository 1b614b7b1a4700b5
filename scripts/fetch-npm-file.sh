#!/usr/bin/env bash
# Usage: scripts/fetch-npm-file.sh PACKAGE VERSION INTEGRITY DEST FILE...
#
# Installs FILEs (paths inside the package, e.g. build/dist/vnu.jar or LICENSE) of the npm
# package PACKAGE@VERSION into DEST, each under its own base name. The tests use it for tools
# they pin (axe-core in tests/test_pages_browser.py, vnu-jar in tests/test_pages_valid.py):
# the package comes from the npm registry through npm itself, and its tarball must match the
# sha512 INTEGRITY (as `npm view PACKAGE@VERSION dist.integrity` prints it), or the script
# fails and installs nothing. Nothing of the package runs. Needs npm, tar and python3.
set -euo pipefail

if [[ $# -lt 5 ]]; then
  echo "usage: $0 PACKAGE VERSION INTEGRITY DEST FILE..." >&2
  exit 2
fi
package="$1" version="$2" integrity="$3" dest="$4"
shift 4
files=("$@")

# A stamp per package records the integrity of what DEST holds: same pin, nothing to do.
stamp="$dest/.${package//\//+}-integrity"
present=1
for file in "${files[@]}"; do
  [[ -f "$dest/$(basename "$file")" ]] || present=0
done
if [[ "$present" -eq 1 && -f "$stamp" && "$(<"$stamp")" == "$integrity" ]]; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$work" && npm pack "$package@$version" --silent --cache "$work/npm-cache")"
actual="$(python3 -c '
import base64, hashlib, sys
with open(sys.argv[1], "rb") as f:
    print("sha512-" + base64.b64encode(hashlib.sha512(f.read()).digest()).decode())
' "$work/$tarball")"
if [[ "$actual" != "$integrity" ]]; then
  echo "fetch-npm-file.sh: $package@$version does not match its pinned integrity" >&2
  echo "  pinned: $integrity" >&2
  echo "  got:    $actual" >&2
  exit 1
fi
members=()
for file in "${files[@]}"; do
  members+=("package/$file")
done
tar -xzf "$work/$tarball" -C "$work" "${members[@]}"
mkdir -p "$dest"
rm -f "$stamp"  # a stamp only over a complete set
for file in "${files[@]}"; do
  install -m 0644 "$work/package/$file" "$dest/$(basename "$file")"
done
printf '%s\n' "$integrity" >"$stamp"
echo "fetch-npm-file.sh: $package@$version in $dest"
