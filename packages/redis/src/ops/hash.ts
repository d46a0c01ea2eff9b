import type { FieldValue, OperationOf, OperationResults } from "@cachify/core";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { matchArgs, ofType, scanCount, scanCursor } from "./common.ts";

export function hashScan(
  ctx: RedisContext,
  op: OperationOf<"hashScan">,
): Promise<OperationResults["hashScan"]> {
  const key = buf(op.key);
  const cursor = scanCursor(op.cursor);
  const args = [...matchArgs(op.match), "COUNT", scanCount(op.count)];
  return ofType(ctx, key, "hash", async () => {
    const [[next, flat], length] = await Promise.all([
      ctx.client.hscanBuffer(key, cursor, ...(args as [])) as Promise<[Buffer, Buffer[]]>,
      ctx.client.hlen(key),
    ]);
    const items: FieldValue[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      items.push({ field: flat[i]!, value: flat[i + 1]! });
    const c = next.toString();
    return { items, cursor: c, done: c === "0", length };
  });
}

export function hashSet(
  ctx: RedisContext,
  op: OperationOf<"hashSet">,
): Promise<OperationResults["hashSet"]> {
  const key = buf(op.key);
  return ofType(ctx, key, "hash", async () => {
    const n = await ctx.client.hset(key, buf(op.field), buf(op.value));
    return { created: n === 1 };
  });
}

export function hashDelete(
  ctx: RedisContext,
  op: OperationOf<"hashDelete">,
): Promise<OperationResults["hashDelete"]> {
  const key = buf(op.key);
  if (op.fields.length === 0) return Promise.resolve({ removed: 0 });
  return ofType(ctx, key, "hash", async () => ({
    removed: await ctx.client.hdel(key, ...op.fields.map(buf)),
  }));
}
