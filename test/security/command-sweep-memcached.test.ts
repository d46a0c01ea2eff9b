import { rmSync } from "node:fs";
import type { RunningStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MemcachedServer, memcachedCommand, startMemcached } from "../harness/index.ts";
import { studioApi } from "../support/studio-api.ts";
import { startSweepStudio } from "../support/sweep-studio.ts";

/**
 * Deny by default on Memcached: every command of its text and meta protocols, sent through the
 * console route on a read-only, a policy-locked and a prod profile, is refused, and the server is
 * unchanged afterwards.
 */

describe("memcached command sweep", () => {
  let mc: MemcachedServer;
  let studio: RunningStudio;
  let dataDir: string;
  const api = studioApi(() => studio);
  const ids: Record<string, string> = {};
  // The text and meta protocol's commands (memcached's protocol.txt), each with plausible arguments.
  const LINES = [
    "get {sweep}k",
    "gets {sweep}k",
    "gat 0 {sweep}k",
    "gats 0 {sweep}k",
    "set {sweep}k 0 0 1",
    "add {sweep}n 0 0 1",
    "replace {sweep}k 0 0 1",
    "append {sweep}k 0 0 1",
    "prepend {sweep}k 0 0 1",
    "cas {sweep}k 0 0 1 1",
    "incr {sweep}n 1",
    "decr {sweep}n 1",
    "touch {sweep}k 0",
    "delete {sweep}k",
    "flush_all",
    "mg {sweep}k v",
    "ms {sweep}k 1",
    "md {sweep}k",
    "ma {sweep}n",
    "mn",
    "me {sweep}k",
    "stats",
    "stats items",
    "stats slabs",
    "version",
    "verbosity 1",
    "lru_crawler metadump all",
    "slabs automove 1",
    "watch",
    "cache_memlimit 100",
    "shutdown",
    "quit",
  ];

  beforeAll(async () => {
    mc = await startMemcached();
    await memcachedCommand(mc.port, "set {sweep}k 0 0 5\r\nvalue", "STORED\r\n");
    ({ studio, dataDir } = await startSweepStudio("cachify-sweep-mc-", mc.url, ids));
  }, 60_000);

  afterAll(async () => {
    await studio?.close();
    await mc?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends none of memcached's commands raw: the console and exec refuse them, the server is unchanged", async () => {
    const state = async () => {
      const stats = await memcachedCommand(mc.port, "stats", "END\r\n");
      const items = /STAT curr_items (\d+)/.exec(stats)?.[1];
      const value = await memcachedCommand(mc.port, "get {sweep}k", "END\r\n");
      return `${items} ${value}`;
    };
    const before = await state();
    const allowed: string[] = [];
    for (const name of ["readonly", "locked", "prod"]) {
      for (const line of LINES) {
        const [status] = await api.call("POST", `/api/profiles/${ids[name]}/command`, { line });
        if (status < 400) allowed.push(`${name}: ${line} (API ${status})`);
      }
    }
    console.log(
      `memcached: commands swept: ${LINES.length}, reads allowed: 0, bypasses: ${allowed.length}`,
    );
    expect(allowed).toEqual([]);
    expect(await state()).toBe(before);
  });
});
