#!/usr/bin/env bash
# Browser accessibility suite (issue 9): builds a site, then checks it in headless
# Chromium (axe-core), with the Nu HTML Checker, and at phone width and in print;
# and drives the table editor of `nianbao serve` (editor.mjs, issue 18).
#
#   bash tests/browser/run.sh            # from anywhere; needs chromium, java, node
#
# It does NOT install system packages (.ci/run does); it runs `npm ci` here when
# node_modules is missing. Environment knobs:
#   NIANBAO_BIN        nianbao binary to use (default: `cargo build`, then target/debug/nianbao)
#   BROWSER_ARTIFACTS  where screenshots and the PDF go (default: target/browser-artifacts)
#   CHROMIUM           browser executable (default: /usr/bin/chromium)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
artifacts=${BROWSER_ARTIFACTS:-$root/target/browser-artifacts}
started=$(date +%s)

# The binary: the one cargo just built (debug is plenty for a site of 13 reports).
if [[ -z "${NIANBAO_BIN:-}" ]]; then
    (cd "$root" && cargo build --quiet --bin nianbao)
    NIANBAO_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/nianbao"
fi

if [[ ! -d "$here/node_modules/playwright-core" ]]; then
    # --ignore-scripts: vnu-jar's postinstall would try to download a JRE; we use the machine's java.
    (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A private copy: a shared CARGO_TARGET_DIR may be rebuilt from another checkout meanwhile.
[[ -x "$NIANBAO_BIN" ]] || { echo "browser: nianbao binary not found at $NIANBAO_BIN" >&2; exit 1; }
cp "$NIANBAO_BIN" "$work/nianbao"
NIANBAO_BIN="$work/nianbao"

# The site: the sample (site.toml + content/) plus generated reports, so that index
# pages have several rows and several years, townships and regions exist.
site="$work/site"
mkdir -p "$site"
cp "$root/site.toml" "$site/site.toml"
cp -R "$root/content" "$site/content"
"$NIANBAO_BIN" corpus --reports 12 --out "$work/corpus" 2>/dev/null
cp -R "$work/corpus/content/." "$site/content/"
# The corpus also writes 盘山县; give it a URL name in the sample's [regions] table.
if grep -q '^\[regions\]' "$site/site.toml" && ! grep -q '盘山县' "$site/site.toml"; then
    sed -i '/^\[regions\]/a "盘山县" = "panshan"' "$site/site.toml"
fi

# Served at the root of a loopback server: the 404 page's site-absolute links must
# point there, not to the sample's production address (hence S025's warning here).
"$NIANBAO_BIN" build --root "$site" --out "$site/public" --base-url /

mkdir -p "$artifacts"
# The editor writes to its site: a copy of the sample of its own.
edit_site="$work/edit-site"
mkdir -p "$edit_site"
cp "$root/site.toml" "$edit_site/site.toml"
cp -R "$root/content" "$edit_site/content"
# UPDATE_DOCS=1 also refreshes the screenshot docs/editor.md shows.
docs_args=()
[[ "${UPDATE_DOCS:-}" == 1 ]] && docs_args=(--docs "$root/docs")
status=0
node "$here/editor.mjs" --bin "$NIANBAO_BIN" --site "$edit_site" --artifacts "$artifacts" "${docs_args[@]}" || status=1
# a11y.mjs prints the closing `browser: N passed, M failed` line and exits non-zero on any failure.
SUITE_STARTED=$started node "$here/a11y.mjs" --site "$site/public" --artifacts "$artifacts" || status=1
exit $status
