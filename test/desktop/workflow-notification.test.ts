import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RedisServer, startRedis } from "../harness/index.ts";
import { type NotificationBus, notificationBus } from "../support/notification-bus.ts";
import { launchStudio, requireCliBuild, type StudioProcess, sleep, until } from "./support.ts";

const PASSWORD = "pw-Wombat-4471";
const VALUE = "value-Heliotrope-9023";
const KEY = "wfdesk:secret-key";

/**
 * A workflow that ends while no studio window is open produces a desktop notification: the built
 * `cachify studio` (its own process) on a private D-Bus session whose notification service is a
 * stub recording each Notify call, with dbus-monitor watching the bus too. The text names the
 * workflow, the profile, the outcome and the counts; never a value (a warm-up carries values in
 * its params), a key or the profile's password.
 */
describe("desktop notification when a workflow ends with no window open", () => {
  const root = mkdtempSync(join(tmpdir(), "cachify-wfnote-"));
  let bus: NotificationBus;
  let redis: RedisServer;
  let studio: StudioProcess;
  let port = 0;
  let token = "";
  let profileId = "";

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the route answers
    return { status: res.status, json: (await res.json()) as any };
  };

  /** A dry-run of a warm-up writing `n` keys holding VALUE; returns the plan id. */
  const plan = async (n: number) => {
    const entries = Array.from({ length: n }, (_, i) => ({
      key: i === 0 ? KEY : `wfdesk:${i}`,
      value: VALUE,
    }));
    const r = await call("POST", "/api/workflows/plans", {
      template: "warmup-set",
      profileId,
      params: { entries },
    });
    expect(r.status).toBe(201);
    expect(r.json.matched).toBe(n);
    return r.json.planId as string;
  };

  /** Applies with the typed count, then waits for the execution to end. */
  const apply = async (planId: string, count: number) => {
    const challenge = await call("POST", `/api/workflows/plans/${planId}/apply`, {});
    expect(challenge.status).toBe(428);
    const started = await call("POST", `/api/workflows/plans/${planId}/apply`, {
      confirm: { challengeId: challenge.json.error.details.challengeId, count: String(count) },
    });
    expect(started.status).toBe(202);
    const id = started.json.executionId as string;
    return until(
      async () => {
        const ex = (await call("GET", `/api/workflows/executions/${id}`)).json;
        return ex.status === "running" ? undefined : ex;
      },
      "the execution to end",
      20_000,
    );
  };

  const noValueIn = () => {
    for (const text of [JSON.stringify(bus.calls()), bus.monitorLog()]) {
      expect(text).not.toContain(VALUE);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(KEY);
    }
  };

  beforeAll(async () => {
    requireCliBuild();
    bus = await notificationBus(root);
    redis = await startRedis({ args: ["--requirepass", PASSWORD] });
    studio = launchStudio(["--data-dir", join(root, "data"), "--no-open"], {
      ...process.env,
      HOME: root,
      DBUS_SESSION_BUS_ADDRESS: bus.address,
    });
    ({ port, token } = await studio.ready());
    const created = await call("POST", "/api/profiles", {
      name: "wfdesk",
      url: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`,
      environment: "staging",
    });
    expect(created.status).toBe(201);
    profileId = created.json.id;
  }, 60_000);
  afterAll(async () => {
    await studio?.stop();
    await redis?.stop();
    bus?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("notifies a finished run with name, profile, outcome and counts; nothing while a window is open or the setting is off", async () => {
    const done = await apply(await plan(3), 3);
    expect(done.status).toBe("succeeded");
    const call1 = await until(() => bus.calls()[0], "a Notify call", 10_000);
    expect(call1.app).toBe("Cachify Studio");
    expect(call1.summary).toBe("Workflow finished: Warm-up set");
    expect(call1.body).toMatch(
      /^wfdesk \(staging\): 3 of 3 keys processed, 3 changed, 0 skipped, 0 failed in \d+ (ms|s)\.$/,
    );
    expect(call1.urgency).toBe(1);
    expect(bus.monitorLog()).toContain('string "Workflow finished: Warm-up set"');
    noValueIn();

    // A window is open (a live WebSocket): it shows the result itself; no desktop notice.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((r, j) => {
      ws.once("open", r);
      ws.once("error", j);
    });
    expect((await apply(await plan(2), 2)).status).toBe("succeeded");
    await sleep(1000);
    expect(bus.calls()).toHaveLength(1);
    ws.close();
    await sleep(300);

    // The setting off: no notice either.
    const bad = await call("PUT", "/api/observability/settings", {
      notifications: { workflows: "no" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("notifications.workflows");
    const off = await call("PUT", "/api/observability/settings", {
      notifications: { workflows: false },
    });
    expect(off.json.notifications).toEqual({ inApp: true, desktop: true, workflows: false });
    expect((await call("GET", "/api/observability/settings")).json.notifications.workflows).toBe(
      false,
    );
    expect((await apply(await plan(2), 2)).status).toBe("succeeded");
    await sleep(1000);
    expect(bus.calls()).toHaveLength(1);
    noValueIn();
  });

  it("notifies a failed run (its server gone) as urgent, with the counts", async () => {
    await call("PUT", "/api/observability/settings", { notifications: { workflows: true } });
    const planId = await plan(4);
    const before = bus.calls().length;
    await redis.stop();
    const done = await apply(planId, 4);
    expect(done.status).not.toBe("succeeded");
    const note = await until(() => bus.calls()[before], "a Notify call for the failure", 10_000);
    expect(note.summary).toMatch(
      /^Workflow (failed|aborted|aborted and rolled back): Warm-up set$/,
    );
    expect(note.body).toMatch(/^wfdesk \(staging\): \d+ of 4 keys processed, 0 changed, /);
    expect(note.urgency).toBe(2);
    noValueIn();
  });
});
