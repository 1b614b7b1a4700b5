#!/usr/bin/env bash
# Fetch the SPARQL editor the query page uses (YASGUI, the npm package @zazuko/yasgui,
# MIT licence) into service/pages/static/vendor/yasgui/, pinned to one release and checked
# against its published sha512 integrity (scripts/fetch-npm-file.sh). The page works
# without it (a plain query form); with it, /sparql in a browser is the YASGUI editor.
# Needs npm; run once after install:
#
#     scripts/vendor-yasgui.sh
#
# Does nothing when the pinned release is already there; exits 1 on any mismatch.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$here/service/pages/static/vendor/yasgui}"
if ! command -v npm >/dev/null 2>&1; then
  echo "vendor-yasgui: npm is not installed; /sparql keeps its plain query form" >&2
  exit 1
fi
"$here/scripts/fetch-npm-file.sh" @zazuko/yasgui 4.6.2 \
  "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==" \
  "$dest" build/yasgui.min.js build/yasgui.min.css
cat >"$dest/NOTICE" <<'NOTICE'
@zazuko/yasgui 4.6.2 (YASGUI: Triply, Zazuko and contributors), MIT licence:
https://github.com/zazuko/Yasgui. The bundle includes CodeMirror, jQuery, DataTables and
DOMPurify, each under its own licence.
NOTICE
