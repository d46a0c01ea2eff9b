import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { studioApi } from "../../../../../test/support/studio-api.ts";

const servers = inject("servers");

/**
 * Profile changes are guarded operations: lowering a profile's environment, turning read-only
 * off, pointing a prod profile elsewhere and removing a prod profile answer 428 with the
 * challenge of the profile's current environment, change nothing until it is answered, and are
 * audited. Each profile here uses its own database index, so the profiles share no address.
 */
describe("profile changes through the API: 428 first, nothing saved, audited", () => {
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-profile-guard-"));
  const { call } = studioApi(() => studio);
  const url = (db: number) => `${servers.redis.url}/${db}`;
  const create = async (body: Record<string, unknown>) => {
    const [status, view] = await call("POST", "/api/profiles", body);
    expect(status).toBe(201);
    return view as { id: string; name: string };
  };
  const events = async (id: string) =>
    (await call("GET", `/api/history?profileId=${id}&limit=50`))[1].events as {
      kind: string;
      outcome: string;
      origin: string;
      message: string;
    }[];

  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0, collector: false });
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lowering prod to dev: 428 with the name to type and nothing saved; typed: saved; both audited", async () => {
    const p = await create({ name: "guard-orders", url: url(1), environment: "prod" });
    const [status, body] = await call("PUT", `/api/profiles/${p.id}`, { environment: "dev" });
    expect(status).toBe(428);
    expect(body.error.code).toBe("confirmation-required");
    expect(body.error.message).toMatch(
      /Changing environment prod → dev on prod profile "guard-orders" needs the profile name typed/,
    );
    const challenge = body.error.details;
    expect(challenge).toMatchObject({
      level: "typed-name",
      type: "guard-orders",
      challengeId: expect.any(String),
    });
    expect((await call("GET", `/api/profiles/${p.id}`))[1].environment).toBe("prod");

    const wrong = await call("PUT", `/api/profiles/${p.id}`, {
      environment: "dev",
      confirm: { challengeId: challenge.challengeId, typedName: "guard-order" },
    });
    expect(wrong[0]).toBe(428);
    const [okStatus, saved] = await call("PUT", `/api/profiles/${p.id}`, {
      environment: "dev",
      confirm: { challengeId: challenge.challengeId, typedName: "guard-orders" },
    });
    expect(okStatus).toBe(200);
    expect(saved.environment).toBe("dev");
    expect((await events(p.id)).slice(0, 3)).toEqual([
      expect.objectContaining({
        kind: "profile-update",
        outcome: "ok",
        origin: "api",
        message: "changed environment prod → dev",
      }),
      expect.objectContaining({ kind: "profile-update", outcome: "refused" }),
      expect.objectContaining({ kind: "profile-update", outcome: "refused" }),
    ]);
    // Raising protection again, with a rename and other settings, asks nothing.
    const [raised, view] = await call("PUT", `/api/profiles/${p.id}`, {
      environment: "prod",
      readOnly: true,
      name: "guard-orders-eu",
      timeoutMs: 900,
    });
    expect(raised).toBe(200);
    expect(view).toMatchObject({ environment: "prod", readOnly: true, name: "guard-orders-eu" });
  });

  it("read-only off, a new address and removal of a prod profile each need the typed name", async () => {
    const p = await create({
      name: "guard-live",
      url: url(2),
      environment: "prod",
      readOnly: true,
    });
    for (const change of [{ readOnly: false }, { port: 6390 }, { url: url(3) }]) {
      const [status, body] = await call("PUT", `/api/profiles/${p.id}`, change);
      expect(status, JSON.stringify(change)).toBe(428);
      expect(body.error.details).toMatchObject({ level: "typed-name", type: "guard-live" });
    }
    expect((await call("GET", `/api/profiles/${p.id}`))[1]).toMatchObject({
      readOnly: true,
      url: url(2),
    });
    const [status, body] = await call("DELETE", `/api/profiles/${p.id}`);
    expect(status).toBe(428);
    expect((await call("GET", `/api/profiles/${p.id}`))[0]).toBe(200);
    const removed = await call("DELETE", `/api/profiles/${p.id}`, {
      confirm: { challengeId: body.error.details.challengeId, typedName: "guard-live" },
    });
    expect(removed).toEqual([200, { removed: true }]);
    expect((await call("GET", `/api/profiles/${p.id}`))[0]).toBe(404);
  });

  it("staging to dev asks what Settings → Guardrails sets for staging", async () => {
    const p = await create({ name: "guard-stage", url: url(5), environment: "staging" });
    const [status, body] = await call("PUT", `/api/profiles/${p.id}`, { environment: "dev" });
    expect(status).toBe(428);
    expect(body.error.details).toMatchObject({ level: "confirm" });
    expect(body.error.details.type).toBeUndefined();
    const answered = await call("PUT", `/api/profiles/${p.id}`, {
      environment: "dev",
      confirm: { challengeId: body.error.details.challengeId },
    });
    expect(answered[1].environment).toBe("dev");

    const q = await create({ name: "guard-stage-2", url: url(6), environment: "staging" });
    await call("PUT", "/api/settings/guardrails", { staging: { destructive: "none" } });
    try {
      expect((await call("PUT", `/api/profiles/${q.id}`, { environment: "dev" }))[0]).toBe(200);
    } finally {
      await call("PUT", "/api/settings/guardrails", { staging: { destructive: "confirm" } });
    }
  });

  it("refuses a confirm-level challenge answered after the profile became prod, key unchanged", async () => {
    const p = await create({ name: "guard-raised", url: url(7), environment: "staging" });
    const key = "guard:raised";
    await call("PUT", `/api/profiles/${p.id}/key`, { key, value: "orig" });
    const [status, body] = await call("DELETE", `/api/profiles/${p.id}/key?key=${key}`);
    expect(status).toBe(428);
    expect(body.error.details.level).toBe("confirm");
    // Raised to prod (no confirmation needed) before the staging-level answer arrives.
    expect((await call("PUT", `/api/profiles/${p.id}`, { environment: "prod" }))[0]).toBe(200);
    const [again, refused] = await call("DELETE", `/api/profiles/${p.id}/key?key=${key}`, {
      confirm: { challengeId: body.error.details.challengeId },
    });
    expect(again).toBe(428);
    expect(refused.error.message).toMatch(
      /given at the confirm level, but the operation now needs typed-name/,
    );
    expect(refused.error.details).toMatchObject({ level: "typed-name", type: "guard-raised" });
    expect((await call("GET", `/api/profiles/${p.id}/key?key=${key}`))[1].value).toBe("orig");
  });

  it("lifting a forced lock on prod needs the typed name (API 428, then confirmed)", async () => {
    const p = await create({ name: "guard-locked", url: url(9), environment: "prod" });
    expect((await call("POST", "/api/policies/read-only", { profileId: p.id }))[0]).toBe(200);
    const [status, refused] = await call("DELETE", `/api/policies/read-only/${p.id}`);
    expect(status).toBe(428);
    expect(refused.error.details).toMatchObject({ level: "typed-name", type: "guard-locked" });
    const [, still] = await call("GET", `/api/profiles/${p.id}`);
    expect(still.forcedReadOnly).toBe(true);
    const [ok] = await call("DELETE", `/api/policies/read-only/${p.id}`, {
      confirm: { challengeId: refused.error.details.challengeId, typedName: "guard-locked" },
    });
    expect(ok).toBe(200);
    const [, after] = await call("GET", `/api/profiles/${p.id}`);
    expect(after.forcedReadOnly).toBe(false);
  });
});
