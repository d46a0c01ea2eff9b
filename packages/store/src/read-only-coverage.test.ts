import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, runMigrations } from "./migrations.ts";
import { openStore } from "./open-store.ts";
import { plainProfile, useTempDirs } from "./test-support.ts";

describe("read-only coverage: what each lock holds on to", () => {
  const tempDir = useTempDirs();

  it("forcing holds the profile's id with its policy; clearing lets go of all it held", () => {
    const store = openStore(tempDir());
    const p = store.policies;
    expect(p.holdsAny()).toBe(false);
    const policy = {
      profileId: "p1",
      reason: "incident 42",
      source: "user" as const,
      createdAt: 7,
    };
    p.force(policy);
    p.cover([{ lock: "user:p1", subject: "address:redis h:1/0" }]);
    expect(p.holdsAny()).toBe(true);
    expect(p.held(["id:p1"])).toEqual([{ subject: "id:p1", lock: "user:p1", policy }]);
    // A clone at the same address: held by the same lock, with the lock's policy.
    expect(p.held(["address:redis h:1/0", "id:other"])).toEqual([
      { subject: "address:redis h:1/0", lock: "user:p1", policy },
    ]);
    expect(p.clear("p1")).toBe(true);
    expect(p.held(["id:p1", "address:redis h:1/0"])).toEqual([]);
    store.close();
  });

  it("keeps managed locks apart, lists and releases them", () => {
    const store = openStore(tempDir());
    const p = store.policies;
    p.cover([
      { lock: "managed:profile:orders", subject: "id:p1" },
      { lock: "managed:environment:prod", subject: "id:p2" },
      { lock: "managed:environment:prod", subject: "id:p2" },
    ]);
    expect(p.managedLocks().sort()).toEqual(["managed:environment:prod", "managed:profile:orders"]);
    expect(p.held(["id:p2"])).toEqual([{ subject: "id:p2", lock: "managed:environment:prod" }]);
    p.release(["managed:profile:orders"]);
    expect(p.managedLocks()).toEqual(["managed:environment:prod"]);
    store.close();
  });

  it("gives a policy forced before schema 8 its profile's id and address", () => {
    const dir = tempDir();
    openStore(dir).close();
    rmSync(join(dir, "cachify.db"));
    const db = new Database(join(dir, "cachify.db"));
    runMigrations(db, MIGRATIONS.slice(0, 7));
    const { id, name, password: _, ...data } = { ...plainProfile("p1", "cache"), port: 11299 };
    db.prepare("INSERT INTO profiles (id, name, data) VALUES (?, ?, ?)").run(
      id,
      name,
      JSON.stringify(data),
    );
    db.prepare(
      "INSERT INTO forced_read_only_policies (profile_id, reason, source, created_at) VALUES ('p1', 'old', 'user', 3)",
    ).run();
    db.close();
    const store = openStore(dir);
    expect(store.policies.held(["id:p1", "address:memcached 127.0.0.1:11299"])).toEqual([
      expect.objectContaining({ subject: "address:memcached 127.0.0.1:11299", lock: "user:p1" }),
      expect.objectContaining({ subject: "id:p1", lock: "user:p1" }),
    ]);
    store.close();
  });
});
