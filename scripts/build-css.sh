#!/usr/bin/env bash
# Builds static/govuk/ from static/scss/app.scss and the pinned govuk-frontend:
#   static/govuk/govuk-frontend.min.css  compiled, compressed, Arial, no crest
#   static/govuk/govuk-frontend.min.js   GOV.UK Frontend's ES module bundle
#   static/govuk/assets/                 only the files the CSS refers to
# then checks the result. The output is committed; running it again on the same
# lockfile gives byte-identical files.
set -euo pipefail

cd "$(dirname "$0")/.."

GOVUK_DIST=node_modules/govuk-frontend/dist/govuk
OUT=static/govuk
ASSETS_URL=/static/govuk/assets/

# Install from the lockfile when node_modules is missing or older than the lockfile.
# Install scripts are skipped: the build needs none, and vnu-jar's would try to
# download a Java runtime.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --ignore-scripts --no-audit --no-fund
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

node_modules/.bin/sass \
    --no-source-map \
    --style=compressed \
    --load-path=node_modules \
    --quiet-deps \
    --silence-deprecation=import \
    --silence-deprecation=global-builtin \
    static/scss/app.scss "$tmp/govuk-frontend.min.css"

# The bundle ends with a sourceMappingURL comment; Django's manifest storage
# would fail collectstatic on the .map we do not ship.
sed -e 's|//# sourceMappingURL=[^ ]*$||' "$GOVUK_DIST/govuk-frontend.min.js" >"$tmp/govuk-frontend.min.js"

rm -rf "$OUT"
mkdir -p "$OUT/assets"
cp "$tmp/govuk-frontend.min.css" "$tmp/govuk-frontend.min.js" "$OUT/"

# Copy exactly the assets the CSS refers to; anything else under url() is an error.
node - "$OUT/govuk-frontend.min.css" "$GOVUK_DIST/assets" "$OUT/assets" "$ASSETS_URL" <<'JS'
const fs = require("fs");
const path = require("path");
const [cssFile, srcDir, destDir, assetsUrl] = process.argv.slice(2);
const css = fs.readFileSync(cssFile, "utf8");
let failed = false;
for (const match of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
  const url = match[1];
  if (url.startsWith("data:")) continue;
  if (!url.startsWith(assetsUrl)) {
    console.error(`build-css: unexpected url() in CSS: ${url}`);
    failed = true;
    continue;
  }
  const rel = url.slice(assetsUrl.length).split(/[?#]/)[0];
  const src = path.join(srcDir, rel);
  if (!fs.existsSync(src)) {
    console.error(`build-css: CSS refers to ${url}, not in govuk-frontend`);
    failed = true;
    continue;
  }
  fs.mkdirSync(path.dirname(path.join(destDir, rel)), { recursive: true });
  fs.copyFileSync(src, path.join(destDir, rel));
}
process.exit(failed ? 1 : 0);
JS

# Checks on the result.
if grep -qiE 'GDS Transport|\.woff2?\b|govuk-crest' "$OUT/govuk-frontend.min.css"; then
    echo "build-css: the CSS still refers to the GDS Transport font or the crest" >&2
    exit 1
fi

echo "build-css: wrote $OUT ($(wc -c <"$OUT/govuk-frontend.min.css") bytes CSS, $(wc -c <"$OUT/govuk-frontend.min.js") bytes JS)"
