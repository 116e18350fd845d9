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

# Every status tag's text must reach WCAG 2.2 AA (4.5:1) on its background.
node - "$OUT/govuk-frontend.min.css" <<'JS'
const fs = require("fs");
const css = fs.readFileSync(process.argv[2], "utf8");
const statuses = ["not-started", "green", "amber", "red", "complete", "no-update"];
// Dart Sass writes colours as hex, or as hsl() when a mix is not a whole rgb value.
const rgb = (value) => {
  const hsl = value.match(/^hsl\(([\d.]+),([\d.]+)%,([\d.]+)%\)$/);
  if (hsl) {
    const [h, s, l] = [Number(hsl[1]), hsl[2] / 100, hsl[3] / 100];
    const f = (n) => {
      const k = (n + h / 30) % 12;
      return l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    };
    return [f(0), f(8), f(4)];
  }
  let h = value.replace(/^#/, "");
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  if (!/^[0-9a-f]{6}$/i.test(h)) throw new Error(`cannot read colour ${value}`);
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255);
};
const luminance = (rgb) => {
  const [r, g, b] = rgb.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
let failed = false;
for (const status of statuses) {
  const rule = css.match(new RegExp(`\\.app-status--${status}\\{([^}]*)\\}`));
  const color = rule && rule[1].match(/(?:^|;)color:([^;]+)/);
  const background = rule && rule[1].match(/background-color:([^;]+)/);
  if (!color || !background) {
    console.error(`build-css: no colours found for .app-status--${status}`);
    failed = true;
    continue;
  }
  const [l1, l2] = [luminance(rgb(color[1].trim())), luminance(rgb(background[1].trim()))].sort((a, b) => b - a);
  const ratio = (l1 + 0.05) / (l2 + 0.05);
  console.log(`build-css: .app-status--${status} ${color[1]} on ${background[1]} ${ratio.toFixed(2)}:1`);
  if (ratio < 4.5) failed = true;
}
process.exit(failed ? 1 : 0);
JS

echo "build-css: wrote $OUT ($(wc -c <"$OUT/govuk-frontend.min.css") bytes CSS, $(wc -c <"$OUT/govuk-frontend.min.js") bytes JS)"
