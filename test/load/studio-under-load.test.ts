import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type RedisServer, rawCommand, startRedis } from "../harness/index.ts";

/**
 * The studio under load while a delete-by-pattern execution runs: 10 HTTP clients and 10
 * WebSocket subscribers for a bounded time, on a plan of 1M keys (the execution is rate-limited so
 * it outlasts the window, then cancelled).
 */
const KEYS = 1_000_000;
const CLIENTS = 20;
const LOAD_MS = 8_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fields this test reads from the API's answers. */
interface Reply {
  id?: string;
  planId?: string;
  matched?: number;
  executionId?: string;
  status?: string;
  processed?: number;
  error?: { details: { challengeId: string } };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe("the studio under 20 concurrent clients while an execution runs", () => {
  let server: RedisServer;
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-load-"));

  beforeAll(async () => {
    server = await startRedis();
    // A million keys take the server a few seconds when the other suites keep both cores busy.
    const populated = await rawCommand(
      server.port,
      ["DEBUG", "POPULATE", String(KEYS), "load"],
      60_000,
    );
    expect(populated).toBe("+OK\r\n");
    // Snapshots on (the default): each batch's pre-images are read and committed while the
    // clients below are served.
    studio = await startStudio({ dataDir, port: 0 });
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("no 5xx, no dropped socket, progress to every subscriber, dashboard p95 < 200 ms", async () => {
    const base = `http://127.0.0.1:${studio.port}`;
    const headers = { authorization: `Bearer ${studio.token}`, "content-type": "application/json" };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: (await res.json()) as Reply };
    };

    const created = await call("POST", "/api/profiles", { name: "load", url: server.url });
    expect(created.status).toBe(201);
    const profileId = created.json.id as string;

    // Dry-run, then the 428 challenge flow.
    const plan = await call("POST", "/api/workflows/plans", {
      template: "delete-by-pattern",
      profileId,
      params: { pattern: "load:*" },
      // Slow enough to outlast the load window (15k keys/s: about 120k keys in it).
      policy: { batchSize: 500, maxOpsPerSecond: 15_000 },
      pageSize: 10,
    });
    expect(plan.status, JSON.stringify(plan.json)).toBe(201);
    expect(plan.json.matched).toBe(KEYS);
    const planId = plan.json.planId as string;
    const challenge = await call("POST", `/api/workflows/plans/${planId}/apply`, {});
    expect(challenge.status).toBe(428);

    // WebSocket subscribers first, so each sees the execution from its start.
    const sockets = await Promise.all(
      Array.from({ length: CLIENTS / 2 }, async (_, i) => {
        const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/api/ws`, { headers });
        const s = {
          i,
          ws,
          messages: 0,
          workflow: 0,
          progress: 0,
          finished: false,
          droppedEarly: false,
          errors: [] as string[],
          closing: false,
        };
        ws.on("message", (m) => {
          s.messages++;
          const msg = JSON.parse(String(m)) as { type: string; event?: string };
          if (msg.type === "workflow") {
            s.workflow++;
            if (msg.event === "progress") s.progress++;
            if (msg.event === "execution-finished") s.finished = true;
          }
        });
        ws.on("error", (e) => s.errors.push(String(e)));
        ws.on("close", () => {
          if (!s.closing) s.droppedEarly = true;
        });
        await new Promise<void>((res, rej) => {
          ws.once("open", () => res());
          ws.once("error", rej);
        });
        return s;
      }),
    );

    const started = await call("POST", `/api/workflows/plans/${planId}/apply`, {
      confirm: { challengeId: challenge.json.error!.details.challengeId, count: KEYS },
    });
    expect(started.status).toBe(202);
    const executionId = started.json.executionId as string;

    // HTTP clients: each loops over the four read routes until the window closes.
    const routes = [
      "/api/profiles",
      `/api/profiles/${profileId}/keys?match=load:*&count=100`,
      "/api/history?limit=100",
      "/api/observability/dashboard?range=15m",
    ];
    const latencies = new Map<string, number[]>(routes.map((r) => [r, []]));
    const failures: string[] = [];
    const deadline = Date.now() + LOAD_MS;
    const httpClients = Array.from({ length: CLIENTS / 2 }, async (_, c) => {
      for (let n = c; Date.now() < deadline; n++) {
        const route = routes[n % routes.length]!;
        const t = performance.now();
        try {
          const res = await fetch(base + route, { headers });
          await res.arrayBuffer();
          if (res.status !== 200) failures.push(`${route}: ${res.status}`);
        } catch (e) {
          failures.push(`${route}: ${(e as Error).message}`);
        }
        latencies.get(route)!.push(performance.now() - t);
      }
    });
    await Promise.all(httpClients);
    const execAtEnd = (await call("GET", `/api/workflows/executions/${executionId}`)).json;
    expect(execAtEnd.status, "the execution must still run during the whole window").toBe(
      "running",
    );

    // Bounded: stop the execution, wait for it and for the subscribers to hear it ended.
    await call("POST", `/api/workflows/executions/${executionId}/cancel`);
    const done = await studio.app.workflows.finished(executionId);
    expect(["cancelled", "succeeded"]).toContain(done.status);
    for (let i = 0; i < 100 && !sockets.every((s) => s.finished); i++) await sleep(50);
    for (const s of sockets) {
      s.closing = true;
      s.ws.close();
    }

    // Exact counts after a cancel: what was dispatched is what left the server.
    const left = Number((await server.command("DBSIZE")).slice(1));
    expect(done.processed + done.failed).toBe(KEYS - left);
    expect(done.failed).toBe(0);
    // Every processed key has its pre-image (the list stops at 100k).
    const snaps = studio.app.store.snapshots.list({ executionId, limit: 100_000 }).length;
    expect(snaps).toBe(Math.min(done.processed, 100_000));

    expect(failures).toEqual([]);
    for (const s of sockets) {
      expect(s.errors, `ws ${s.i}`).toEqual([]);
      expect(s.droppedEarly, `ws ${s.i} dropped`).toBe(false);
      expect(s.progress, `ws ${s.i} progress messages`).toBeGreaterThan(3);
      expect(s.finished, `ws ${s.i} execution-finished`).toBe(true);
    }

    const figures = routes.map((r) => {
      const l = [...latencies.get(r)!].sort((a, b) => a - b);
      return {
        route: r.split("?")[0],
        n: l.length,
        p50: percentile(l, 50),
        p95: percentile(l, 95),
      };
    });
    const requests = figures.reduce((a, f) => a + f.n, 0);
    console.log(
      `studio under load (${KEYS} keys, ${CLIENTS / 2} HTTP + ${CLIENTS / 2} WS for ${LOAD_MS} ms, execution at ${execAtEnd.processed}/${KEYS} when the window closed): ${requests} requests, 0 errors; ` +
        figures
          .map((f) => `${f.route} n=${f.n} p50 ${f.p50.toFixed(1)} ms p95 ${f.p95.toFixed(1)} ms`)
          .join("; ") +
        `; WS messages per client ${Math.min(...sockets.map((s) => s.messages))}–${Math.max(...sockets.map((s) => s.messages))} (progress ${Math.min(...sockets.map((s) => s.progress))}+)`,
    );
    const dashboard = figures.find((f) => f.route === "/api/observability/dashboard")!;
    expect(dashboard.n).toBeGreaterThan(20);
    expect(dashboard.p95).toBeLessThan(200);
  }, 180_000);
});
