import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../../test/harness/index.ts";
import { type RunningStudio, startStudio } from "../../server/start-studio.ts";
import { CommandDesktopNotifier } from "./notifier.ts";
import { api, eventually, liveSocket, sleep } from "./test-support.ts";

const PASSWORD = "pw-Quokka-5820";
const VALUE = "value-Marigold-1177";
const STUB = join(import.meta.dirname, "testing", "notify-stub.py");

interface NotifyCall {
  app: string;
  summary: string;
  body: string;
  urgency: number;
}

/**
 * A private session D-Bus (dbus-run-session) with a stub service owning
 * org.freedesktop.Notifications, and dbus-monitor watching for Notify calls: the studio's desktop
 * notifications go through the real notify-send to it.
 */
async function notificationBus(dir: string) {
  const calls = join(dir, "calls.jsonl");
  const monitor = join(dir, "monitor.log");
  const addr = join(dir, "address");
  const script =
    `echo "$DBUS_SESSION_BUS_ADDRESS" > '${addr}'; ` +
    `dbus-monitor --session "type=method_call,interface=org.freedesktop.Notifications,member=Notify" > '${monitor}' 2>&1 & ` +
    `exec /usr/bin/python3 '${STUB}' '${calls}'`;
  const child: ChildProcess = spawn("dbus-run-session", ["--", "sh", "-c", script], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  await eventually(
    () => (out.includes("READY") ? true : undefined),
    `the D-Bus stub (${out})`,
    15_000,
  );
  return {
    address: readFileSync(addr, "utf8").trim(),
    calls: (): NotifyCall[] =>
      existsSync(calls)
        ? readFileSync(calls, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as NotifyCall)
        : [],
    monitorLog: () => (existsSync(monitor) ? readFileSync(monitor, "utf8") : ""),
    stop() {
      // The whole group we started: dbus-run-session, its bus, the stub and dbus-monitor.
      if (child.pid) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    },
  };
}

describe("desktop notifications: a Notify call on a test D-Bus session", () => {
  const dir = mkdtempSync(join(tmpdir(), "cachify-dbus-"));
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-desk-"));
  let bus: Awaited<ReturnType<typeof notificationBus>>;
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
      { origin: "test", confirmation: { acknowledged: true, typedName: "desk" } },
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
    ).toEqual({ inApp: true, desktop: false });
    own = await startRedis({ port, args: ["--requirepass", PASSWORD] });
    await live.next((m) => m.type === "alert" && m.notification?.kind === "resolved", 10_000);
    await sleep(500);
    expect(bus.calls()).toHaveLength(1);
    live.close();
  });
});
