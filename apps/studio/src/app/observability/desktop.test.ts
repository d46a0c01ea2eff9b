import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_OBSERVABILITY_SETTINGS,
  type ObservabilitySettings,
  type WorkflowExecutionRecord,
} from "@cachify/core";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../../test/harness/index.ts";
import {
  type NotificationBus,
  notificationBus,
} from "../../../../../test/support/notification-bus.ts";
import { CommandDesktopNotifier, LONG_WORKFLOW_MS, WorkflowNotifier } from "./notifier.ts";
import { api, eventually, liveSocket, RecordingDesktop, sleep } from "./test-support.ts";

const PASSWORD = "pw-Quokka-5820";
const VALUE = "value-Marigold-1177";

describe("desktop notifications: a Notify call on a test D-Bus session", () => {
  const dir = mkdtempSync(join(tmpdir(), "cachify-dbus-"));
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-desk-"));
  let bus: NotificationBus;
  let own: RedisServer;
  let studio: RunningStudio;

  beforeAll(async () => {
    bus = await notificationBus(dir);
    own = await startRedis({ args: ["--requirepass", PASSWORD] });
    const desktop = new CommandDesktopNotifier({
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: bus.address,
    });
    studio = await startStudio({ dataDir, port: 0, collector: { desktop } });
    studio.app.observability.updateSettings({ pollIntervalMs: 250 });
    const p = studio.app.profiles.create({
      name: "desk",
      url: `redis://:${PASSWORD}@127.0.0.1:${own.port}`,
      environment: "staging",
    });
    await studio.app.gate.run(
      p,
      {
        kind: "set",
        key: new TextEncoder().encode("desk:secret"),
        value: new TextEncoder().encode(VALUE),
      },
      { origin: "cli", confirmation: { acknowledged: true, typedName: "desk" } },
    );
  }, 60_000);
  afterAll(async () => {
    await studio?.close();
    await own?.stop();
    bus?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends Notify with the rule, profile, metric and number, never a value or a password; the setting turns it off", async () => {
    const live = await liveSocket(studio);
    await api(studio, "POST", "/api/alerts", {
      name: "desk down",
      metric: "up",
      op: "<",
      threshold: 1,
      windowMs: 1000,
      forMs: 500,
      severity: "error",
    });
    await live.next((m) => m.type === "health" && m.card.health === "ok");
    const port = own.port;
    await own.stop();
    const call = await eventually(() => bus.calls()[0], "a Notify call", 10_000);
    expect(call).toEqual({
      app: "Cachify Studio",
      summary: "Firing: desk down",
      body: "desk (staging): up = 0 (rule: &lt; 1)",
      urgency: 2,
    });
    const log = bus.monitorLog();
    expect(log).toMatch(/member=Notify/);
    expect(log).toContain('string "Firing: desk down"');
    for (const text of [JSON.stringify(bus.calls()), log]) {
      expect(text).not.toContain(VALUE);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain("desk:secret");
    }
    // Desktop notifications off: the resolve is in-app only.
    expect(
      (
        await api(studio, "PUT", "/api/observability/settings", {
          notifications: { desktop: false },
        })
      ).json.notifications,
    ).toEqual({ inApp: true, desktop: false, workflows: true });
    own = await startRedis({ port, args: ["--requirepass", PASSWORD] });
    await live.next((m) => m.type === "alert" && m.notification?.kind === "resolved", 10_000);
    await sleep(500);
    expect(bus.calls()).toHaveLength(1);
    live.close();
  });
});

describe("workflow notices: when they are sent and what they say", () => {
  const record = (over: Partial<WorkflowExecutionRecord> = {}) =>
    ({
      executionId: "exec_1",
      planId: "plan_1",
      template: { builtin: "warmup-set", version: 1, name: "warmup-set" },
      params: { entries: [{ key: "k", value: VALUE }] },
      profileId: "p1",
      profileName: `orders-${PASSWORD}`,
      environment: "prod",
      status: "succeeded",
      planned: 1500,
      processed: 1500,
      applied: 1498,
      skipped: 2,
      failed: 0,
      startedAt: 1_000,
      endedAt: 1_000 + 95_000,
      error: { code: "engine", message: `ERR ${VALUE}` },
      ...over,
    }) as WorkflowExecutionRecord;

  it("a long run notifies with a window open, a short one only without; the text holds no param, error or password", async () => {
    const desktop = new RecordingDesktop();
    let windows = 1;
    let settings: ObservabilitySettings = DEFAULT_OBSERVABILITY_SETTINGS;
    const n = new WorkflowNotifier({
      desktop,
      settings: () => settings,
      windows: () => windows,
      secretOf: () => PASSWORD,
    });
    expect(await n.executionFinished(record())).toEqual({
      title: "Workflow finished: Warm-up set",
      body: "orders-*** (prod): 1,500 of 1,500 keys processed, 1,498 changed, 2 skipped, 0 failed in 95 s.",
    });
    const short = record({ endedAt: 1_000 + LONG_WORKFLOW_MS - 1 });
    expect(await n.executionFinished(short)).toBeUndefined();
    windows = 0;
    expect((await n.executionFinished({ ...short, status: "cancelled" }))?.title).toBe(
      "Workflow cancelled: Warm-up set",
    );
    const saved = record({
      status: "rolled-back",
      template: {
        builtin: "delete-by-pattern",
        version: 1,
        name: "nightly purge",
        savedTemplateId: "t1",
      },
      rollbackResult: { restored: 10, skipped: 1, failed: 0 },
    });
    expect(await n.executionFinished(saved)).toMatchObject({
      title: "Workflow aborted and rolled back: nightly purge",
      body: expect.stringContaining("Rollback: 10 restored, 1 skipped, 0 failed."),
    });
    expect(await n.executionFinished(record({ status: "running" }))).toBeUndefined();
    settings = { ...settings, notifications: { ...settings.notifications, workflows: false } };
    expect(await n.executionFinished(record())).toBeUndefined();
    expect(desktop.sent.map((s) => s.urgency)).toEqual(["normal", "low", "critical"]);
    const all = JSON.stringify(desktop.sent);
    expect(all).not.toContain(VALUE);
    expect(all).not.toContain(PASSWORD);
  });
});
