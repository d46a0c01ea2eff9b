import WebSocket from "ws";
import type { RunningStudio } from "../../server/start-studio.ts";
import type { DesktopNotifier } from "./notifier.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the studio pushes
export type Pushed = { type: string; at: number; [k: string]: any };

/** Collects every message the studio pushes on /api/ws, with the time it arrived. */
export async function liveSocket(studio: RunningStudio) {
  const messages: Pushed[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/api/ws`, {
    headers: { authorization: `Bearer ${studio.token}` },
  });
  ws.on("message", (d) => messages.push({ ...JSON.parse(String(d)), at: Date.now() }));
  await new Promise((r, j) => {
    ws.once("open", r);
    ws.once("error", j);
  });
  return {
    messages,
    /** The first message (from index `from`) that matches, waiting up to `timeoutMs`. */
    async next(pred: (m: Pushed) => boolean, timeoutMs = 10_000, from = 0): Promise<Pushed> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.slice(from).find(pred);
        if (found) return found;
        if (Date.now() > deadline) {
          const types = messages
            .slice(-20)
            .map((m) => `${m.type}:${m.card?.health ?? m.state?.state ?? ""}`);
          throw new Error(`no matching message within ${timeoutMs} ms (last: ${types.join(", ")})`);
        }
        await sleep(20);
      }
    },
    close: () => ws.close(),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `probe` returns a value (not undefined), polling. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A desktop notifier that records what it was asked to show. */
export class RecordingDesktop implements DesktopNotifier {
  readonly sent: { title: string; body: string; urgency: string }[] = [];
  async send(n: { title: string; body: string; urgency: "low" | "normal" | "critical" }) {
    this.sent.push(n);
  }
}

export async function api(
  studio: RunningStudio,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the route answers
): Promise<{ status: number; json: any; ms: number }> {
  const t = performance.now();
  const res = await fetch(`http://127.0.0.1:${studio.port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${studio.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  return { status: res.status, json, ms: performance.now() - t };
}
