import {
  buildProfile,
  CachifyError,
  type ConnectionProfile,
  keyFromText,
  type Operation,
  type ProfileInput,
  profileView,
} from "@cachify/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  RespError,
  respCall,
  type SentinelSetup,
  startSentinel,
} from "../../../test/harness/index.ts";
import { makeTestGate } from "../../../test/support/gate.ts";
import { createRedisProvider } from "./provider.ts";

const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

/** Retries for a failover: up to ~10 s, constant 500 ms, on connection errors and READONLY. */
const FAILOVER_RETRY = {
  maxAttempts: 20,
  backoff: "constant",
  initialDelayMs: 500,
  maxDelayMs: 500,
  jitter: "none",
  retryOn: ["connection", "READONLY", "MASTERDOWN"],
};

describe("Redis Sentinel", () => {
  let s: SentinelSetup;
  const t = makeTestGate(createRedisProvider);
  let n = 0;
  const profile = (input: ProfileInput = {}): ConnectionProfile =>
    buildProfile({
      name: `sentinel-${++n}`,
      url: s.url,
      password: "data-secret",
      sentinelPassword: "sentinel-secret",
      timeoutMs: 3000,
      connectTimeoutMs: 2000,
      ...input,
    });
  const run = <O extends Operation>(p: ConnectionProfile, op: O) =>
    t.gate.run(p, op, { origin: "cli", confirmation: { acknowledged: true } });
  const pingError = async (p: ConnectionProfile): Promise<CachifyError> => {
    try {
      await run(p, { kind: "ping" });
    } catch (e) {
      expect(e).toBeInstanceOf(CachifyError);
      return e as CachifyError;
    }
    throw new Error("the ping succeeded but should have failed");
  };
  /** GET on one data node, straight (outside the product), in database `db`. */
  const getOn = async (port: number, db: number, key: string) => {
    const replies = await respCall(s.dataTarget(port), [
      ["SELECT", String(db)],
      ["GET", key],
    ]);
    if (replies.some((r) => r instanceof RespError)) throw new Error(String(replies));
    return replies[1];
  };

  beforeAll(async () => {
    s = await startSentinel({ password: "data-secret", sentinelPassword: "sentinel-secret" });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await s?.stop();
  });

  it("finds the primary through the sentinels and reads and writes in the profile's db", async () => {
    const p = profile({ db: 2 });
    expect(profileView(p)).toMatchObject({
      mode: "sentinel",
      sentinelMaster: "mymaster",
      hasPassword: true,
      hasSentinelPassword: true,
    });
    expect(JSON.stringify(profileView(p))).not.toContain("secret");
    const key = keyFromText("sentinel:rw");
    await run(p, { kind: "set", key, value: keyFromText("v1") });
    expect(text((await run(p, { kind: "get", key })).value)).toBe("v1");
    const primary = await s.masterPort();
    expect(await getOn(primary, 2, "sentinel:rw")).toBe("v1");
    expect(await getOn(primary, 0, "sentinel:rw")).toBeNull();
  });

  it("says when no sentinel knows the master name", async () => {
    const e = await pingError(profile({ sentinelMaster: "nope" }));
    expect(e.code).toBe("connection");
    expect(e.message).toMatch(
      /the sentinels \(127\.0\.0\.1:\d+, .*\) answered but monitor no master named "nope"\. Check sentinelMaster in the profile/,
    );
    expect(e.details).toMatchObject({ reason: "sentinel-master-unknown", field: "sentinelMaster" });
  });

  it("tells the sentinels' password from the data nodes' password", async () => {
    const sentinelPw = await pingError(profile({ sentinelPassword: "wrong" }));
    expect(sentinelPw.message).toMatch(
      /the sentinel 127\.0\.0\.1:\d+ refused the login \(WRONGPASS\)\. Check sentinelUsername and sentinelPassword/,
    );
    expect(sentinelPw.details).toMatchObject({ field: "sentinelPassword" });
    const dataPw = await pingError(profile({ password: "wrong" }));
    expect(dataPw.message).toMatch(
      /authentication failed \(WRONGPASS.*Check the username and password/,
    );
  });

  it("says when no sentinel can be reached", async () => {
    const [a, b] = [await freePort(), await freePort()];
    const e = await pingError(
      profile({ url: `redis+sentinel://127.0.0.1:${a},127.0.0.1:${b}/mymaster` }),
    );
    expect(e.message).toMatch(
      new RegExp(
        `could not reach any sentinel \\(127\\.0\\.0\\.1:${a}: refused or closed the connection; .*\\)\\. Check that the sentinels are running`,
      ),
    );
    expect(e.retryable).toBe(true);
  });

  it("follows a graceful failover: the next write reaches the new primary", async () => {
    const p = profile({ retry: FAILOVER_RETRY });
    const key = keyFromText("sentinel:switch");
    await run(p, { kind: "set", key, value: keyFromText("before") });
    const old = await s.masterPort();
    await s.failover();
    const next = await s.waitForMaster({ not: old });
    // Sentinel demotes the old primary only seconds later, and until then it still takes writes:
    // the client must have left it on +switch-master, not on a READONLY.
    expect(await s.roleOf(old)).toBe("master");
    await run(p, { kind: "set", key, value: keyFromText("after") });
    expect(text((await run(p, { kind: "get", key })).value)).toBe("after");
    expect(await getOn(next, 0, "sentinel:switch")).toBe("after");
  }, 60_000);

  it("recovers after the primary is killed, by our retry policy only", async () => {
    const key = keyFromText("sentinel:kill");
    // After the previous test's failover, the old primary must first be demoted and in sync.
    const primary = await s.waitForMaster();
    await s.waitForReplica(s.data.find((d) => d.port !== primary)!.port);
    const noRetry = profile();
    const withRetry = profile({ retry: FAILOVER_RETRY });
    await run(withRetry, { kind: "set", key, value: keyFromText("survives") });
    await run(noRetry, { kind: "ping" });
    const old = await s.masterPort();
    // The write must be on the replica before the primary dies.
    const replica = s.data.find((d) => d.port !== old)!.port;
    await waitUntil(async () => (await getOn(replica, 0, "sentinel:kill")) === "survives");
    await s.killPrimary();

    // No retry policy: one attempt, a connection error that says what is going on; no hidden
    // retries in the client.
    const first = await pingError(noRetry);
    expect(first.code).toBe("connection");
    // Which words depends on the moment: the dead primary refusing a new connection, or the
    // failover listener having already dropped ours.
    expect(first.message).toMatch(
      /could not connect to 127\.0\.0\.1:\d+ .*failover|not connected to the server/,
    );
    expect(t.history.events.at(-1)).toMatchObject({ kind: "ping", outcome: "error", attempts: 1 });

    // With a retry policy the gate retries until the sentinels promote the replica.
    const read = await run(withRetry, { kind: "get", key });
    expect(text(read.value)).toBe("survives");
    // Sentinel cannot promote before down-after-milliseconds (1 s): the first attempts failed.
    expect(t.history.events.at(-1)).toMatchObject({ kind: "get", outcome: "ok" });
    expect(t.history.events.at(-1)?.attempts).toBeGreaterThanOrEqual(2);
    await run(withRetry, { kind: "set", key, value: keyFromText("after-kill") });
    const next = await s.waitForMaster({ not: old });
    expect(next).toBe(replica);
    expect(await getOn(next, 0, "sentinel:kill")).toBe("after-kill");
    // The provider without a retry policy works again too, on its next operation.
    await run(noRetry, { kind: "ping" });
  }, 90_000);
});

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}
