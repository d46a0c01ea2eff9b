import { buildProfile, type Operation, type ResultOf } from "@cachify/core";
import { createRedisProvider } from "@cachify/redis";
import { afterAll, inject } from "vitest";
import { makeTestGate } from "./gate.ts";

/** For describe.each: both shared servers, standalone and cluster. */
export const MODES = [["standalone"], ["cluster"]] as const;

export const bytes = (s: string) => new Uint8Array(Buffer.from(s));
export const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

/** A real gate on the shared server of `mode`; closed after the suite. Call inside describe. */
export function gateFor(mode: "standalone" | "cluster", name: string) {
  const servers = inject("servers");
  const url = mode === "standalone" ? servers.redis.url : servers.cluster.url;
  const t = makeTestGate(createRedisProvider);
  const profile = buildProfile({ name: `${name}-${mode}`, url, timeoutMs: 5000 });
  afterAll(() => t.close());
  const run = <O extends Operation>(op: O): Promise<ResultOf<O>> =>
    t.gate.run(profile, op, { origin: "cli", confirmation: { acknowledged: true } });
  /** A console command; arguments as text. */
  const cmd = (...args: (string | Uint8Array)[]) =>
    run({ kind: "raw", args: args.map((a) => (typeof a === "string" ? bytes(a) : a)) });
  return { t, profile, run, cmd };
}
