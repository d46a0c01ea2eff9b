// Bundles the CLI and studio server into one file. better-sqlite3 stays external (native addon).
import { build } from "esbuild";

await build({
  entryPoints: { cachify: "src/cli/entry.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  // The studio server is a chunk of its own, loaded only by `cachify studio`.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  target: "node20",
  sourcemap: true,
  external: ["better-sqlite3"],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: "warning",
});
