import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** The unit project starts no server: test/harness/no-servers.ts refuses the binaries. */
describe("unit project", () => {
  it("refuses to start a server process", () => {
    expect(() => spawnSync("redis-server", ["--version"])).toThrow(/unit tests start no server/);
    expect(() => spawnSync("memcached", ["-h"])).toThrow(/unit tests start no server/);
    // Anything else still runs (the guard is not a blanket ban on processes).
    expect(spawnSync("true").status).toBe(0);
  });
});
