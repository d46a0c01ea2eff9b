import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../test/harness/index.ts";
import { studioApi } from "../../../../test/support/studio-api.ts";

const servers = inject("servers");
const P = `wfup${process.pid}:`;

/**
 * Over HTTP a warm-up file is its uploaded content: the API reads no path on the studio's
 * machine, and no error (answered or stored) quotes a file's text.
 */
describe("warm-up files over HTTP: contents uploaded, never a path", () => {
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-wfup-"));
  const { call } = studioApi(() => studio);
  let profileId = "";
  let keyText = "";

  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0, collector: false });
    profileId = studio.app.profiles.create({ name: "wf-up", url: servers.redis.url }).id;
    // The data folder's key, the file the issue read through the API.
    keyText = readFileSync(join(dataDir, "cachify.key"), "utf8").trim();
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const warmup = (params: Record<string, unknown>) =>
    call("POST", "/api/workflows/plans", { template: "warmup-set", profileId, params });
  /** Applies with the typed count the 428 asks for, waiting for the end. */
  const apply = async (planId: string) => {
    const [, asked] = await call("POST", `/api/workflows/plans/${planId}/apply`, {});
    const d = asked.error.details;
    return call("POST", `/api/workflows/plans/${planId}/apply`, {
      confirm: { challengeId: d.challengeId, count: d.type.count },
      wait: true,
    });
  };

  it("refuses a path with a 400 saying to upload the contents, and stores nothing", async () => {
    const before = (await call("GET", "/api/workflows/plans"))[1].plans.length;
    const [status, body] = await warmup({ file: join(dataDir, "cachify.key"), format: "jsonl" });
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad-input");
    expect(body.error.message).toMatch(/^Param file names a path .*upload the file's contents/);
    // The param refused, for the form to show the message on its entries field.
    expect(body.error.details).toEqual({ param: "file" });
    expect(JSON.stringify(body)).not.toContain(keyText.slice(0, 12));
    expect((await call("GET", "/api/workflows/plans"))[1].plans).toHaveLength(before);
    // Nor through a preset or a rerun edit.
    const [tpl] = await call("POST", "/api/workflows/templates", {
      name: `${P}file`,
      builtin: "warmup-set",
      params: { file: "/etc/hostname" },
    });
    expect(tpl).toBe(400);
    const cliPreset = studio.app.workflows.saveTemplate({
      name: `${P}cli-file`,
      builtin: "warmup-set",
      params: { file: "/etc/hostname" },
      origin: "cli",
    });
    const [viaPreset, refused] = await call("POST", "/api/workflows/plans", {
      template: cliPreset.name,
      profileId,
    });
    expect(viaPreset).toBe(400);
    expect(refused.error.message).toMatch(/^Param file names a path/);
    expect(refused.error.details.param).toBe("file");
  });

  it("reads uploaded contents, keeps only their size, and names a bad line without quoting it", async () => {
    const content = `${[1, 2, 3].map((i) => JSON.stringify({ key: `${P}${i}`, value: `v${i}` })).join("\n")}\n`;
    const [status, plan] = await warmup({ content, format: "jsonl" });
    expect(status).toBe(201);
    expect(plan).toMatchObject({ matched: 3, status: "ready" });
    expect(plan.params.content).toBe(`<uploaded file: ${Buffer.byteLength(content)} bytes>`);
    const [applied, ex] = await apply(plan.planId);
    expect(applied).toBe(200);
    expect(ex).toMatchObject({ status: "succeeded", applied: 3 });
    expect(await rawCommand(servers.redis.port, ["GET", `${P}2`])).toBe("$2\r\nv2\r\n");
    // A plan runs once: a second apply is a conflict.
    const [again, conflict] = await call("POST", `/api/workflows/plans/${plan.planId}/apply`, {});
    expect(again).toBe(409);
    expect(conflict.error.message).toMatch(/was applied by execution exec_\w+: a plan runs once/);
    // The upload is not kept: a rerun needs it again.
    const [rerun, gone] = await call(
      "POST",
      `/api/workflows/executions/${ex.executionId}/rerun`,
      {},
    );
    expect(rerun).toBe(400);
    expect(gone.error.message).toMatch(
      /^The entries were uploaded \(<uploaded file: \d+ bytes>\) and are not kept: upload the file again/,
    );
    expect(gone.error.details.param).toBe("content");
    const [rerunNew, fresh] = await call(
      "POST",
      `/api/workflows/executions/${ex.executionId}/rerun`,
      { params: { content: `${JSON.stringify({ key: `${P}9`, value: "x" })}\n` } },
    );
    expect(rerunNew).toBe(201);
    expect(fresh.matched).toBe(1);

    // The key file's text uploaded as entries: refused by line and column, its text nowhere.
    const [bad, error] = await warmup({ content: `${keyText}\n` });
    expect(bad).toBe(400);
    expect(error.error.message).toMatch(
      /^CSV line 1 must be a header .*; it names no key column\.$/,
    );
    expect(error.error.details.param).toBe("content");
    const [badJson, jsonError] = await warmup({ content: `${keyText}\n`, format: "jsonl" });
    expect(badJson).toBe(400);
    // The key is random: a leading digit parses as a number, then fails at column 2.
    expect(jsonError.error.message).toMatch(/^line 1 is not valid JSON at column [12] \(/);
    expect(jsonError.error.details.param).toBe("content");
    const stored = (await call("GET", "/api/workflows/plans"))[1].plans;
    expect(stored[0].error.message).toBe(jsonError.error.message);
    expect(JSON.stringify([error, jsonError, stored])).not.toContain(keyText.slice(0, 12));
  });
});
