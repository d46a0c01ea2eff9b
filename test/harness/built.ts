import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** The files `npm start` and the installed `cachify` run; the suites import them too. */
export const BUILT = {
  cli: join(ROOT, "apps/studio/dist/cachify.js"),
  library: join(ROOT, "apps/studio/dist/studio.js"),
  /** The decoding worker threads' script, at the bundle's root (the codec pool looks there). */
  codecWorker: join(ROOT, "apps/studio/dist/codec-worker.js"),
  web: join(ROOT, "apps/web/dist/index.html"),
};

const SOURCES = [
  "apps/studio/src",
  "apps/web/src",
  "packages/core/src",
  "packages/redis/src",
  "packages/memcached/src",
  "packages/store/src",
  "packages/codecs/src",
];

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!e.name.includes(".test.")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * `npm test` builds before the suites run; a bare `vitest run` after an edit would test a stale
 * bundle, so the harness rebuilds when any built file is missing or older than a source.
 */
export function ensureBuilt(): void {
  const sources = Math.max(...SOURCES.map((d) => newestSource(join(ROOT, d))));
  const stale = Object.values(BUILT).some((f) => !existsSync(f) || statSync(f).mtimeMs < sources);
  if (!stale) return;
  console.log(
    "harness: the built studio is missing or older than its sources; running npm run build",
  );
  // Vitest sets NODE_ENV=test, which would make Vite build React's development bundle.
  const { NODE_ENV: _, ...env } = process.env;
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", env });
  if (r.status !== 0)
    throw new Error("npm run build failed: fix the build, then run the tests again.");
}
