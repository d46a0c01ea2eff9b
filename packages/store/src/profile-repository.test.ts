import { CachifyError, RETRY_DISABLED } from "@cachify/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openStore, type Store } from "./open-store.ts";
import { fullProfile, plainProfile, useTempDirs } from "./test-support.ts";

interface RawProfileRow {
  id: string;
  name: string;
  data: string;
  password: string | null;
}

function rawRow(store: Store, id: string): RawProfileRow | undefined {
  const raw = new Database(store.path, { readonly: true });
  try {
    return raw.prepare("SELECT id, name, data, password FROM profiles WHERE id = ?").get(id) as
      | RawProfileRow
      | undefined;
  } finally {
    raw.close();
  }
}

function thrown(fn: () => void): CachifyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CachifyError) return e;
    throw e;
  }
  throw new Error("expected a CachifyError");
}

describe("ProfileRepository", () => {
  const tempDir = useTempDirs();
  const withStore = (fn: (store: Store) => void) => {
    const store = openStore(tempDir());
    try {
      fn(store);
    } finally {
      store.close();
    }
  };

  it("round-trips every field, across a reopen too", () => {
    const dir = tempDir();
    const profile = fullProfile();
    const store = openStore(dir);
    store.profiles.save(profile);
    expect(store.profiles.get(profile.id)).toStrictEqual(profile);
    expect(store.profiles.getByName(profile.name)).toStrictEqual(profile);
    store.close();

    const reopened = openStore(dir);
    expect(reopened.profiles.list()).toStrictEqual([profile]);
    reopened.close();
  });

  it("keeps the password in its own column, sealed with the local key, and out of the JSON", () => {
    withStore((store) => {
      const profile = fullProfile();
      store.profiles.save(profile);
      const row = rawRow(store, profile.id)!;
      expect(row.password).toMatch(/^enc1:/);
      expect(row.password).not.toContain(profile.password!);
      expect(store.profiles.get(profile.id)!.password).toBe(profile.password);
      expect(row.data).not.toContain(profile.password!);
      const json = JSON.parse(row.data) as Record<string, unknown>;
      expect(json).not.toHaveProperty("password");
      expect(json).not.toHaveProperty("id");
      expect(json).not.toHaveProperty("name");
      // The TLS client key is sealed inside the JSON, the rest of the TLS settings are not.
      expect(json.tls).toEqual({ ...profile.tls, key: expect.stringMatching(/^enc1:/) });
    });
  });

  it("seals the TLS client key and the sentinels' password of any engine, and reads clear old rows", () => {
    withStore((store) => {
      const key = "-----BEGIN PRIVATE KEY-----\nsecret-key-body\n-----END PRIVATE KEY-----";
      const memcached = {
        ...plainProfile("mc1", "mc tls"),
        engine: "memcached" as const,
        port: 11211,
        tls: { ca: "/etc/ssl/ca.pem", cert: "/etc/ssl/c.pem", key, rejectUnauthorized: true },
      };
      const sentinel = fullProfile({ id: "s1", name: "sentinels", sentinelPassword: "sent-pw" });
      store.profiles.save(memcached);
      store.profiles.save(sentinel);
      for (const id of ["mc1", "s1"]) {
        const data = rawRow(store, id)!.data;
        expect(data).not.toContain("secret-key-body");
        expect(data).not.toContain("sent-pw");
      }
      expect(store.profiles.get("mc1")).toStrictEqual(memcached);
      expect(store.profiles.get("s1")).toStrictEqual(sentinel);
      // A row written before the seal: its clear values still read.
      const raw = new Database(store.path);
      try {
        const data = JSON.parse(rawRow(store, "mc1")!.data);
        data.tls.key = key;
        raw.prepare("UPDATE profiles SET data = ? WHERE id = 'mc1'").run(JSON.stringify(data));
      } finally {
        raw.close();
      }
      expect(store.profiles.get("mc1")?.tls?.key).toBe(key);
    });
  });

  it("stores no password column value for a profile without one", () => {
    withStore((store) => {
      const profile = plainProfile("p1", "local");
      store.profiles.save(profile);
      expect(rawRow(store, "p1")!.password).toBeNull();
      expect(store.profiles.get("p1")).toStrictEqual(profile);
    });
  });

  it("replaces a profile saved again under the same id, including a rename and a cleared password", () => {
    withStore((store) => {
      store.profiles.save(fullProfile());
      const { password: _dropped, ...withoutPassword } = fullProfile({ name: "renamed", port: 1 });
      store.profiles.save(withoutPassword);
      expect(store.profiles.list()).toStrictEqual([withoutPassword]);
      expect(store.profiles.getByName("prod cache")).toBeUndefined();
      expect(rawRow(store, "prof_1")!.password).toBeNull();
    });
  });

  it("refuses a name used by another profile with a conflict error", () => {
    withStore((store) => {
      store.profiles.save(plainProfile("p1", "shared"));
      const error = thrown(() => store.profiles.save(plainProfile("p2", "shared")));
      expect(error.code).toBe("conflict");
      expect(error.message).toBe(
        "A profile named shared already exists: choose another name or remove it first.",
      );
      expect(store.profiles.list().map((p) => p.id)).toEqual(["p1"]);
    });
  });

  it("saveMany saves all profiles in one go", () => {
    withStore((store) => {
      store.profiles.saveMany([plainProfile("a", "beta"), plainProfile("b", "Alpha")]);
      expect(store.profiles.list().map((p) => p.name)).toEqual(["Alpha", "beta"]);
    });
  });

  it("saveMany rolls back entirely on a conflict, with an existing profile or within the batch", () => {
    withStore((store) => {
      store.profiles.save(plainProfile("p1", "taken"));
      const before = store.profiles.list();

      const withExisting = [
        plainProfile("n1", "new one"),
        { ...plainProfile("p1", "taken"), port: 9999 }, // an update of p1: fine on its own
        plainProfile("n2", "taken"), // conflicts with p1
      ];
      expect(thrown(() => store.profiles.saveMany(withExisting)).code).toBe("conflict");
      expect(store.profiles.list()).toStrictEqual(before);

      const withinBatch = [plainProfile("n1", "twin"), plainProfile("n2", "twin")];
      expect(thrown(() => store.profiles.saveMany(withinBatch)).message).toMatch(
        /A profile named twin already exists/,
      );
      expect(store.profiles.list()).toStrictEqual(before);
    });
  });

  it("leaves the default retry policy out of a row (half of it) and reads it back", () => {
    withStore((store) => {
      const plain = { ...plainProfile("d1", "defaults"), retry: { ...RETRY_DISABLED } };
      store.profiles.save(plain);
      expect(rawRow(store, "d1")?.data).not.toContain("retry");
      expect(store.profiles.get("d1")).toStrictEqual(plain);
      // Any other policy is kept as it is.
      const tuned = {
        ...plain,
        id: "d2",
        name: "tuned",
        retry: { ...RETRY_DISABLED, maxAttempts: 3 },
      };
      store.profiles.save(tuned);
      expect(JSON.parse(rawRow(store, "d2")!.data).retry).toEqual(tuned.retry);
      expect(store.profiles.get("d2")).toStrictEqual(tuned);
    });
  });

  it("saveMany writes an import of thousands in batches, naming a conflict deep inside one", () => {
    withStore((store) => {
      const many = Array.from({ length: 1203 }, (_, i) => plainProfile(`m${i}`, `svc-${i}`));
      store.profiles.saveMany(many);
      expect(store.profiles.list()).toHaveLength(1203);
      expect(store.profiles.get("m1202")).toStrictEqual(many[1202]);
      expect(store.profiles.takenNames(["nope", "svc-7", "svc-3", "svc-7"])).toEqual([
        "svc-7",
        "svc-3",
      ]);
      const again = Array.from({ length: 600 }, (_, i) => plainProfile(`x${i}`, `new-${i}`));
      again[321] = plainProfile("x321", "svc-5");
      expect(thrown(() => store.profiles.saveMany(again)).message).toMatch(
        /A profile named svc-5 already exists/,
      );
      expect(store.profiles.list()).toHaveLength(1203);
    });
  });

  it("removes by id and tells whether there was one", () => {
    withStore((store) => {
      store.profiles.save(plainProfile("p1", "gone soon"));
      expect(store.profiles.remove("p1")).toBe(true);
      expect(store.profiles.remove("p1")).toBe(false);
      expect(store.profiles.get("p1")).toBeUndefined();
      // The name is free again.
      store.profiles.save(plainProfile("p2", "gone soon"));
      expect(store.profiles.getByName("gone soon")?.id).toBe("p2");
    });
  });
});
