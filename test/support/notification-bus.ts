import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const STUB = join(import.meta.dirname, "notify-stub.py");

/** One Notify call as the stub service recorded it. */
export interface NotifyCall {
  app: string;
  summary: string;
  body: string;
  urgency: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A private session D-Bus (dbus-run-session) with a stub service owning
 * org.freedesktop.Notifications, and dbus-monitor watching for Notify calls: desktop notifications
 * sent with DBUS_SESSION_BUS_ADDRESS = `address` go through the real notify-send to it. `dir` holds
 * its files (calls.jsonl, monitor.log, address).
 */
export async function notificationBus(dir: string) {
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
  const stop = () => {
    // The whole group we started: dbus-run-session, its bus, the stub and dbus-monitor.
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  const deadline = Date.now() + 15_000;
  while (!out.includes("READY")) {
    if (Date.now() > deadline || child.exitCode !== null) {
      stop();
      throw new Error(`the D-Bus notification stub did not start: ${out}`);
    }
    await sleep(50);
  }
  return {
    address: readFileSync(addr, "utf8").trim(),
    calls: (): NotifyCall[] =>
      existsSync(calls)
        ? readFileSync(calls, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as NotifyCall)
        : [],
    /** What dbus-monitor saw on the bus (the Notify method calls, arguments included). */
    monitorLog: () => (existsSync(monitor) ? readFileSync(monitor, "utf8") : ""),
    stop,
  };
}

export type NotificationBus = Awaited<ReturnType<typeof notificationBus>>;
