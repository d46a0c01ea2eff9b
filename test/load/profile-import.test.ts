import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp } from "@cachify/studio";
import { afterAll, describe, expect, it } from "vitest";
import { spawnCli } from "../support/cli.ts";
import { connectionList } from "../support/connection-list.ts";

/**
 * A connections file of 150,000 entries (~4.5 MB, the size of the one that froze the studio for
 * 80 s at 1.6 GB): half named, half called by an address they share, so the unique-name step
 * numbers 75,000 repeats of one name. Imported through the built app and the built CLI.
 */
const ENTRIES = 150_000;

describe("profile imports at scale", () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), "cachify-import-scale-"));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  // Linear, not a stopwatch: the 2 s target is benchmark B11 (npm run bench -- --only B11); here
  // a tenth of the file must take about a tenth of the time (a quadratic step would take 1/100).
  it("imports 150,000 entries in time linear in their number (built app)", async () => {
    const bestOf3 = async (n: number) => {
      const text = connectionList(n);
      const runs: number[] = [];
      for (let run = 0; run < 3; run++) {
        const app = openApp({ dataDir: dir() });
        try {
          const started = performance.now();
          const r = app.profiles.importConnections(text);
          runs.push(performance.now() - started);
          expect(r.profiles).toHaveLength(n);
          if (n === ENTRIES) {
            expect(r.profiles[ENTRIES - 1]!.name).toBe("10.0.0.1:6379 (75000)");
            expect(app.store.profiles.takenNames(["svc-0", "10.0.0.1:6379 (75000)"])).toHaveLength(
              2,
            );
          }
        } finally {
          await app.close();
        }
      }
      return Math.min(...runs);
    };
    const tenth = await bestOf3(ENTRIES / 10);
    const all = await bestOf3(ENTRIES);
    console.log(
      `profile import: ${ENTRIES / 10} entries in ${tenth.toFixed(0)} ms, ${ENTRIES} in ${all.toFixed(0)} ms (ratio ${(all / tenth).toFixed(1)})`,
    );
    expect(all / tenth).toBeLessThan(25);
  });

  it("imports them through the CLI with a 160 MB heap, and refuses 200,001 whole", async () => {
    const home = dir();
    const file = join(home, "connections.txt");
    writeFileSync(file, connectionList(ENTRIES));
    const env = { CACHIFY_HOME: home, NODE_OPTIONS: "--max-old-space-size=160" };
    const ok = await spawnCli(["profile", "import", file], env, 60_000);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Imported 150000 profile\(s\): svc-0, .* and 149980 more\.\n$/);
    console.log(
      `cachify profile import (150,000 entries, whole process): ${ok.elapsedMs.toFixed(0)} ms`,
    );

    const over = join(home, "too-many.txt");
    writeFileSync(over, "redis://10.9.9.9:6379\n".repeat(200_001));
    const refused = await spawnCli(["profile", "import", over, "--json"], { CACHIFY_HOME: dir() });
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stderr).error).toEqual({
      code: "bad-input",
      message:
        "The file lists 200,001 connections; one import takes at most 200,000: split it into several files. Nothing was imported.",
    });
  });
});
