#!/usr/bin/env node
// The CLI is bundled by `npm run build` (run by npm install's prepare step).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = new URL("../dist/cachify.js", import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write(
    "cachify: the CLI is not built yet. Run: npm install (or npm run build) in the checkout.\n",
  );
  process.exit(1);
}
await import(bundle.href);
