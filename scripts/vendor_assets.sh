#!/usr/bin/env bash
# Refresh the browser assets vendored under server/static/vendor/ (no CDN at run time).
# Uses only `npm pack` / `npm install` against the npm registry, in a temporary directory.
#   scripts/vendor_assets.sh                 # versions pinned below
#   YASGUI_VERSION=4.6.2 CHARTJS_VERSION=4.5.1 scripts/vendor_assets.sh
set -euo pipefail

YASGUI_VERSION="${YASGUI_VERSION:-4.6.2}"
CHARTJS_VERSION="${CHARTJS_VERSION:-4.5.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/server/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "@zazuko/yasgui@$YASGUI_VERSION" "chart.js@$CHARTJS_VERSION" >/dev/null
mkdir yasgui chartjs
tar xzf "zazuko-yasgui-$YASGUI_VERSION.tgz" -C yasgui
tar xzf "chart.js-$CHARTJS_VERSION.tgz" -C chartjs

mkdir -p "$DEST/yasgui" "$DEST/chartjs"
# The UMD bundle (yasqe, yasr and their dependencies inlined) and its stylesheet; the source-map
# reference is dropped because the (3.6 MB) map is not vendored.
sed '/^\/\/# sourceMappingURL=/d' yasgui/package/build/yasgui.min.js > "$DEST/yasgui/yasgui.min.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' yasgui/package/build/yasgui.min.css > "$DEST/yasgui/yasgui.min.css"
sed '/^\/\/# sourceMappingURL=/d' chartjs/package/dist/chart.umd.min.js > "$DEST/chartjs/chart.umd.min.js"
cp chartjs/package/LICENSE.md "$DEST/chartjs/LICENSE.md"

# The yasgui tarball ships no LICENSE file; its package.json declares MIT (author Triply, contributors Zazuko).
node -e '
const p = require("./yasgui/package/package.json");
const who = [p.author, ...(p.contributors || []).map(c => c.name || c)].join(", ");
process.stdout.write(`${p.name} ${p.version} is released under the ${p.license} License (declared in its package.json; the npm package ships no LICENSE file).

The MIT License (MIT)

Copyright (c) ${who}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
`);' > "$DEST/yasgui/LICENSE"

# Licences of the packages inlined in the yasgui bundle: install its production dependency tree
# (scripts disabled) and collect each package's name, version, licence and licence text.
mkdir deps && cd deps
npm init -y >/dev/null
npm install --silent --ignore-scripts --omit=dev --no-audit --no-fund "@zazuko/yasgui@$YASGUI_VERSION" >/dev/null
node -e '
const fs = require("fs"), path = require("path");
const out = [];
for (const dir of fs.readdirSync("node_modules").flatMap(d => d.startsWith("@")
     ? fs.readdirSync(path.join("node_modules", d)).map(s => path.join(d, s)) : [d]).sort()) {
  const base = path.join("node_modules", dir);
  if (!fs.existsSync(path.join(base, "package.json"))) continue;
  const p = JSON.parse(fs.readFileSync(path.join(base, "package.json"), "utf8"));
  const lic = fs.readdirSync(base).find(f => /^(licen[cs]e|copying)/i.test(f));
  out.push(`==== ${p.name} ${p.version} (${typeof p.license === "object" ? p.license.type : p.license || "UNKNOWN"})\n` +
           (lic ? fs.readFileSync(path.join(base, lic), "utf8").trim() : "(no licence file in the package)") + "\n");
}
process.stdout.write(out.join("\n"));' > "$DEST/yasgui/THIRD-PARTY-LICENSES.txt"

printf '%s\n' "$YASGUI_VERSION" > "$DEST/yasgui/VERSION"
printf '%s\n' "$CHARTJS_VERSION" > "$DEST/chartjs/VERSION"
echo "vendored @zazuko/yasgui $YASGUI_VERSION and chart.js $CHARTJS_VERSION into $DEST"
