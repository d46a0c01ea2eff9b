import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cliSandbox } from "../../../../test/support/cli.ts";
import { studioApi } from "../../../../test/support/studio-api.ts";

const servers = inject("servers");

/**
 * Forced read-only locks (the managed policy file's and `policy force-read-only`'s) hold on to
 * the profile's id and address: a rename, a lowered environment, a clone, a re-added or a moved
 * profile stays locked. The studio (API) and the CLI share one data folder. Each scenario uses
 * its own database index, so scenarios share no address.
 */
describe("locks follow the profile's id and address (API and CLI)", () => {
  const sb = cliSandbox();
  let studio: RunningStudio;
  const { call, confirmed } = studioApi(() => studio);
  const url = (db: number) => `${servers.redis.url}/${db}`;
  const managed = (rules: Record<string, unknown>) =>
    writeFileSync(
      join(sb.dataDir, "managed-policy.json"),
      JSON.stringify({ forceReadOnly: { ...rules, reason: "change freeze" } }),
    );
  const create = async (body: Record<string, unknown>) => {
    const [status, view] = await call("POST", "/api/profiles", body);
    expect(status).toBe(201);
    return view as { id: string; name: string; forcedReadOnly: boolean };
  };
  // A key of its own per write: a create never asks for a confirmation, so 200 or 403 tells.
  let n = 0;
  const fresh = () => `follow:${process.pid}:${Date.now()}:${n++}`;
  const write = async (id: string) =>
    (await call("PUT", `/api/profiles/${id}/key`, { key: fresh(), value: "changed" }))[0];
  const view = async (id: string) => (await call("GET", `/api/profiles/${id}`))[1];

  beforeAll(async () => {
    managed({ profiles: ["locked"], environments: ["prod"] });
    studio = await startStudio({ dataDir: sb.dataDir, port: 0, collector: false });
  });
  afterAll(async () => {
    await studio.close();
    sb.cleanup();
  });

  it("a managed-locked profile renamed keeps its lock: API 403 on a write, CLI exit 3", async () => {
    const p = await create({ name: "locked", url: url(1), environment: "staging" });
    expect(await write(p.id)).toBe(403);
    const [status, renamed] = await call("PUT", `/api/profiles/${p.id}`, { name: "unlocked" });
    expect(status).toBe(200);
    expect(renamed).toMatchObject({ name: "unlocked", forcedReadOnly: true });
    expect(renamed.forcedReadOnlyReason).toMatch(/change freeze/);
    const key = fresh();
    expect((await call("PUT", `/api/profiles/${p.id}/key`, { key, value: "x" }))[0]).toBe(403);
    const set = await sb.run("set", "unlocked", key, "changed");
    expect(set.code).toBe(3);
    expect(set.stderr).toMatch(/change freeze/);
    expect((await sb.run("policy", "clear", "unlocked")).code).toBe(3);
    expect((await call("GET", `/api/profiles/${p.id}/key?key=${key}`))[1]).toMatchObject({
      type: "none",
    });
  });

  it("an environment lock holds a prod profile lowered to dev with the typed name", async () => {
    const p = await create({ name: "eu-live", url: url(2), environment: "prod" });
    const [status, lowered] = await confirmed("PUT", `/api/profiles/${p.id}`, {
      environment: "dev",
    });
    expect(status).toBe(200);
    expect(lowered).toMatchObject({ environment: "dev", forcedReadOnly: true });
    expect(await write(p.id)).toBe(403);
    expect((await sb.run("set", "eu-live", fresh(), "changed")).code).toBe(3);

    // A rule taken out of the file lifts what it locked (the renamed "locked" too).
    managed({ profiles: [], environments: [] });
    expect((await sb.run("set", "eu-live", fresh(), "changed")).code).toBe(0);
    expect((await sb.run("set", "unlocked", fresh(), "changed")).code).toBe(0);
  });

  it("a new profile at a locked address is locked (API, CLI, import); one already there is not", async () => {
    const already = await create({ name: "already-there", url: url(3) });
    const forced = await create({ name: "forced", url: url(3) });
    const [status] = await call("POST", "/api/policies/read-only", {
      profileId: forced.id,
      reason: "incident 7",
    });
    expect(status).toBe(200);

    const clone = await create({ name: "clone", url: url(3) });
    expect(clone.forcedReadOnly).toBe(true);
    expect((await view(clone.id)).forcedReadOnlyReason).toMatch(/incident 7/);
    expect(await write(clone.id)).toBe(403);
    const late = await sb.run("profile", "add", "late", "--url", url(3));
    expect(late.stdout).toMatch(/It is read-only: forced by policy: incident 7\./);
    expect((await sb.run("set", "late", fresh(), "changed")).code).toBe(3);
    const file = join(sb.dataDir, "urls.txt");
    writeFileSync(file, `imported ${url(3)}\n`);
    expect((await sb.run("profile", "import", file)).code).toBe(0);
    expect((await sb.run("set", "imported", fresh(), "changed")).code).toBe(3);

    // Profiles saved before the lock keep their own state.
    expect(await write(already.id)).toBe(200);
    const history = (await call("GET", `/api/history?profileId=${forced.id}&limit=5`))[1].events;
    expect(history[0]).toMatchObject({ kind: "policy-force", outcome: "ok", origin: "api" });

    // Clearing through any profile the lock holds lifts it for all of them.
    expect((await sb.run("policy", "clear", "clone")).code).toBe(0);
    expect(await write(forced.id)).toBe(200);
    expect(await write(clone.id)).toBe(200);
  });

  it("a locked profile removed and added again, or a profile moved onto its address, is locked", async () => {
    const gone = await create({ name: "gone", url: url(4) });
    expect((await sb.run("policy", "force-read-only", "gone", "--reason", "audit")).code).toBe(0);
    expect((await call("DELETE", `/api/profiles/${gone.id}`))[0]).toBe(200);
    expect((await sb.run("profile", "add", "gone", "--url", url(4))).code).toBe(0);
    expect((await sb.run("set", "gone", fresh(), "changed")).code).toBe(3);

    const mover = await create({ name: "mover", url: url(5) });
    expect(await write(mover.id)).toBe(200);
    const [, moved] = await call("PUT", `/api/profiles/${mover.id}`, { url: url(4) });
    expect(moved.forcedReadOnly).toBe(true);
    expect(await write(mover.id)).toBe(403);
  });
});
