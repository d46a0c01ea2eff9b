import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "./migrations.ts";
import { openStore } from "./open-store.ts";
import { plainProfile, useTempDirs } from "./test-support.ts";

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const posixOnly = process.platform === "win32" ? it.skip : it;

describe("openStore", () => {
  const tempDir = useTempDirs();

  it("creates the folder and the database, with WAL, NORMAL sync, foreign keys and a busy timeout", () => {
    const dir = path.join(tempDir(), "nested", "data");
    const store = openStore(dir);
    try {
      expect(store.dataDir).toBe(dir);
      expect(store.path).toBe(path.join(dir, "cachify.db"));
      expect(fs.existsSync(store.path)).toBe(true);
      expect(store.recovered).toBeUndefined();
      expect(store.diagnostics()).toEqual({
        journalMode: "wal",
        synchronous: 1,
        foreignKeys: true,
        busyTimeoutMs: 5000,
        schemaVersion: MIGRATIONS.length,
      });
    } finally {
      store.close();
    }
    store.close(); // a second close does nothing
  });

  posixOnly("makes the folder 0700 and the database, -wal and -shm 0600", () => {
    const dir = path.join(tempDir(), "data");
    const umask = process.umask(0o022);
    let store: ReturnType<typeof openStore> | undefined;
    try {
      store = openStore(dir);
      store.history.append({
        id: "e1",
        ts: 1,
        source: "app",
        kind: "k",
        severity: "info",
        count: 1,
      });
      expect(modeOf(dir)).toBe(0o700);
      expect(modeOf(store.path)).toBe(0o600);
      expect(modeOf(`${store.path}-wal`)).toBe(0o600);
      expect(modeOf(`${store.path}-shm`)).toBe(0o600);
    } finally {
      store?.close();
      process.umask(umask);
    }
  });

  posixOnly("tightens a database file left readable by others, not a folder the user chose", () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    openStore(dir).close();
    fs.chmodSync(path.join(dir, "cachify.db"), 0o644);
    openStore(dir).close();
    expect(modeOf(path.join(dir, "cachify.db"))).toBe(0o600);
    expect(modeOf(dir)).toBe(0o755);
  });

  it("keeps data across close and reopen", () => {
    const dir = tempDir();
    const first = openStore(dir);
    first.profiles.save(plainProfile("p1", "local"));
    first.close();
    const second = openStore(dir);
    expect(second.profiles.get("p1")?.name).toBe("local");
    second.close();
  });

  it("moves a file that is not a database aside with its -wal and -shm, and starts fresh", () => {
    const dir = tempDir();
    const file = path.join(dir, "cachify.db");
    const junk = "these are my notes, not a database\n".repeat(200);
    fs.writeFileSync(file, junk);
    fs.writeFileSync(`${file}-wal`, "wal bytes");
    fs.writeFileSync(`${file}-shm`, "shm bytes");

    const store = openStore(dir);
    try {
      const recovered = store.recovered!;
      expect(recovered.movedTo).toMatch(/cachify\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
      expect(path.dirname(recovered.movedTo)).toBe(dir);
      expect(recovered.reason).toMatch(/not a SQLite database/);
      // Nothing of the user's was deleted or changed.
      expect(fs.readFileSync(recovered.movedTo, "utf8")).toBe(junk);
      expect(fs.readFileSync(`${recovered.movedTo}-wal`, "utf8")).toBe("wal bytes");
      expect(fs.readFileSync(`${recovered.movedTo}-shm`, "utf8")).toBe("shm bytes");
      // The fresh store works.
      store.profiles.save(plainProfile("p1", "fresh"));
      expect(store.profiles.list().map((p) => p.name)).toEqual(["fresh"]);
    } finally {
      store.close();
    }
    // The next open finds a healthy database and reports nothing.
    const again = openStore(dir);
    expect(again.recovered).toBeUndefined();
    again.close();
  });

  it("moves aside a file with a SQLite header whose body SQLite cannot read", () => {
    const dir = tempDir();
    const file = path.join(dir, "cachify.db");
    const bytes = Buffer.alloc(8192, 0xab);
    bytes.write("SQLite format 3\0", 0, "latin1");
    fs.writeFileSync(file, bytes);

    const store = openStore(dir);
    try {
      expect(store.recovered?.reason).toMatch(/SQLite could not read it/);
      expect(fs.readFileSync(store.recovered!.movedTo).equals(bytes)).toBe(true);
      expect(store.profiles.list()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it("treats an empty file as a new database, not a corrupt one", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "cachify.db"), "");
    const store = openStore(dir);
    expect(store.recovered).toBeUndefined();
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    store.close();
    expect(fs.readdirSync(dir).filter((f) => f.includes("corrupt"))).toEqual([]);
  });

  it("reports a folder it cannot create as a storage error", () => {
    const dir = tempDir();
    const blocker = path.join(dir, "a-file");
    fs.writeFileSync(blocker, "x");
    expect(() => openStore(path.join(blocker, "data"))).toThrowError(
      expect.objectContaining({ code: "storage", message: expect.stringMatching(/Cannot create/) }),
    );
  });
});
