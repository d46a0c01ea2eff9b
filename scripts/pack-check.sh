#!/usr/bin/env bash
# Proves the packed tarball is a product on its own: `npm pack`, install it with `npm install -g`
# into an empty prefix, then, from a folder outside this checkout, run `cachify --version`, a
# profile round trip (add, export, import into a second data folder, show) and
# `cachify studio --no-open` serving the UI and its assets.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/cachify-pack-XXXXXX)"
studio_pid=""
cleanup() {
  if [ -n "$studio_pid" ]; then kill "$studio_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

say() { echo "pack-check: $*"; }

say "npm pack"
# npm pack runs the prepare script (the build); its output is shown only if it fails.
(cd "$root" && npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1) || {
  cat "$work/pack.log" >&2
  exit 1
}
tarball="$(ls "$work"/cachify-studio-*.tgz)"
say "$(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB, $(tar -tzf "$tarball" | wc -l) files"
if tar -tzf "$tarball" | grep -Eq '(^package/(packages|test|bench)/|/src/|\.map$)'; then
  echo "pack-check: the tarball carries sources, tests or source maps" >&2
  exit 1
fi

say "npm install -g into an empty prefix"
cd "$work"
npm install -g --prefix "$work/prefix" --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
export PATH="$work/prefix/bin:$PATH"
export CACHIFY_HOME="$work/home"
bin="$(command -v cachify)"
case "$bin" in "$work"/prefix/*) ;; *) echo "pack-check: cachify resolved to $bin, not the install" >&2; exit 1 ;; esac

version="$(cachify --version)"
say "cachify --version: $version"
[ "$version" = "$(node -p "require('$root/package.json').version")" ]

cachify profile add packed --url redis://127.0.0.1:6379/3 --env staging --timeout-ms 1500 >/dev/null
cachify profile export "$work/profiles.json" >/dev/null 2>&1
CACHIFY_HOME="$work/home2" cachify profile import "$work/profiles.json" >/dev/null
shown="$(CACHIFY_HOME="$work/home2" cachify profile show packed --json)"
node -e '
const p = JSON.parse(process.argv[1]);
const ok = p.environment === "staging" && p.db === 3 && p.timeoutMs === 1500;
if (!ok) { console.error("pack-check: profile round trip lost settings:", process.argv[1]); process.exit(1); }
' "$shown"
say "profile round trip: add, export, import, show kept environment, db and timeout"

# The value viewer decodes in worker threads: the installed bundle must carry their script
# (dist/codec-worker.js) and the worker must load from the install, not from this checkout.
installed="$work/prefix/lib/node_modules/cachify-studio/apps/studio/dist"
[ -f "$installed/codec-worker.js" ] || { echo "pack-check: the tarball has no codec-worker.js" >&2; exit 1; }
# (A file, not `node --input-type=module -e`: worker threads inherit the flags, and that one
# refuses a worker script.)
cat >"$work/decode.mjs" <<'EOF'
import { gzipSync } from "node:zlib";
const { openApp } = await import(`${process.argv[2]}/studio.js`);
const app = openApp({ dataDir: process.argv[3] });
try {
  const r = await app.decodeValue(gzipSync(JSON.stringify({ packed: [1, 2] })));
  if (JSON.stringify(r) !== JSON.stringify({ chain: ["gzip", "json"], value: { packed: [1, 2] } }))
    throw new Error("unexpected decode: " + JSON.stringify(r));
} finally {
  await app.close();
}
EOF
node "$work/decode.mjs" "$installed" "$work/home3"
say "a value decoded in the installed bundle's worker thread (gzip, json)"

cachify studio --no-open >"$work/studio.log" 2>&1 &
studio_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127.0.0.1:[0-9]*/?code=[A-Za-z0-9_-]*' "$work/studio.log" | head -1 || true)"
  [ -n "$url" ] && break
  kill -0 "$studio_pid" 2>/dev/null || { cat "$work/studio.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "pack-check: the studio printed no link:" >&2; cat "$work/studio.log" >&2; exit 1; }
node -e '
const url = process.argv[1];
const base = new URL(url).origin;
(async () => {
  // The printed link carries a one-time code: traded once for the session token, as the page does.
  const traded = await fetch(base + "/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code: new URL(url).searchParams.get("code") }),
  });
  if (traded.status !== 200) throw new Error(`the code of the printed link was refused: ${traded.status}`);
  const auth = { headers: { authorization: `Bearer ${(await traded.json()).token}` } };
  const page = await (await fetch(base + "/", auth)).text();
  if (!page.includes("<div id=\"root\">")) throw new Error("the UI page is not served: " + page.slice(0, 200));
  const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  if (assets.length === 0) throw new Error("the UI page names no assets");
  for (const a of assets) {
    const r = await fetch(base + a, auth);
    if (r.status !== 200) throw new Error(`${a}: ${r.status}`);
  }
  const profiles = await (await fetch(base + "/api/profiles", auth)).json();
  if (!profiles.profiles.some((p) => p.name === "packed")) throw new Error("the studio does not list the profile");
  console.log(`pack-check: cachify studio served the UI (${assets.length} assets) and the API`);
})().catch((e) => { console.error("pack-check:", e.message); process.exit(1); });
' "$url"
say "ok"
