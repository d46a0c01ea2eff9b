import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SnapshotBatch } from "@cachify/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { LOCAL_KEY_FILE, LocalCipher } from "./local-cipher.ts";
import { MIGRATIONS, runMigrations } from "./migrations.ts";
import { openStore } from "./open-store.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Entry = SnapshotBatch["entries"][number];

function entry(i: number, over: Partial<Entry> = {}): Entry {
  return {
    key: new TextEncoder().encode(`k:${i}`),
    existed: true,
    absoluteExpiryMs: null,
    sizeBytes: 100,
    type: "string",
    payload: new TextEncoder().encode(`secret-value-${i}`),
    ...over,
  };
}

function batch(entries: Entry[], capturedAt = 1_000_000, over: Partial<SnapshotBatch> = {}) {
  return {
    operationId: "ev_1",
    profileId: "p1",
    operation: "delete",
    capturedAt,
    entries,
    ...over,
  };
}

describe("snapshot repository", () => {
  it("round-trips records and keeps payloads encrypted at rest with a user-only key file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cachify-snap-"));
    dirs.push(dir);
    const store = openStore(dir);
    const ids = store.snapshots.saveBatch(
      batch([entry(1), entry(2, { existed: false, payload: undefined }), entry(3)]),
    );
    expect(ids).toHaveLength(3);
    const [c, b, a] = store.snapshots.list({ operationId: "ev_1" });
    expect(new TextDecoder().decode(a!.payload)).toBe("secret-value-1");
    expect(b!.existed).toBe(false);
    expect(b!.payload).toBeUndefined();
    expect(new TextDecoder().decode(c!.payload)).toBe("secret-value-3");
    expect(c!.snapshotId).toBe(ids[2]);
    store.close();
    const raw = readFileSync(join(dir, "cachify.db"));
    const wal = readFileSync(join(dir, "cachify.db-wal"), { flag: "a+" });
    expect(raw.includes("secret-value-1")).toBe(false);
    expect(wal.includes("secret-value-1")).toBe(false);
    expect(statSync(join(dir, LOCAL_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = openStore(dir);
    expect(
      new TextDecoder().decode(again.snapshots.list({ snapshotIds: [ids[0]!] })[0]!.payload),
    ).toBe("secret-value-1");
    again.close();
  });

  it("prunes by age, then oldest first down to the size limit", () => {
    const dir = mkdtempSync(join(tmpdir(), "cachify-snap-"));
    dirs.push(dir);
    const store = openStore(dir);
    const ids = Array.from({ length: 10 }, (_, i) =>
      store.snapshots.saveBatch(batch([entry(i)], 1_000_000 + i)),
    ).flat();
    expect(store.snapshots.prune({ maxAgeMs: 1000, maxTotalBytes: 1e9 }, 1_000_000 + 1005)).toBe(5);
    expect(store.snapshots.prune({ maxAgeMs: 1e9, maxTotalBytes: 250 }, 1_000_000 + 1005)).toBe(3);
    expect(store.snapshots.list({}).map((r) => r.snapshotId)).toEqual([ids[9], ids[8]]);
    store.close();
  });

  it("finds snapshots by key, id list and execution, and records after-states and restores", () => {
    const dir = mkdtempSync(join(tmpdir(), "cachify-snap-"));
    dirs.push(dir);
    const store = openStore(dir);
    const first = store.snapshots.saveBatch(
      batch(
        Array.from({ length: 1000 }, (_, i) => entry(i)),
        1_000_000,
        { executionId: "ex_1" },
      ),
    );
    store.snapshots.saveBatch(batch([entry(7, { payload: new Uint8Array([0, 255]) })], 1_000_001));
    const byKey = store.snapshots.list({ key: new TextEncoder().encode("k:7") });
    expect(byKey.map((r) => [...(r.payload ?? [])].length)).toEqual([2, "secret-value-7".length]);
    expect(store.snapshots.list({ executionId: "ex_1", limit: 100_000 })).toHaveLength(1000);
    const picked = store.snapshots.list({ snapshotIds: [first[999]!, first[0]!] });
    expect(picked.map((r) => new TextDecoder().decode(r.payload))).toEqual([
      "secret-value-999",
      "secret-value-0",
    ]);
    store.snapshots.setAfterDigests([{ snapshotId: first[0]!, afterDigest: "absent" }]);
    store.snapshots.markRestored([first[0]!], "restored");
    const [r0] = store.snapshots.list({ snapshotIds: [first[0]!] });
    expect(r0).toMatchObject({ afterDigest: "absent", restoreStatus: "restored" });
    expect(() => store.snapshots.list({ snapshotIds: ["snap_x"] })).toThrow(/not a snapshot id/);
    store.close();
  });

  it("carries schema-5 snapshots (one sealed payload per key) over to batches", () => {
    const dir = mkdtempSync(join(tmpdir(), "cachify-snap-"));
    dirs.push(dir);
    // A data folder as version 6 of the schema left it, with one snapshot in the old table
    // (built by the first six steps, whatever steps come after 7).
    openStore(dir).close();
    rmSync(join(dir, "cachify.db"));
    const sealed = new LocalCipher(dir).seal(new TextEncoder().encode("old-secret"));
    const db = new Database(join(dir, "cachify.db"));
    runMigrations(db, MIGRATIONS.slice(0, 6));
    db.prepare(`INSERT INTO snapshots (snapshot_id, operation_id, profile_id, key, existed,
      captured_at, absolute_expiry_ms, size_bytes, operation, type, payload)
      VALUES ('snap_old', 'ev_9', 'p1', ?, 1, 5, NULL, 10, 'delete', 'string', ?)`).run(
      Buffer.from("old:key"),
      sealed,
    );
    db.close();
    const again = openStore(dir);
    const [r] = again.snapshots.list({ operationId: "ev_9" });
    expect(new TextDecoder().decode(r!.key)).toBe("old:key");
    expect(new TextDecoder().decode(r!.payload)).toBe("old-secret");
    again.close();
  });
});
