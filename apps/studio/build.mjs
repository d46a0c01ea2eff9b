// Bundles the CLI and studio server. better-sqlite3 stays external (native addon).
//
// Two entries share their chunks: `cachify.js` is what `npm start` and the installed `cachify`
// run; `studio.js` exports the same code (startStudio, runCli, openApp) for the test suites, so
// tests that start the studio or the CLI exercise the built files, not the TypeScript sources.
// A third, `codec-worker.js`, is the script of the decoding worker threads.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry content hashes: without a clean folder old chunks would pile up (and ship).
rmSync("dist", { recursive: true, force: true });

await build({
  entryPoints: {
    cachify: "src/cli/entry.ts",
    studio: "src/index.ts",
    // The codec pool's worker thread (value decoding off the main thread). The pool finds it
    // at dist/codec-worker.js from its chunk (defaultWorkerUrl in packages/codecs/src/pool).
    "codec-worker": "../../packages/codecs/src/pool/codec-worker.ts",
  },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  // The studio server is a chunk of its own, loaded only by `cachify studio`.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  target: "node20",
  sourcemap: true,
  // Libraries derive error names from constructor.name (redis-errors): keep classes' names.
  keepNames: true,
  external: ["better-sqlite3"],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: "warning",
});
