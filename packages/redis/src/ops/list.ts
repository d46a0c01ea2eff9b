import { randomBytes } from "node:crypto";
import {
  badInput,
  CachifyError,
  displayKey,
  type OperationOf,
  type OperationResults,
} from "@cachify/core";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { indexPage, ofType, whole } from "./common.ts";

export function listRange(
  ctx: RedisContext,
  op: OperationOf<"listRange">,
): Promise<OperationResults["listRange"]> {
  const key = buf(op.key);
  const start = whole(op.start, "start");
  const stop = whole(op.stop, "stop");
  return ofType(ctx, key, "list", async () => {
    const [items, length] = await Promise.all([
      ctx.client.lrangeBuffer(key, start, stop),
      ctx.client.llen(key),
    ]);
    return indexPage<Uint8Array>(items, op.start, length);
  });
}

export function listPush(
  ctx: RedisContext,
  op: OperationOf<"listPush">,
): Promise<OperationResults["listPush"]> {
  const key = buf(op.key);
  if (op.values.length === 0) throw badInput("Give at least one value to push.");
  const values = op.values.map(buf);
  return ofType(ctx, key, "list", async () => ({
    length:
      op.end === "head"
        ? await ctx.client.lpush(key, ...values)
        : await ctx.client.rpush(key, ...values),
  }));
}

export function listSet(
  ctx: RedisContext,
  op: OperationOf<"listSet">,
): Promise<OperationResults["listSet"]> {
  const key = buf(op.key);
  const index = whole(op.index, "index");
  return ofType(ctx, key, "list", async () => {
    try {
      await ctx.client.lset(key, index, buf(op.value));
    } catch (e) {
      throw listIndexError(e, op.key, op.index);
    }
    return { written: true as const };
  });
}

/**
 * Removes the element at `index` only if it still equals `expected`, atomically: LSET it to a
 * marker nobody else can hold, then LREM that marker once. LREM removes by value, so without the
 * marker an equal element elsewhere in the list could go instead.
 */
const REMOVE_AT = `
local v = redis.call('LINDEX', KEYS[1], ARGV[1])
if v == false or v ~= ARGV[2] then return 0 end
redis.call('LSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('LREM', KEYS[1], 1, ARGV[3])
return 1`;

export function listRemoveAt(
  ctx: RedisContext,
  op: OperationOf<"listRemoveAt">,
): Promise<OperationResults["listRemoveAt"]> {
  const key = buf(op.key);
  const index = whole(op.index, "index");
  const marker = Buffer.concat([Buffer.from("cachify:remove:"), randomBytes(16)]);
  return ofType(ctx, key, "list", async () => {
    const n = await ctx.client.eval(REMOVE_AT, 1, key, index, buf(op.expected), marker);
    return { removed: n === 1 };
  });
}

function listIndexError(e: unknown, key: Uint8Array, index: number): unknown {
  const message = (e as Error)?.message ?? "";
  if (/no such key/i.test(message)) {
    return new CachifyError(
      "not-found",
      `${displayKey(key)} no longer exists: refresh the key list.`,
    );
  }
  if (/index out of range/i.test(message)) {
    return badInput(
      `${displayKey(key)} has no element at index ${index} (the list changed?): reload it.`,
    );
  }
  return e;
}
