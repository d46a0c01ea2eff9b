import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, runCli, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/io.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("feature switches: GET/PUT /api/settings/features and cachify settings", () => {
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-features-"));

  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the route answers
  async function call(method: string, body?: unknown): Promise<[number, any]> {
    const res = await fetch(`http://127.0.0.1:${studio.port}/api/settings/features`, {
      method,
      headers: {
        authorization: `Bearer ${studio.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return [res.status, await res.json()];
  }
  async function cli(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      out: (t) => {
        stdout += t;
      },
      err: (t) => {
        stderr += t;
      },
      readFile: () => "",
      writeFile() {},
      env: { ...process.env, CACHIFY_HOME: dataDir },
    };
    const code = await runCli(argv, io);
    return { code, stdout, stderr };
  }

  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0 });
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers every switch on by default, what turning each off means, and the data folder", async () => {
    const [s, v] = await call("GET");
    expect(s).toBe(200);
    const on = { snapshots: true, metrics: true, alerts: true, retries: true };
    expect(v).toMatchObject({ features: on, saved: on, overrides: {}, dataDir });
    for (const name of Object.keys(on)) expect(v.info[name].off).toMatch(/\w/);
    expect(studio.app.observability.running).toBe(true);
  });

  it("refuses an unknown switch, a value that is not true/false, and a body that is not an object", async () => {
    const [s1, e1] = await call("PUT", { snapshots: false, bogus: true });
    expect(s1).toBe(400);
    expect(e1.error).toMatchObject({ code: "bad-input", details: { field: "bogus" } });
    expect(e1.error.message).toBe(
      'Unknown feature switch "bogus": use one of snapshots, metrics, alerts, retries.',
    );
    const [s2, e2] = await call("PUT", { retries: "off" });
    expect(s2).toBe(400);
    expect(e2.error).toMatchObject({ code: "bad-input", details: { field: "retries" } });
    expect(e2.error.message).toBe('retries must be true or false (got "off").');
    const [s3, e3] = await call("PUT", [false]);
    expect(s3).toBe(400);
    expect(e3.error.message).toMatch(/must be an object such as \{"snapshots": false\}/);
    // Nothing of a refused change was kept (not even its valid part).
    const [, v] = await call("GET");
    expect(v.saved.snapshots).toBe(true);
  });

  it("applies a change at once: metrics off stops the collector, on starts it again", async () => {
    const [s, v] = await call("PUT", { metrics: false });
    expect(s).toBe(200);
    expect(v.features.metrics).toBe(false);
    expect(v.saved).toMatchObject({ metrics: false, snapshots: true });
    expect(studio.app.observability.running).toBe(false);
    const [, back] = await call("PUT", { metrics: true });
    expect(back.features.metrics).toBe(true);
    expect(studio.app.observability.running).toBe(true);
  });

  it("cachify settings set/show: validated like the API, and a running studio follows", async () => {
    const bad = await cli("settings", "set", "bogus", "off");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown feature switch "bogus"');
    const maybe = await cli("settings", "set", "snapshots", "maybe");
    expect(maybe.code).toBe(2);
    expect(maybe.stderr).toContain('snapshots must be on or off (got "maybe")');

    const set = await cli("settings", "set", "metrics", "off");
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(`metrics: off (saved in ${dataDir}).\n`);
    const shown = await cli("settings", "show", "--json");
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      features: { metrics: false, snapshots: true },
      dataDir,
    });
    const human = await cli("settings", "show");
    expect(human.stdout).toMatch(/^SWITCH\s+STATE\s+WHAT IT DOES$/m);
    expect(human.stdout).toMatch(/^metrics\s+off\s+off: The studio stops polling/m);
    expect(human.stdout).toContain(`Data folder: ${dataDir}`);

    // Another process changed the record: the studio notices within about a second.
    for (let i = 0; i < 60 && studio.app.observability.running; i++) await sleep(50);
    expect(studio.app.observability.running).toBe(false);
    expect((await call("GET"))[1].features.metrics).toBe(false);
    expect((await cli("settings", "set", "metrics", "on")).code).toBe(0);
    for (let i = 0; i < 60 && !studio.app.observability.running; i++) await sleep(50);
    expect(studio.app.observability.running).toBe(true);
  });
});
