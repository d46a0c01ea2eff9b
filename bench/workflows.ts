import { type RedisServer, startMemcached } from "../test/harness/index.ts";
import { benchDeleteByPattern, benchDryRun, benchTtlNormalize } from "./b-workflows-redis.ts";
import { benchWarmup } from "./b5-warmup-redis.ts";
import { benchMemcachedDelete } from "./b6-memcached-delete.ts";
import { benchMemory } from "./b10-memory.ts";
import type { BenchResult } from "./report.ts";

/**
 * The workflow benchmarks (B1, B3, B4, B5, B6, B10), each with its same-run baseline. `only`
 * (e.g. "B1,B3", from --only) picks some. Quick: 100k keys (B10: 100k and 1M); full: 1M keys
 * (B10: 1M and 10M).
 */
export async function runWorkflowBenches(
  redis: RedisServer,
  quick: boolean,
  only?: string[],
): Promise<BenchResult[]> {
  const keys = quick ? 100_000 : 1_000_000;
  const want = (id: string) => !only || only.includes(id);
  const out: BenchResult[] = [];
  if (want("B3")) out.push(...(await benchDryRun(redis, keys)));
  if (want("B1")) out.push(await benchDeleteByPattern(redis, keys));
  if (want("B4")) out.push(await benchTtlNormalize(redis, keys));
  if (want("B5")) out.push(await benchWarmup(redis, keys));
  if (want("B6")) {
    const mc = await startMemcached({ memoryMb: quick ? 256 : 1024 });
    try {
      out.push(await benchMemcachedDelete(mc, keys));
    } finally {
      await mc.stop();
    }
  }
  if (want("B10")) out.push(await benchMemory(redis, keys, quick ? 1_000_000 : 10_000_000));
  return out;
}
