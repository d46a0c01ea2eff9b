import {
  buildProfile,
  CachifyError,
  type ConnectionProfile,
  keyFromText,
  type ProfileInput,
} from "@cachify/core";
import { createRedisProvider } from "@cachify/redis";
import { afterAll, expect } from "vitest";
import { makeTestGate } from "./gate.ts";

/**
 * For the Redis connection suites (packages/redis/src/connection*.test.ts): each profile is built
 * from a URL and a few fields, as a user types them, and run through a real gate.
 */

const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

/** A real gate per suite; `ping`/`roundTrip` build the profile from input and run through it. */
export function gateSuite() {
  const t = makeTestGate(createRedisProvider);
  afterAll(() => t.close());
  let n = 0;
  const profile = (input: ProfileInput): ConnectionProfile =>
    buildProfile({ name: `conn-${++n}`, timeoutMs: 3000, connectTimeoutMs: 3000, ...input });
  const ping = (input: ProfileInput) =>
    t.gate.run(profile(input), { kind: "ping" }, { origin: "cli" });
  /** The error a ping fails with (the test fails if it succeeds). */
  const pingError = async (input: ProfileInput): Promise<CachifyError> => {
    try {
      await ping(input);
    } catch (e) {
      expect(e).toBeInstanceOf(CachifyError);
      return e as CachifyError;
    }
    throw new Error("the ping succeeded but should have failed");
  };
  /** Writes and reads back a key through the gate. */
  const roundTrip = async (input: ProfileInput) => {
    const p = profile(input);
    const key = keyFromText(`conn:${p.name}`);
    const run = <O extends Parameters<typeof t.gate.run>[1]>(op: O) =>
      t.gate.run(p, op, { origin: "cli", confirmation: { acknowledged: true } });
    await run({ kind: "set", key, value: keyFromText("v1"), ttlSeconds: 60 });
    expect(text((await run({ kind: "get", key })).value)).toBe("v1");
    await run({ kind: "delete", keys: [key] });
  };
  return { t, profile, ping, pingError, roundTrip };
}
