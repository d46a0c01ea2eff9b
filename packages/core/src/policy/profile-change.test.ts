import { describe, expect, it } from "vitest";
import { profileAddresses } from "../profiles/address.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import { buildProfile } from "../profiles/validate.ts";
import { loweredProtection, profileChanges, removalIsGuarded } from "./profile-change.ts";

const prod = buildProfile({
  name: "orders",
  url: "redis://ops:pw@10.0.0.5:6379/2",
  environment: "prod",
  readOnly: true,
});
const change = (p: ConnectionProfile, input: Record<string, unknown>) => buildProfile(input, p);

describe("what lowers a profile's protection", () => {
  it("names a lowered environment, read-only off and a prod profile pointed elsewhere", () => {
    expect(loweredProtection(prod, change(prod, { environment: "dev", readOnly: false }))).toEqual([
      "environment prod → dev",
      "read-only on → off",
    ]);
    expect(loweredProtection(prod, change(prod, { environment: "staging" }))).toEqual([
      "environment prod → staging",
    ]);
    for (const moved of [{ port: 6380 }, { host: "10.0.0.6" }, { db: 3 }, { url: "redis://h:1" }]) {
      expect(loweredProtection(prod, change(prod, moved))).toEqual([
        expect.stringMatching(/^address redis:\/\/ops@10\.0\.0\.5:6379\/2 → /),
      ]);
    }
    const staging = change(prod, { environment: "staging" });
    expect(loweredProtection(staging, change(staging, { environment: "dev" }))).toEqual([
      "environment staging → dev",
    ]);
  });

  it("names TLS turned off, and certificate verification turned off, on any environment", () => {
    const secure = change(prod, {
      environment: "dev",
      readOnly: false,
      tls: { rejectUnauthorized: true },
    });
    expect(loweredProtection(secure, change(secure, { tls: null }))).toEqual(["TLS on → off"]);
    expect(
      loweredProtection(secure, change(secure, { tls: { rejectUnauthorized: false } })),
    ).toEqual(["TLS certificate verification on → off"]);
    const plain = change(secure, { tls: null });
    expect(loweredProtection(plain, secure)).toEqual([]);
  });

  it("asks nothing for raising protection, a rename, or moving a profile that is not prod", () => {
    const dev = change(prod, { environment: "dev", readOnly: false });
    expect(loweredProtection(dev, change(dev, { environment: "prod", readOnly: true }))).toEqual(
      [],
    );
    expect(loweredProtection(prod, change(prod, { name: "orders-eu", timeoutMs: 900 }))).toEqual(
      [],
    );
    expect(loweredProtection(dev, change(dev, { port: 7000 }))).toEqual([]);
    expect(removalIsGuarded(prod)).toBe(true);
    expect(removalIsGuarded(dev)).toBe(false);
  });

  it("describes a change for the audit without a secret's value", () => {
    const next = change(prod, { name: "orders-eu", password: "new-secret", port: 6380 });
    const words = profileChanges(prod, next).join("; ");
    expect(words).toBe(
      'name "orders" → "orders-eu"; address redis://ops@10.0.0.5:6379/2 → redis://ops@10.0.0.5:6380/2; password',
    );
    expect(words).not.toContain("new-secret");
  });
});

describe("a profile's addresses", () => {
  it("name each server it reaches, spelled one way", () => {
    expect(profileAddresses(prod)).toEqual(["redis 10.0.0.5:6379/2"]);
    const cluster = buildProfile({ name: "c", url: "redis+cluster://A.example.:7000,[::1]:7001" });
    expect(profileAddresses(cluster)).toEqual(["redis a.example:7000/0", "redis ::1:7001/0"]);
    const sentinel = buildProfile({ name: "s", url: "redis+sentinel://h1:26379,h2:26379/main/1" });
    expect(profileAddresses(sentinel)).toEqual([
      "sentinel h1:26379/main/1",
      "sentinel h2:26379/main/1",
    ]);
    const pool = buildProfile({ name: "m", url: "memcached://m1:11211,m2:11211" });
    expect(profileAddresses(pool)).toEqual(["memcached m1:11211", "memcached m2:11211"]);
  });
});
