import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { studioApi } from "../../../../../test/support/studio-api.ts";

/** The console route's text answer, as redis-cli prints it, against the real server. */
describe("console text", () => {
  const { redis } = inject("servers");
  let studio: RunningStudio;
  let dataDir: string;
  let id = "";
  const api = studioApi(() => studio);
  const run = async (line: string) => {
    const [status, body] = await api.confirmed("POST", `/api/profiles/${id}/command`, { line });
    expect(status, JSON.stringify(body)).toBe(200);
    return body.text as string;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cachify-console-"));
    studio = await startStudio({ dataDir, collector: false });
    id = studio.app.profiles.create({ name: "console dev", url: redis.url, environment: "dev" }).id;
  });

  afterAll(async () => {
    await studio?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints reports (INFO, CLIENT LIST) as lines, like redis-cli", async () => {
    const info = await run("INFO server");
    expect(info.split("\n")[0]).toBe("# Server");
    expect(info).toMatch(/\nredis_version:\d/);
    expect(info).not.toContain("\r");
    expect(info.startsWith('"')).toBe(false);
    const clients = await run("CLIENT LIST");
    expect(clients).toMatch(/^id=\d+ addr=/);
  });

  it("keeps a value with newlines quoted and escaped, as redis-cli does for GET", async () => {
    await run('SET console:multi "a\\r\\nb"');
    expect(await run("GET console:multi")).toBe('"a\\r\\nb"');
  });
});
