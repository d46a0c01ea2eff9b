import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { studioApi } from "../support/studio-api.ts";

/**
 * A server error that echoes its arguments ("unknown command 'x', with args beginning with: ...",
 * "Invalid argument '...' for CONFIG SET") must not carry a value into the console's answer,
 * history, the timeline or any stored byte (the SQLite file and its WAL included).
 */
const PLANTED = "planted-echo-value-7f3a";

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

describe("server errors that echo arguments", () => {
  const { redis } = inject("servers");
  let studio: RunningStudio;
  let dataDir: string;
  let id = "";
  const api = studioApi(() => studio);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cachify-echo-"));
    studio = await startStudio({ dataDir, collector: false });
    id = studio.app.profiles.create({ name: "dev echo", url: redis.url, environment: "dev" }).id;
  });

  afterAll(async () => {
    await studio?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("are shown and stored with the echoed arguments hidden", async () => {
    const [status, body] = await api.confirmed("POST", `/api/profiles/${id}/command`, {
      line: `SETT echo:key ${PLANTED}`,
    });
    expect(status).toBeGreaterThanOrEqual(400);
    const shown = JSON.stringify(body);
    expect(shown).toContain("unknown command");
    expect(shown).not.toContain(PLANTED);

    const [, history] = await api.call("GET", "/api/history?limit=50");
    expect(JSON.stringify(history)).toContain("SETT");
    expect(JSON.stringify(history)).not.toContain(PLANTED);
    const [, timeline] = await api.call("GET", "/api/timeline?since=1h");
    expect(JSON.stringify(timeline)).not.toContain(PLANTED);

    await studio.close();
    studio = await startStudio({ dataDir, collector: false });
    for (const f of filesUnder(dataDir)) {
      expect(readFileSync(f).includes(Buffer.from(PLANTED)), f).toBe(false);
    }
  });
});
