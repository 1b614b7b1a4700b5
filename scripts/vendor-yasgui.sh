#!/usr/bin/env bash
# Fetch the SPARQL editor the query page uses (YASGUI, the npm package @zazuko/yasgui,
# MIT licence) into service/pages/static/vendor/yasgui/, pinned to one release and checked
# against its published sha512 integrity. The page works without it (a plain query form);
# with it, /sparql in a browser is the YASGUI editor. Needs npm; run once after install:
#
#     scripts/vendor-yasgui.sh
#
# Exits 0 without fetching when the pinned release is already there; 1 on any mismatch.
set -euo pipefail
package="@zazuko/yasgui"
release="4.6.2"
integrity="sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
wanted=(build/yasgui.min.js build/yasgui.min.css)

here="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$here/service/pages/static/vendor/yasgui}"
stamp="$dest/RELEASE"
if [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$package@$release $integrity" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "vendor-yasgui: npm is not installed; /sparql keeps its plain query form" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$work" && npm pack "$package@$release" --silent --cache "$work/cache")"
actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "vendor-yasgui: $package@$release does not match its pinned integrity ($actual)" >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work" "${wanted[@]/#/package/}"
mkdir -p "$dest"
for file in "${wanted[@]}"; do
  install -m 0644 "$work/package/$file" "$dest/"
done
{
  echo "$package@$release $integrity"
  echo "YASGUI (Triply, Zazuko and contributors), MIT licence: https://github.com/zazuko/Yasgui"
  echo "The bundle includes CodeMirror, jQuery, DataTables and DOMPurify, each under its own licence."
} >"$stamp"
echo "vendor-yasgui: $package@$release in $dest"
