import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SnapshotRecord } from "@cachify/core";
import { afterEach, describe, expect, it } from "vitest";
import { LOCAL_KEY_FILE } from "./local-cipher.ts";
import { openStore } from "./open-store.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function record(i: number, over: Partial<SnapshotRecord> = {}): SnapshotRecord {
  return {
    snapshotId: `snap_${i}`,
    operationId: "ev_1",
    profileId: "p1",
    key: new TextEncoder().encode(`k:${i}`),
    existed: true,
    capturedAt: 1_000_000 + i,
    absoluteExpiryMs: null,
    sizeBytes: 100,
    operation: "delete",
    type: "string",
    payload: new TextEncoder().encode(`secret-value-${i}`),
    restoreStatus: "available",
    ...over,
  };
}

describe("snapshot repository", () => {
  it("round-trips records and keeps payloads encrypted at rest with a user-only key file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cachify-snap-"));
    dirs.push(dir);
    const store = openStore(dir);
    store.snapshots.saveAll([record(1), record(2, { existed: false, payload: undefined })]);
    const [b, a] = store.snapshots.list({ operationId: "ev_1" });
    expect(new TextDecoder().decode(a!.payload)).toBe("secret-value-1");
    expect(b!.existed).toBe(false);
    store.close();
    const raw = readFileSync(join(dir, "cachify.db"));
    const wal = readFileSync(join(dir, "cachify.db-wal"), { flag: "a+" });
    expect(raw.includes("secret-value-1")).toBe(false);
    expect(wal.includes("secret-value-1")).toBe(false);
    expect(statSync(join(dir, LOCAL_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = openStore(dir);
    expect(
      new TextDecoder().decode(again.snapshots.list({ snapshotIds: ["snap_1"] })[0]!.payload),
    ).toBe("secret-value-1");
    again.close();
  });

  it("prunes by age, then oldest first down to the size limit", () => {
    const dir = mkdtempSync(join(tmpdir(), "cachify-snap-"));
    dirs.push(dir);
    const store = openStore(dir);
    store.snapshots.saveAll(Array.from({ length: 10 }, (_, i) => record(i)));
    expect(store.snapshots.prune({ maxAgeMs: 1000, maxTotalBytes: 1e9 }, 1_000_000 + 1005)).toBe(5);
    expect(store.snapshots.prune({ maxAgeMs: 1e9, maxTotalBytes: 250 }, 1_000_000 + 1005)).toBe(3);
    expect(store.snapshots.list({}).map((r) => r.snapshotId)).toEqual(["snap_9", "snap_8"]);
    store.close();
  });
});
