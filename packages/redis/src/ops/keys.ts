import { CachifyError, displayKey, type OperationOf, type OperationResults } from "@cachify/core";
import slotOf from "cluster-key-slot";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";

/** RENAMENX unless `overwrite` (then RENAME). In a cluster both names must share a slot. */
export async function rename(
  ctx: RedisContext,
  op: OperationOf<"rename">,
): Promise<OperationResults["rename"]> {
  const key = buf(op.key);
  const newKey = buf(op.newKey);
  if (ctx.cluster && slotOf(key) !== slotOf(newKey)) {
    throw new CachifyError(
      "bad-input",
      `Cannot rename ${displayKey(op.key)} to ${displayKey(op.newKey)}: in a cluster both names must hash to the same slot (Redis answers CROSSSLOT otherwise), and these are in slots ${slotOf(key)} and ${slotOf(newKey)}. Give both the same {hash tag}, e.g. "{user:1}:profile" and "{user:1}:settings", or copy the value to the new key and delete the old one.`,
    );
  }
  try {
    if (op.overwrite) {
      await ctx.client.rename(key, newKey);
      return { renamed: true };
    }
    return { renamed: (await ctx.client.renamenx(key, newKey)) === 1 };
  } catch (e) {
    if (/no such key/i.test((e as Error)?.message ?? "")) {
      throw new CachifyError(
        "not-found",
        `${displayKey(op.key)} does not exist: nothing to rename.`,
        {
          cause: e,
        },
      );
    }
    throw e;
  }
}
