import {
  badInput,
  type OperationOf,
  type OperationResults,
  type ScoredMember,
} from "@cachify/core";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { indexPage, ofType, whole } from "./common.ts";

export function zsetRange(
  ctx: RedisContext,
  op: OperationOf<"zsetRange">,
): Promise<OperationResults["zsetRange"]> {
  const key = buf(op.key);
  const start = whole(op.start, "start");
  const stop = whole(op.stop, "stop");
  return ofType(ctx, key, "zset", async () => {
    const [flat, length] = await Promise.all([
      ctx.client.zrangeBuffer(key, start, stop, "WITHSCORES"),
      ctx.client.zcard(key),
    ]);
    const items: ScoredMember[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      items.push({ member: flat[i]!, score: parseScore(flat[i + 1]!.toString()) });
    }
    return indexPage(items, op.start, length);
  });
}

export function zsetAdd(
  ctx: RedisContext,
  op: OperationOf<"zsetAdd">,
): Promise<OperationResults["zsetAdd"]> {
  const key = buf(op.key);
  const score = scoreArg(op.score);
  return ofType(ctx, key, "zset", async () => ({
    created: (await ctx.client.zadd(key, score, buf(op.member))) === 1,
  }));
}

export function zsetRemove(
  ctx: RedisContext,
  op: OperationOf<"zsetRemove">,
): Promise<OperationResults["zsetRemove"]> {
  const key = buf(op.key);
  if (op.members.length === 0) return Promise.resolve({ removed: 0 });
  return ofType(ctx, key, "zset", async () => ({
    removed: await ctx.client.zrem(key, ...op.members.map(buf)),
  }));
}

/** Redis prints scores as doubles ("1.5", "inf", "-inf"). */
function parseScore(text: string): number {
  if (/^\+?inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function scoreArg(score: number): string {
  if (Number.isNaN(score)) throw badInput("A score must be a number, not NaN.");
  if (score === Number.POSITIVE_INFINITY) return "+inf";
  if (score === Number.NEGATIVE_INFINITY) return "-inf";
  // Shortest text that reads back as the same double.
  return String(score);
}
