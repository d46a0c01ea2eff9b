import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Suites that start the studio or the CLI import "@cachify/studio": at run time that is the built
 * bundle (apps/studio/dist/studio.js, the same chunks `npm start` and the installed `cachify` run),
 * loaded by Node as it is, not transformed from the TypeScript sources. Types still come from the
 * sources. test/harness/global-setup.ts rebuilds when the bundle is older than its sources.
 */
const BUILT_STUDIO = fileURLToPath(new URL("./apps/studio/dist/studio.js", import.meta.url));

export default defineConfig({
  resolve: { alias: [{ find: /^@cachify\/studio$/, replacement: BUILT_STUDIO }] },
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/harness/global-setup.ts"],
    server: { deps: { external: [/\/apps\/studio\/dist\//] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "json"],
    outputFile: { json: "test-artifacts/vitest.json" },
  },
});
