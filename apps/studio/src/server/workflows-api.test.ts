import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { rawCommand } from "../../../../test/harness/index.ts";

const servers = inject("servers");
const P = `wfapi${process.pid}:`;

describe("workflow API routes and WebSocket progress", () => {
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-wfapi-"));
  let profileId = "";
  let prodId = "";
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${studio.port}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${studio.token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the route answers
    return { status: res.status, json: (await res.json()) as any };
  };

  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0, collector: false });
    profileId = studio.app.profiles.create({ name: "wf-api", url: servers.redis.url }).id;
    prodId = studio.app.profiles.create({
      name: "wf-api-prod",
      url: servers.redis.url,
      environment: "prod",
    }).id;
    for (let i = 0; i < 25; i++) await rawCommand(servers.redis.port, ["SET", `${P}${i}`, "v"]);
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("plans, pages, answers 428 with what to type, runs with the challenge and pushes progress", async () => {
    const templates = await call("GET", "/api/workflows/templates");
    expect(templates.json.templates).toHaveLength(3);
    const created = await call("POST", "/api/workflows/plans", {
      template: "delete-by-pattern",
      profileId,
      params: { pattern: `${P}*` },
      pageSize: 10,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ matched: 25, complete: true, page: 1, pages: 3 });
    expect(created.json.items).toHaveLength(10);
    const planId = created.json.planId as string;
    const page3 = await call("GET", `/api/workflows/plans/${planId}?page=3&pageSize=10`);
    expect(page3.json.items).toHaveLength(5);
    const bad = await call("GET", `/api/workflows/plans/${planId}?pageSize=5000`);
    expect(bad.status).toBe(400);

    const challenged = await call("POST", `/api/workflows/plans/${planId}/apply`, {});
    expect(challenged.status).toBe(428);
    expect(challenged.json.error.details).toMatchObject({
      level: "typed-count",
      matched: 25,
      type: { count: "25" },
      challengeId: expect.any(String),
    });
    const wrong = await call("POST", `/api/workflows/plans/${planId}/apply`, {
      confirm: { challengeId: challenged.json.error.details.challengeId, count: 24 },
    });
    expect(wrong.status).toBe(428);
    expect(wrong.json.error.message).toMatch(/typed count does not match/);
    expect(await rawCommand(servers.redis.port, ["EXISTS", `${P}0`])).toBe(":1\r\n");

    const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/api/ws`, {
      headers: { authorization: `Bearer ${studio.token}` },
    });
    const messages: { type: string; event?: string; execution?: { executionId: string } }[] = [];
    ws.on("message", (m) => messages.push(JSON.parse(String(m))));
    await new Promise((r) => ws.once("open", r));
    const again = await call("POST", `/api/workflows/plans/${planId}/apply`, {});
    const started = await call("POST", `/api/workflows/plans/${planId}/apply`, {
      confirm: { challengeId: again.json.error.details.challengeId, count: "25" },
    });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ status: "running", planned: 25 });
    const id = started.json.executionId as string;
    for (let i = 0; i < 100 && !messages.some((m) => m.event === "execution-finished"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    ws.close();
    const workflow = messages.filter((m) => m.type === "workflow");
    expect(workflow.some((m) => m.event === "progress")).toBe(true);
    expect(workflow.find((m) => m.event === "execution-finished")!.execution!.executionId).toBe(id);
    const ex = await call("GET", `/api/workflows/executions/${id}`);
    expect(ex.json).toMatchObject({
      status: "succeeded",
      processed: 25,
      attempts: [{ outcome: "ok" }],
    });
    expect((await call("GET", "/api/workflows/executions")).json.executions[0].executionId).toBe(
      id,
    );
    expect(await rawCommand(servers.redis.port, ["EXISTS", `${P}0`])).toBe(":0\r\n");

    const rerun = await call("POST", `/api/workflows/executions/${id}/rerun`, {
      params: { pattern: `${P}1*` },
    });
    expect(rerun.status).toBe(201);
    expect(rerun.json).toMatchObject({
      matched: 0,
      rerunKind: "rerun-with-edits",
      paramsDiff: [{ param: "pattern", from: `${P}*`, to: `${P}1*` }],
    });
  });

  it("prod asks for the count and the name; saved templates over HTTP", async () => {
    await rawCommand(servers.redis.port, ["SET", `${P}prod`, "v"]);
    const plan = await call("POST", "/api/workflows/plans", {
      template: "delete-by-pattern",
      profileId: prodId,
      params: { pattern: `${P}prod` },
    });
    const c = await call("POST", `/api/workflows/plans/${plan.json.planId}/apply`, {});
    expect(c.status).toBe(428);
    expect(c.json.error.details).toMatchObject({
      level: "typed-count-and-name",
      type: { count: "1", name: "wf-api-prod" },
    });
    const ok = await call("POST", `/api/workflows/plans/${plan.json.planId}/apply`, {
      confirm: {
        challengeId: c.json.error.details.challengeId,
        count: 1,
        typedName: "wf-api-prod",
      },
      wait: true,
    });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe("succeeded");
    const saved = await call("POST", "/api/workflows/templates", {
      name: `${P}tpl`,
      builtin: "delete-by-pattern",
      params: { pattern: "tmp:*" },
    });
    expect(saved.status).toBe(201);
    const edited = await call("PUT", `/api/workflows/templates/${saved.json.id}`, {
      params: { limit: 10 },
    });
    expect(edited.json).toMatchObject({ version: 2, params: { pattern: "tmp:*", limit: 10 } });
    expect((await call("DELETE", `/api/workflows/templates/${saved.json.id}`)).json.removed).toBe(
      true,
    );
  });
});
