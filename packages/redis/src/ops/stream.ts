import { badInput, type OperationOf, type OperationResults, type StreamEntry } from "@cachify/core";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { ofType } from "./common.ts";

/** An XRANGE bound: an id, "-" / "+", or an exclusive "(id" (Redis >= 6.2). */
const BOUND = /^(-|\+|\(?\d+(-\d+)?)$/;
/** An XADD id: "*", "<ms>-*" or "<ms>-<seq>" / "<ms>". */
const NEW_ID = /^(\*|\d+(-(\d+|\*))?)$/;
const ID = /^\d+(-\d+)?$/;

export function streamRange(
  ctx: RedisContext,
  op: OperationOf<"streamRange">,
): Promise<OperationResults["streamRange"]> {
  const key = buf(op.key);
  for (const [what, v] of [
    ["start", op.start],
    ["end", op.end],
  ] as const) {
    if (!BOUND.test(v)) throw badInput(`${what} "${v}" is not a stream id: use an id, - or +.`);
  }
  if (!Number.isSafeInteger(op.count) || op.count < 1 || op.count > 10_000) {
    throw badInput(`count must be between 1 and 10000, got ${op.count}.`);
  }
  return ofType(ctx, key, "stream", async () => {
    const [raw, length] = await Promise.all([
      ctx.client.xrangeBuffer(key, op.start, op.end, "COUNT", op.count) as Promise<
        [Buffer, Buffer[]][]
      >,
      ctx.client.xlen(key),
    ]);
    const items: StreamEntry[] = raw.map(([id, flat]) => {
      const fields: [Uint8Array, Uint8Array][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) fields.push([flat[i]!, flat[i + 1]!]);
      return { id: id.toString(), fields };
    });
    const last = items.at(-1);
    // The next page starts just after the last id returned (exclusive range).
    return {
      items,
      cursor: last ? `(${last.id}` : op.start,
      done: items.length < op.count,
      length,
    };
  });
}

export function streamAdd(
  ctx: RedisContext,
  op: OperationOf<"streamAdd">,
): Promise<OperationResults["streamAdd"]> {
  const key = buf(op.key);
  if (!NEW_ID.test(op.id)) throw badInput(`"${op.id}" is not a stream id: use * or <ms>-<seq>.`);
  if (op.fields.length === 0) throw badInput("A stream entry needs at least one field.");
  const args = op.fields.flatMap(([f, v]) => [buf(f), buf(v)]);
  return ofType(ctx, key, "stream", async () => {
    const id = (await ctx.client.xaddBuffer(key, op.id, ...(args as [Buffer, Buffer]))) as Buffer;
    return { id: id.toString() };
  });
}

export function streamDelete(
  ctx: RedisContext,
  op: OperationOf<"streamDelete">,
): Promise<OperationResults["streamDelete"]> {
  const key = buf(op.key);
  if (op.ids.length === 0) return Promise.resolve({ removed: 0 });
  for (const id of op.ids) {
    if (!ID.test(id)) throw badInput(`"${id}" is not a stream id (<ms>-<seq>).`);
  }
  return ofType(ctx, key, "stream", async () => ({
    removed: await ctx.client.xdel(key, ...op.ids),
  }));
}
