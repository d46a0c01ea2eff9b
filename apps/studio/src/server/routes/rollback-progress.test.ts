import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../../test/harness/index.ts";
import { studioApi } from "../../../../../test/support/studio-api.ts";
import { liveSocket } from "../../app/observability/test-support.ts";

const KEYS = 20_000;

describe("a long restore pushes its progress to every open window", () => {
  let server: RedisServer;
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-rb-progress-"));
  const { confirmed } = studioApi(() => studio);

  beforeAll(async () => {
    server = await startRedis();
    studio = await startStudio({ dataDir, port: 0, collector: false });
  });
  afterAll(async () => {
    await studio?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends rollback progress for the execution, ending at its total", async () => {
    expect(await server.command("DEBUG", "POPULATE", String(KEYS), "rbp")).toBe("+OK\r\n");
    const app = studio.app;
    const profile = app.profiles.create({ name: "progress", url: server.url });
    const plan = await app.workflows.plan({
      template: "delete-by-pattern",
      profile,
      params: { pattern: "rbp:*" },
      origin: "cli",
      wait: "complete",
    });
    const started = await app.workflows.apply(plan.planId, { count: KEYS }, "cli");
    await app.workflows.finished(started.executionId);

    const live = await liveSocket(studio);
    try {
      const [status, body] = await confirmed("POST", "/api/rollback/restore", {
        executionId: started.executionId,
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({ restored: KEYS, skipped: 0, failed: 0 });
      const progress = live.messages.filter(
        (m) => m.type === "rollback" && m.executionId === started.executionId,
      );
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.at(-1)).toMatchObject({ event: "progress", restored: KEYS, total: KEYS });
    } finally {
      live.close();
    }
  }, 60_000);
});
