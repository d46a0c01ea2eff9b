import type { OperationOf, OperationResults } from "@cachify/core";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { matchArgs, ofType, scanCount, scanCursor } from "./common.ts";

export function setScan(
  ctx: RedisContext,
  op: OperationOf<"setScan">,
): Promise<OperationResults["setScan"]> {
  const key = buf(op.key);
  const cursor = scanCursor(op.cursor);
  const args = [...matchArgs(op.match), "COUNT", scanCount(op.count)];
  return ofType(ctx, key, "set", async () => {
    const [[next, items], length] = await Promise.all([
      ctx.client.sscanBuffer(key, cursor, ...(args as [])) as Promise<[Buffer, Buffer[]]>,
      ctx.client.scard(key),
    ]);
    const c = next.toString();
    return { items, cursor: c, done: c === "0", length };
  });
}

export function setAdd(
  ctx: RedisContext,
  op: OperationOf<"setAdd">,
): Promise<OperationResults["setAdd"]> {
  const key = buf(op.key);
  if (op.members.length === 0) return Promise.resolve({ added: 0 });
  return ofType(ctx, key, "set", async () => ({
    added: await ctx.client.sadd(key, ...op.members.map(buf)),
  }));
}

export function setRemove(
  ctx: RedisContext,
  op: OperationOf<"setRemove">,
): Promise<OperationResults["setRemove"]> {
  const key = buf(op.key);
  if (op.members.length === 0) return Promise.resolve({ removed: 0 });
  return ofType(ctx, key, "set", async () => ({
    removed: await ctx.client.srem(key, ...op.members.map(buf)),
  }));
}
