import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionProfile } from "@cachify/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../../test/harness/index.ts";
import { type App, openApp } from "../../composition/open-app.ts";

/**
 * The dry-run says what the apply will meet with the profile's ACL user: no DUMP means no
 * snapshots (rollback none, and the apply runs without them instead of failing every key); no
 * UNLINK refuses the dry-run itself. Real ACL users on a private Redis 7.
 */
describe("workflow dry-runs check the ACL user's permissions", () => {
  let redis: RedisServer;
  let app: App;
  const dir = mkdtempSync(join(tmpdir(), "cachify-wf-acl-"));
  const profiles: Record<string, ConnectionProfile> = {};

  const seed = async (prefix: string, n: number) => {
    for (let i = 0; i < n; i++) await redis.command("SET", `${prefix}${i}`, "v");
  };
  const plan = (who: string, pattern: string) =>
    app.workflows.plan({
      template: "delete-by-pattern",
      profile: profiles[who]!,
      params: { pattern },
      origin: "cli",
    });
  /** EXISTS as a RESP integer reply (":2"). */
  const exists = async (...keys: string[]) => (await redis.command("EXISTS", ...keys)).trim();
  const run = async (planId: string, count: number) => {
    const started = await app.workflows.apply(planId, { count }, "cli");
    return app.workflows.finished(started.executionId);
  };

  beforeAll(async () => {
    redis = await startRedis();
    await redis.command("ACL", "SETUSER", "limited", "on", ">pw", "~*", "+@all", "-dump");
    await redis.command("ACL", "SETUSER", "nodel", "on", ">pw", "~*", "+@all", "-unlink", "-del");
    // No ACL DRYRUN (an @admin command) and no DUMP: the fallback probe's case.
    await redis.command("ACL", "SETUSER", "plain", "on", ">pw", "~*", "+@all", "-@admin", "-dump");
    app = openApp({ dataDir: dir });
    for (const who of ["limited", "nodel", "plain"]) {
      profiles[who] = app.profiles.create({
        name: who,
        url: `redis://${who}:pw@127.0.0.1:${redis.port}`,
      });
    }
    profiles.admin = app.profiles.create({ name: "admin", url: redis.url });
  });
  afterAll(async () => {
    await app.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("without DUMP: the preview says rollback none and why, and the apply runs without snapshots", async () => {
    await seed("lim:", 20);
    const p = await plan("limited", "lim:*");
    expect(p).toMatchObject({ status: "ready", matched: 20, snapshots: false });
    expect(p.rollback.coverage).toBe("none");
    expect(p.rollback.reason).toMatch(/^the user cannot run DUMP \("limited" may not\)/);
    expect(p.notes.join("\n")).toMatch(
      /Permissions checked with ACL DRYRUN for the user "limited" on one planned key: UNLINK, DUMP, PTTL, RESTORE; refused: DUMP/,
    );
    const done = await run(p.planId, 20);
    expect(done).toMatchObject({ status: "succeeded", applied: 20, failed: 0 });
    expect(done.rollback.coverage).toBe("none");
    expect(await exists("lim:0", "lim:19")).toBe(":0");
    expect(app.store.snapshots.count({ executionId: done.executionId })).toBe(0);
  });

  it("without UNLINK: the dry-run is refused before anything is confirmed, naming the permission", async () => {
    await seed("nodel:", 5);
    const refused = await plan("nodel", "nodel:*").catch((e) => e);
    expect(refused).toMatchObject({ code: "capability", errorClass: "NOPERM" });
    expect(refused.message).toMatch(
      /^The user "nodel" of profile "nodel" may not run UNLINK \(.*'unlink'.*\), which this delete-by-pattern sends for every key: .*ACL SETUSER nodel \+unlink/,
    );
    const stored = app.workflows.listPlans({ profileId: profiles.nodel!.id })[0]!;
    expect(stored).toMatchObject({ status: "failed", error: { code: "capability" } });
    expect(await exists("nodel:0")).toBe(":1");
  });

  it("without ACL DRYRUN: a DUMP of one planned key is tried instead, and says so", async () => {
    await seed("plain:", 5);
    const p = await plan("plain", "plain:*");
    expect(p.rollback).toMatchObject({ coverage: "none" });
    expect(p.rollback.reason).toMatch(/^the user cannot run DUMP/);
    expect(p.notes.join("\n")).toMatch(
      /Permissions: the user may not run ACL DRYRUN, so a DUMP of one planned key was tried instead: refused \(NOPERM\); UNLINK and RESTORE were not checked\./,
    );
    const done = await run(p.planId, 5);
    expect(done).toMatchObject({ status: "succeeded", applied: 5, failed: 0 });
  });

  it("with every permission: rollback full, and the check is named", async () => {
    await seed("adm:", 3);
    const p = await plan("admin", "adm:*");
    expect(p.rollback.coverage).toBe("full");
    expect(p.snapshots).toBeUndefined();
    expect(p.notes.join("\n")).toMatch(/ACL DRYRUN for the user "default" .*: all allowed\./);
    const done = await run(p.planId, 3);
    expect(done).toMatchObject({ status: "succeeded", applied: 3 });
    expect(app.store.snapshots.count({ executionId: done.executionId })).toBe(3);
  });
});
