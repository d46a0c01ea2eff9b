import type { AclDryRun, OperationOf } from "@cachify/core";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { sendBuffer } from "../send.ts";

const text = (r: unknown) => (Buffer.isBuffer(r) ? r.toString("utf8") : String(r));

/**
 * ACL DRYRUN of each command for the connection's own user (ACL WHOAMI): nothing runs. Redis 7
 * answers OK or why the user may not; an older server, or a user not allowed ACL, answers with an
 * error, thrown for the caller to fall back on another check. ACLs are per server: a Cluster is
 * asked on its first primary.
 */
export async function aclDryRun(
  ctx: RedisContext,
  op: OperationOf<"aclDryRun">,
): Promise<AclDryRun> {
  const node = ctx.primaries()[0]!;
  const user = text(await sendBuffer(node, "ACL", ["WHOAMI"]));
  const denied = await Promise.all(
    op.commands.map(async (args) => {
      const r = text(await sendBuffer(node, "ACL", ["DRYRUN", user, ...args.map(buf)]));
      return r === "OK" ? undefined : r;
    }),
  );
  return { user, denied };
}
