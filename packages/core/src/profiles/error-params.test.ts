import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import { buildProfile } from "./index.ts";
import { type ProfileInput, validateRetryPolicy } from "./validate.ts";

/**
 * Every refusal of a profile's fields names the field in `details.param` (issue 15): the
 * add-connection form shows name, environment and timeout errors on those inputs and every
 * other one (set through the URL) on the URL, from the param alone.
 */

function paramOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (!(e instanceof CachifyError) || e.code !== "bad-input") return `not bad-input: ${e}`;
    return e.details?.param ?? `no details.param: ${e.message}`;
  }
  return "accepted";
}

const VALID = { name: "p", url: "redis://127.0.0.1:6379" };

describe("profile checks name their param", () => {
  it("names the field of each refusal", () => {
    expect(() => buildProfile(VALID)).not.toThrow();
    const cases: [ProfileInput, string][] = [
      [{ name: "" }, "name"],
      [{ name: "x".repeat(65) }, "name"],
      [{ url: "redis://127.0.0.1:notaport" }, "url"],
      [{ url: "nope" }, "url"],
      [{ url: "ftp://x" }, "url"],
      [{ url: "redis://127.0.0.1:70000" }, "url"],
      [{ url: "redis://127.0.0.1:6379/x" }, "url"],
      [{ url: "redis-sentinel://127.0.0.1:26379" }, "url"],
      [{ url: 7 }, "url"],
      [{ url: undefined, engine: "mysql", host: "h" }, "engine"],
      [{ mode: "replica" }, "mode"],
      [{ url: "memcached://127.0.0.1:11211", mode: "cluster" }, "mode"],
      [{ environment: "qa" }, "environment"],
      [{ url: undefined, engine: "redis" }, "host"],
      [{ host: "user:pw@h" }, "host"],
      [{ host: "a b" }, "host"],
      [{ port: 0 }, "port"],
      [{ nodes: "h:1" }, "nodes"],
      [{ nodes: [{ host: "h", port: 0 }] }, "nodes[0].port"],
      [{ nodes: [7] }, "nodes[0]"],
      [{ mode: "sentinel" }, "sentinelMaster"],
      [{ sentinelPassword: "pw" }, "sentinelPassword"],
      [{ sentinelUsername: "u" }, "sentinelUsername"],
      [{ username: 7 }, "username"],
      [{ password: 7 }, "password"],
      [{ db: 16000 }, "db"],
      [{ url: "memcached://127.0.0.1:11211", db: 1 }, "db"],
      [{ mode: "cluster", db: 2 }, "db"],
      [{ readOnly: "yes" }, "readOnly"],
      [{ timeoutMs: 10 }, "timeoutMs"],
      [{ timeoutMs: "fast" }, "timeoutMs"],
      [{ connectTimeoutMs: 700_000 }, "connectTimeoutMs"],
      [{ retry: 7 }, "retry"],
      [{ retry: { maxAttempts: 0 } }, "retry.maxAttempts"],
      [{ retry: { backoff: "linear" } }, "retry.backoff"],
      [{ retry: { initialDelayMs: -1 } }, "retry.initialDelayMs"],
      [{ retry: { maxDelayMs: -1 } }, "retry.maxDelayMs"],
      [{ retry: { multiplier: 20 } }, "retry.multiplier"],
      [{ retry: { jitter: "half" } }, "retry.jitter"],
      [{ retry: { retryOn: ["nope"] } }, "retry.retryOn"],
      [{ tls: 7 }, "tls"],
      [{ tls: { ca: 7 } }, "tls.ca"],
      [{ tls: { ca: "relative/ca.pem" } }, "tls.ca"],
      [{ tls: { ca: "-----BEGIN CERTIFICATE-----\nabc" } }, "tls.ca"],
      [{ tls: { cert: "/c.pem" } }, "tls.key"],
      [{ tls: { key: "/k.pem" } }, "tls.cert"],
      [{ tls: { servername: "not a name" } }, "tls.servername"],
      [{ tls: { rejectUnauthorized: "no" } }, "tls.rejectUnauthorized"],
      [{ color: 7 }, "color"],
    ];
    for (const [over, param] of cases) {
      expect(
        paramOf(() => buildProfile({ ...VALID, ...over })),
        param,
      ).toBe(param);
    }
    expect(paramOf(() => validateRetryPolicy({ multiplier: 0 }))).toBe("retry.multiplier");
    console.log(`profiles: ${cases.length + 1} refusals naming their param`);
  });
});
