import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliIo, createProgram, type RunningStudio, startStudio } from "@cachify/studio";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { cliSandbox } from "../support/cli.ts";

/**
 * Every entry point that can change a cache, enumerated from the running studio and the CLI's
 * command tree. A new mutating route or command that is not listed here fails this test; each
 * listed one is proven refused under forced read-only (403 / exit 3) and challenged on prod
 * without a confirmation (428 / exit 4), with the key on the server unchanged.
 */
const KEY = "ep:guarded";
/** Dry-run plans of a delete of KEY, per profile id (API) or name (CLI), made before the tests. */
const plans = new Map<string, string>();

/** `op(profile)`: the id of an earlier operation on KEY that left a snapshot (for rollback). */
type ApiCall = (
  id: string,
  op: (profile: string) => string,
) => { method: string; url: string; body?: unknown };
const API_CACHE_MUTATIONS: Record<string, ApiCall> = {
  "PUT /api/profiles/:id/key": (id) => ({
    method: "PUT",
    url: `/api/profiles/${id}/key`,
    body: { key: KEY, value: "changed" },
  }),
  "DELETE /api/profiles/:id/key": (id) => ({
    method: "DELETE",
    url: `/api/profiles/${id}/key?key=${KEY}`,
  }),
  "POST /api/profiles/:id/command": (id) => ({
    method: "POST",
    url: `/api/profiles/${id}/command`,
    body: { line: `SET ${KEY} changed` },
  }),
  "POST /api/rollback/restore": (id, op) => ({
    method: "POST",
    url: "/api/rollback/restore",
    body: { operationId: op(id), force: true },
  }),
  // Value routes (routes/values.ts): each sample targets the guarded key (a string, so a
  // collection edit that got through would fail loudly as well as change nothing).
  "PUT /api/profiles/:id/string": (id) => ({
    method: "PUT",
    url: `/api/profiles/${id}/string`,
    body: { key: KEY, value: "changed" },
  }),
  "PUT /api/profiles/:id/key/ttl": (id) => ({
    method: "PUT",
    url: `/api/profiles/${id}/key/ttl`,
    body: { key: KEY, ttl: 1 },
  }),
  "POST /api/profiles/:id/key/rename": (id) => ({
    method: "POST",
    url: `/api/profiles/${id}/key/rename`,
    // Over an existing key: a rename that replaces is guarded; RENAMENX is not.
    body: { key: KEY, newKey: `${KEY}:target`, overwrite: true },
  }),
  "PUT /api/profiles/:id/hash/field": (id) => ({
    method: "PUT",
    url: `/api/profiles/${id}/hash/field`,
    body: { key: KEY, field: "f", value: "changed" },
  }),
  "DELETE /api/profiles/:id/hash/field": (id) => ({
    method: "DELETE",
    url: `/api/profiles/${id}/hash/field`,
    body: { key: KEY, field: "f" },
  }),
  "PUT /api/profiles/:id/list/item": (id) => ({
    method: "PUT",
    url: `/api/profiles/${id}/list/item`,
    body: { key: KEY, index: 0, value: "changed" },
  }),
  "DELETE /api/profiles/:id/list/item": (id) => ({
    method: "DELETE",
    url: `/api/profiles/${id}/list/item`,
    body: { key: KEY, index: 0, expected: "orig" },
  }),
  "DELETE /api/profiles/:id/set/member": (id) => ({
    method: "DELETE",
    url: `/api/profiles/${id}/set/member`,
    body: { key: KEY, member: "orig" },
  }),
  "PUT /api/profiles/:id/zset/member": (id) => ({
    method: "PUT",
    url: `/api/profiles/${id}/zset/member`,
    body: { key: KEY, member: "m", score: 1 },
  }),
  "DELETE /api/profiles/:id/zset/member": (id) => ({
    method: "DELETE",
    url: `/api/profiles/${id}/zset/member`,
    body: { key: KEY, member: "m" },
  }),
  "DELETE /api/profiles/:id/stream/entry": (id) => ({
    method: "DELETE",
    url: `/api/profiles/${id}/stream/entry`,
    body: { key: KEY, id: "1-0" },
  }),
  // Workflows (routes/workflows.ts): running a reviewed plan (delete-by-pattern of KEY).
  "POST /api/workflows/plans/:id/apply": (id) => ({
    method: "POST",
    url: `/api/workflows/plans/${plans.get(id) ?? "missing"}/apply`,
    body: {},
  }),
};
/**
 * Mutating routes whose operations only add (list push, set add, stream add):
 * docs/design/safety.md#environments-and-guard-levels asks no confirmation for them, even on prod,
 * so they are proven refused under forced read-only only.
 */
const API_CACHE_WRITES: Record<string, ApiCall> = {
  // Create never overwrites (an existing key is a 409 before any guard): a new key is a write.
  "POST /api/profiles/:id/keys": (id) => ({
    method: "POST",
    url: `/api/profiles/${id}/keys`,
    body: { key: `${KEY}:new`, type: "hash", field: "f", value: "v" },
  }),
  "POST /api/profiles/:id/list/items": (id) => ({
    method: "POST",
    url: `/api/profiles/${id}/list/items`,
    body: { key: KEY, value: "changed" },
  }),
  "POST /api/profiles/:id/set/member": (id) => ({
    method: "POST",
    url: `/api/profiles/${id}/set/member`,
    body: { key: KEY, member: "changed" },
  }),
  "POST /api/profiles/:id/stream/entries": (id) => ({
    method: "POST",
    url: `/api/profiles/${id}/stream/entries`,
    body: { key: KEY, fields: [{ field: "f", value: "changed" }] },
  }),
};
/** Non-GET routes that do not change a cache, and why. */
const API_OTHER: Record<string, string> = {
  // Workflows: dry-runs only read; templates live in the local store; cancel stops an execution.
  "POST /api/workflows/plans": "dry-run: SCAN and key state through the gate (reads)",
  "POST /api/workflows/plans/:id/cancel": "stops a dry-run (reads only)",
  "POST /api/workflows/executions/:id/cancel": "stops an execution: no new batch starts",
  "POST /api/workflows/executions/:id/rerun": "a fresh dry-run (reads); never runs by itself",
  "POST /api/workflows/templates": "saves a template in the local store",
  "PUT /api/workflows/templates/:id": "edits a saved template in the local store",
  "DELETE /api/workflows/templates/:id": "removes a saved template from the local store",
  // Observability (routes/observability.ts): the local store only; the collector only reads.
  "PUT /api/observability/settings": "collector and notification settings in the local store",
  "PUT /api/observability/profiles/:id": "per-profile watch switch in the local store",
  "POST /api/alerts": "creates an alert rule in the local store",
  "PUT /api/alerts/:id": "edits an alert rule in the local store",
  "DELETE /api/alerts/:id": "removes an alert rule from the local store",
  "POST /api/notifications/read": "marks notifications read in the local store",
  // Settings (routes/settings.ts): the V2 feature switches, in the local store.
  "PUT /api/settings/features":
    "feature switches (snapshots, metrics, alerts, retries) in the local store",
  "PUT /api/settings/guardrails":
    "guardrail levels of dev and staging in the local store (prod cannot be lowered); the gate enforces them",
  "POST /api/profiles": "creates a profile in the local store",
  "PUT /api/profiles/:id": "edits a profile in the local store",
  "DELETE /api/profiles/:id": "removes a profile from the local store",
  "POST /api/profiles/:id/test": "PING through the gate (read)",
  "POST /api/connections/test": "PING through the gate on an unsaved profile (read)",
  // Onboarding (routes/onboarding.ts): detection only reads; an import fills the local store.
  "POST /api/onboarding/detect": "PING + stats through the gate on unsaved profiles (reads)",
  "POST /api/profiles/import": "creates profiles in the local store (all or nothing)",
  "PUT /api/rollback/settings": "snapshot retention and sensitive key patterns in the local store",
  // The session's door (routes/session.ts): no cache, no store.
  "POST /api/session": "trades a one-time launch code for the session token",
  "POST /api/session/code": "mints a one-time launch link (memory only)",
  "POST /api/policies/read-only": "sets a policy in the local store",
  "DELETE /api/policies/read-only/:profileId": "clears a policy in the local store",
};

const CLI_CACHE_MUTATIONS: Record<
  string,
  (profile: string, op: (profile: string) => string) => string[]
> = {
  set: (p) => ["set", p, KEY, "changed"],
  del: (p) => ["del", p, KEY],
  expire: (p) => ["expire", p, KEY, "1"],
  exec: (p) => ["exec", p, "--", "SET", KEY, "changed"],
  "rollback restore": (p, op) => ["rollback", "restore", "--operation", op(p), "--force"],
  "workflow apply": (p) => ["workflow", "apply", plans.get(p) ?? "missing"],
};
const CLI_OTHER: Record<string, string> = {
  "workflow templates": "local store",
  "workflow plan": "dry-run: SCAN and key state through the gate (reads)",
  "workflow show": "a page of a stored plan, key state through the gate (reads)",
  "workflow template save": "local store",
  "workflow template show": "local store",
  "workflow template remove": "local store",
  "history list": "local store",
  "history show": "local store",
  "history rerun": "a fresh dry-run (reads); never runs by itself",
  health: "PING + INFO/stats through the gate (reads)",
  "alert add": "local store",
  "alert list": "local store",
  "alert remove": "local store",
  "alert enable": "local store",
  "alert disable": "local store",
  "profile add": "local store",
  "profile edit": "local store (lowering protection is guarded: profile-guard.test.ts)",
  "profile list": "local store",
  "profile show": "local store",
  "profile remove": "local store",
  "profile import": "local store",
  "profile export": "local store",
  keys: "SCAN (read)",
  get: "GET (read)",
  timeline: "local store",
  studio: "starts the server (its routes are covered above)",
  "studio link": "asks the running studio for a one-time launch link",
  "policy force-read-only": "local store",
  "policy clear": "local store",
  "policy list": "local store",
  "rollback list": "local store",
  "rollback settings": "local store (snapshot retention, sensitive key patterns)",
  "settings show": "local store",
  "settings set": "local store (feature switches)",
  "settings guardrail": "local store (guardrail levels of dev and staging; prod cannot be lowered)",
};

function leafCommands(c: Command, prefix = ""): string[] {
  if (c.commands.length === 0) return [prefix.trim()];
  return c.commands.flatMap((s) => leafCommands(s, `${prefix} ${s.name()}`));
}

const servers = inject("servers");

describe("every mutating entry point goes through the gate", () => {
  let studio: RunningStudio;
  let roId = "";
  let prodId = "";
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-ep-"));
  const sb = cliSandbox();
  const covered: string[] = [];

  const call = async (c: ReturnType<ApiCall>) => {
    const res = await fetch(`http://127.0.0.1:${studio.port}${c.url}`, {
      method: c.method,
      headers: {
        authorization: `Bearer ${studio.token}`,
        ...(c.body ? { "content-type": "application/json" } : {}),
      },
      ...(c.body ? { body: JSON.stringify(c.body) } : {}),
    });
    return res.status;
  };
  // An overwrite of KEY with its own value on each profile, before the locks: it leaves a snapshot
  // whose rollback the tests then try (and must be refused).
  const snapshotOps = new Map<string, string>();
  const opOf = (profile: string) => snapshotOps.get(profile) ?? "missing";
  const keyIsUnchanged = async () => {
    expect(await rawCommand(servers.redis.port, ["GET", KEY])).toBe("$4\r\norig\r\n");
    expect(await rawCommand(servers.redis.port, ["TTL", KEY])).toBe(":-1\r\n");
  };

  beforeAll(async () => {
    await rawCommand(servers.redis.port, ["SET", KEY, "orig"]);
    await rawCommand(servers.redis.port, ["SET", `${KEY}:target`, "other"]);
    studio = await startStudio({ dataDir, port: 0 });
    const profiles = studio.app.profiles;
    roId = profiles.create({ name: "ep-ro", url: servers.redis.url }).id;
    prodId = profiles.create({ name: "ep-prod", url: servers.redis.url, environment: "prod" }).id;
    for (const [id, name] of [
      [roId, "ep-ro"],
      [prodId, "ep-prod"],
    ] as const) {
      const profile = profiles.resolve(id);
      await studio.app.gate.run(
        profile,
        {
          kind: "set",
          key: new TextEncoder().encode(KEY),
          value: new TextEncoder().encode("orig"),
        },
        { origin: "cli", confirmation: { typedName: name } },
      );
      snapshotOps.set(id, studio.app.history.list({ profileId: id, limit: 1 })[0]!.id);
    }
    studio.app.policies.force({
      profileId: roId,
      reason: "entry-point test",
      source: "user",
      createdAt: Date.now(),
    });
    // ep-prod is added before the lock: a profile added later at a locked address is locked too.
    for (const args of [
      ["profile", "add", "ep-ro", "--url", servers.redis.url],
      ["set", "ep-ro", KEY, "orig"],
      ["profile", "add", "ep-prod", "--url", servers.redis.url, "--env", "prod"],
      ["set", "ep-prod", KEY, "orig", "--confirm", "ep-prod"],
    ]) {
      expect((await sb.run(...args)).code).toBe(0);
    }
    for (const name of ["ep-ro", "ep-prod"]) {
      const tl = await sb.run("timeline", "--profile", name, "--json", "--limit", "1");
      snapshotOps.set(name, tl.json<{ events: { id: string }[] }>().events[0]!.id);
    }
    expect((await sb.run("policy", "force-read-only", "ep-ro")).code).toBe(0);
    // Workflow plans (a dry-run is allowed under read-only): their apply must be refused.
    for (const id of [roId, prodId]) {
      const plan = await studio.app.workflows.plan({
        template: "delete-by-pattern",
        profile: profiles.resolve(id),
        params: { pattern: KEY },
        origin: "cli",
      });
      plans.set(id, plan.planId);
    }
    for (const name of ["ep-ro", "ep-prod"]) {
      const r = await sb.run(
        "workflow",
        "plan",
        "delete-by-pattern",
        "--profile",
        name,
        "--param",
        `pattern=${KEY}`,
        "--json",
      );
      expect(r.code).toBe(0);
      plans.set(name, r.json<{ planId: string; matched: number }>().planId);
    }
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
    sb.cleanup();
    console.log(`entry points covered: ${covered.length} (${covered.join(", ")})`);
  });

  it("knows every non-GET API route", () => {
    const mutating = [...new Set(studio.routes)].filter((r) => !r.startsWith("GET "));
    const unknown = mutating.filter(
      (r) => !(r in API_CACHE_MUTATIONS) && !(r in API_CACHE_WRITES) && !(r in API_OTHER),
    );
    expect(
      unknown,
      "add each new route to API_CACHE_MUTATIONS (with a sample) or API_OTHER",
    ).toEqual([]);
  });

  it("knows every CLI command", () => {
    const io = { out() {}, err() {}, readFile: () => "", writeFile() {}, env: {} } as CliIo;
    const { program } = createProgram(io, () => {});
    const unknown = leafCommands(program).filter(
      (c) => !(c in CLI_CACHE_MUTATIONS) && !(c in CLI_OTHER),
    );
    expect(
      unknown,
      "add each new command to CLI_CACHE_MUTATIONS (with sample args) or CLI_OTHER",
    ).toEqual([]);
  });

  for (const [route, make] of Object.entries(API_CACHE_MUTATIONS)) {
    it(`API ${route}: 403 under forced read-only, 428 on prod, key unchanged`, async () => {
      expect(await call(make(roId, opOf))).toBe(403);
      expect(await call(make(prodId, opOf))).toBe(428);
      await keyIsUnchanged();
      covered.push(`API ${route}`);
    });
  }

  for (const [route, make] of Object.entries(API_CACHE_WRITES)) {
    it(`API ${route}: 403 under forced read-only, key unchanged`, async () => {
      expect(await call(make(roId, opOf))).toBe(403);
      await keyIsUnchanged();
      covered.push(`API ${route}`);
    });
  }

  for (const [command, argv] of Object.entries(CLI_CACHE_MUTATIONS)) {
    it(`CLI ${command}: exit 3 under forced read-only, exit 4 on prod, key unchanged`, async () => {
      expect((await sb.run(...argv("ep-ro", opOf))).code).toBe(3);
      expect((await sb.run(...argv("ep-prod", opOf))).code).toBe(4);
      await keyIsUnchanged();
      covered.push(`CLI ${command}`);
    });
  }
});
