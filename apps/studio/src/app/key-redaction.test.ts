import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HistoryEvent } from "@cachify/core";
import { DB_FILE_NAME } from "@cachify/store";
import { type RunningStudio, startStudio } from "@cachify/studio";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RedisServer, rawCommand, startRedis } from "../../../../test/harness/index.ts";
import { cliSandbox } from "../../../../test/support/cli.ts";
import { openApp } from "../composition/open-app.ts";
import { eventually, liveSocket, RecordingDesktop } from "./observability/test-support.ts";

const servers = inject("servers");
const redis = (args: string[]) => rawCommand(servers.redis.port, args);

/** Every stored text of the history and workflow tables (not the snapshot tables: they keep raw keys to restore them). */
function recordedText(dataDir: string): string {
  const db = new Database(join(dataDir, DB_FILE_NAME), { readonly: true });
  try {
    const rows = [
      ...db.prepare("SELECT * FROM history_events").all(),
      ...db.prepare("SELECT * FROM workflow_executions").all(),
      ...db.prepare("SELECT * FROM workflow_attempts").all(),
    ];
    return JSON.stringify(rows);
  } finally {
    db.close();
  }
}

const TAG = /^kr:session:‹h:[0-9a-f]{8}›$/;

describe("redaction rules: sensitive key names in history and the timeline (CLI, real Redis)", () => {
  const sb = cliSandbox();
  afterAll(() => sb.cleanup());

  const timeline = async () => {
    const r = await sb.run("timeline", "--json", "--profile", "kr", "--source", "app");
    expect(r.code, r.stderr).toBe(0);
    return r.json<{ events: (HistoryEvent & { message: string })[] }>().events;
  };

  it("records a deleted sensitive key as prefix + keyed hash, the same tag each time; others as before", async () => {
    expect((await sb.run("profile", "add", "kr", "--url", servers.redis.url)).code).toBe(0);
    const set = await sb.run("rollback", "settings", "--sensitive", "kr:session:*", "--json");
    expect(set.code, set.stderr).toBe(0);

    await redis(["SET", "kr:session:42", "v"]);
    await redis(["SET", "kr:plain:1", "v"]);
    expect((await sb.run("del", "kr", "kr:session:42")).code).toBe(0);
    expect((await sb.run("del", "kr", "kr:plain:1")).code).toBe(0);
    await redis(["SET", "kr:session:42", "v"]);
    expect((await sb.run("del", "kr", "kr:session:42")).code).toBe(0);
    await redis(["SET", "kr:session:43", "v"]);
    expect((await sb.run("del", "kr", "kr:session:43")).code).toBe(0);

    const dels = (await timeline()).filter((e) => e.kind === "delete").reverse();
    expect(dels).toHaveLength(4);
    const [first, plain, second, other] = dels.map((e) => e.keys?.[0] ?? "");
    expect(first).toMatch(TAG);
    expect(second).toBe(first);
    expect(other).toMatch(TAG);
    expect(other).not.toBe(first);
    expect(plain).toBe("kr:plain:1");
    expect(dels[0]!.message).toContain(first!);

    const shown = (await sb.run("timeline", "--profile", "kr")).stdout;
    expect(shown).toContain(first!);
    expect(shown).not.toContain("kr:session:4");
    const stored = recordedText(sb.dataDir);
    expect(stored).toContain("kr:plain:1");
    expect(stored).not.toContain("kr:session:4");
    // Searching the timeline for the clear name finds nothing: it was never stored.
    const search = await sb.run("timeline", "--json", "--search", "kr:session:42");
    expect(search.json<{ events: unknown[] }>().events).toEqual([]);
  });

  it("redacts the name in the error message of a failed operation", async () => {
    await redis(["DEL", "kr:session:gone"]);
    const app = openApp({ dataDir: sb.dataDir });
    try {
      const profile = app.profiles.resolve("kr");
      const key = new TextEncoder().encode("kr:session:gone");
      const newKey = new TextEncoder().encode("kr:plain:new");
      await expect(
        app.gate.run(profile, { kind: "rename", key, newKey, overwrite: true }, { origin: "cli" }),
      ).rejects.toThrow(/kr:session:gone does not exist/);
    } finally {
      await app.close();
    }
    const failed = (await timeline()).find((e) => e.kind === "rename");
    expect(failed?.outcome).toBe("error");
    expect(failed?.keys?.[0]).toMatch(TAG);
    expect(failed?.keys?.[1]).toBe("kr:plain:new");
    expect(failed?.message).toMatch(
      /^kr:session:‹h:[0-9a-f]{8}› does not exist: nothing to rename/,
    );
    expect(recordedText(sb.dataDir)).not.toContain("kr:session:gone");
  });
});

describe("redaction rules: workflow execution records", () => {
  const dir = mkdtempSync(join(tmpdir(), "cachify-redact-wf-"));
  const app = openApp({ dataDir: dir });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records batch errors that name a sensitive key with its redacted name", async () => {
    const profile = app.profiles.create({ name: "krwf", url: servers.redis.url });
    app.snapshotSettings.update({ sensitive: [{ pattern: "krwf:session:*", snapshot: false }] });
    for (const k of ["krwf:session:1", "krwf:session:2", "krwf:other:1"])
      await redis(["SET", k, "v"]);
    // The engine answers per-key errors for some keys (say WRONGTYPE): the batch result names them.
    const run = app.gate.run.bind(app.gate);
    app.gate.run = (async (
      p: Parameters<typeof run>[0],
      op: Parameters<typeof run>[1],
      ctx: Parameters<typeof run>[2],
    ) => {
      const out = (await run(p, op, ctx)) as unknown as Record<string, unknown>;
      if (op.kind !== "deleteBatch") return out;
      return { ...out, errors: ["krwf:session:1: BUSY", "krwf:other:1: BUSY"] };
    }) as typeof app.gate.run;
    const plan = await app.workflows.plan({
      template: "delete-by-pattern",
      profile,
      params: { pattern: "krwf:*" },
      origin: "cli",
    });
    const started = await app.workflows.apply(
      plan.planId,
      { count: plan.matched, typedName: profile.name },
      "cli",
    );
    const done = await app.workflows.finished(started.executionId);
    app.gate.run = run;
    const attempts = app.store.executions.attempts(done.executionId);
    const message = attempts.map((a) => a.message ?? "").join(" ");
    expect(message).toMatch(/krwf:session:‹h:[0-9a-f]{8}›: BUSY/);
    expect(message).toContain("krwf:other:1: BUSY");
    const tag = app.store.keyRedactor.redact(new TextEncoder().encode("krwf:session:1"));
    expect(message).toContain(tag);
    expect(recordedText(dir)).not.toContain("krwf:session:1");
    expect(recordedText(dir)).not.toContain("krwf:session:2");
  });
});

describe("redaction rules: SLOWLOG and keyspace engine events", () => {
  let own: RedisServer;
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-redact-slow-"));

  beforeAll(async () => {
    own = await startRedis({
      args: ["--slowlog-log-slower-than", "0", "--notify-keyspace-events", "KEA"],
    });
    studio = await startStudio({
      dataDir,
      port: 0,
      collector: { desktop: new RecordingDesktop() },
    });
    studio.app.observability.updateSettings({ pollIntervalMs: 250, eventsIntervalMs: 300 });
    studio.app.profiles.create({ name: "slow", url: own.url });
    studio.app.snapshotSettings.update({
      sensitive: [{ pattern: "kr:session:*", snapshot: true }],
    });
  });
  afterAll(async () => {
    await studio.close();
    await own.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps the command and a redacted key name, never the clear name", async () => {
    const live = await liveSocket(studio);
    await eventually(
      () =>
        studio.app.observability.healthCards().find((c) => c.profileName === "slow")?.events
          .keyspace?.enabled || undefined,
      "keyspace on",
    );
    await own.command("SET", "kr:session:7", "secret value");
    await own.command("SET", "kr:open:7", "plain value");
    const events = () =>
      studio.app.observability.timeline({ sources: ["slowlog"], limit: 1000 }).events;
    const slow = await eventually(
      () => events().find((e) => /^SET kr:session:/.test(e.message ?? "")),
      "the slowlog event",
    );
    expect(slow.message).toMatch(/^SET kr:session:‹h:[0-9a-f]{8}› <12 bytes> \(/);
    await eventually(
      () => events().find((e) => e.message?.startsWith("SET kr:open:7 <11 bytes>")),
      "the plain key's slowlog event",
    );
    // The same key from the app's own timeline tag: one name, one tag.
    const tag = studio.app.store.keyRedactor.redact(new TextEncoder().encode("kr:session:7"));
    expect(slow.message).toContain(tag);
    const pushed = await live.next(
      (m) =>
        m.type === "history" &&
        m.event.source === "keyspace" &&
        m.event.kind === "set" &&
        m.event.keys?.some((k: string) => k.startsWith("kr:session:")),
      5000,
    );
    expect(pushed.event.keys).toContain(tag);
    live.close();
    expect(JSON.stringify(events())).not.toContain("kr:session:7");
    expect(JSON.stringify(live.messages)).not.toContain("kr:session:7");
    expect(recordedText(dataDir)).not.toContain("kr:session:7");
  });
});
