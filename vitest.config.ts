import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Suites that start the studio or the CLI import "@cachify/studio": at run time that is the built
 * bundle (apps/studio/dist/studio.js, the same chunks `npm start` and the installed `cachify` run),
 * loaded by Node as it is, not transformed from the TypeScript sources. Types still come from the
 * sources. test/harness/global-setup.ts rebuilds when the bundle is older than its sources.
 */
const ROOT = fileURLToPath(new URL(".", import.meta.url));
const BUILT_STUDIO = join(ROOT, "apps/studio/dist/studio.js");

/** What makes a test file need the harness's servers (or the built studio). */
const NEEDS_SERVERS =
  /inject\(|test\/harness|harness\/index|startRedis|startMemcached|startCluster|@cachify\/studio|support\/(cli|studio-api|redis-gate|memcached-gate|notification-bus)|playwright/;

/** Test files beside the code and the architecture checks, split into unit (no server) and integration (the harness). */
function besideTheCode(): { unit: string[]; integration: string[] } {
  const unit: string[] = [];
  const integration: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === "dist") continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".test.ts")) {
        (NEEDS_SERVERS.test(readFileSync(p, "utf8")) ? integration : unit).push(relative(ROOT, p));
      }
    }
  };
  // The architecture checks read files only; those that need the built studio go with the servers.
  for (const d of ["packages", "apps", "test/arch"]) walk(join(ROOT, d));
  return { unit, integration };
}
const split = besideTheCode();

const servers = { globalSetup: ["test/harness/global-setup.ts"] };

export default defineConfig({
  resolve: { alias: [{ find: /^@cachify\/studio$/, replacement: BUILT_STUDIO }] },
  test: {
    server: { deps: { external: [/\/apps\/studio\/dist\//] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "json"],
    outputFile: { json: "test-artifacts/vitest.json" },
    // `npm run test:unit` runs the first; `npm test` all of them. The server projects share one
    // set of servers (global-setup.ts starts them once per run).
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [...split.unit, "test/unit/**/*.test.ts"],
          setupFiles: ["test/harness/no-servers.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: [
            ...split.integration,
            "test/{harness,integration,regression,security,smoke}/**/*.test.ts",
          ],
          ...servers,
        },
      },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], ...servers } },
      {
        extends: true,
        test: { name: "desktop", include: ["test/desktop/**/*.test.ts"], ...servers },
      },
      {
        extends: true,
        test: { name: "faults", include: ["test/faults/**/*.test.ts"], ...servers },
      },
      { extends: true, test: { name: "load", include: ["test/load/**/*.test.ts"], ...servers } },
    ],
  },
});
