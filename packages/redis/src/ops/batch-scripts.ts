import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { sendBuffer } from "../send.ts";

/**
 * The server-side scripts of the single-server batches (one EVALSHA walks a whole batch's keys,
 * atomic per batch), and what we learn once per connection to choose between a script and a
 * pipeline: the server's major version, and whether scripts are refused there.
 */

/** KEYS: the batch. ARGV[1]: condition; ARGV[i+1]: key i's TTL in seconds (-1: PERSIST). */
const EXPIRE_SCRIPT = `
local cond = ARGV[1]
local applied = 0
for i, k in ipairs(KEYS) do
  local ttl = tonumber(ARGV[i + 1])
  local ok = 0
  if ttl < 0 then
    ok = redis.call('PERSIST', k)
  elseif cond == 'always' then
    ok = redis.call('EXPIRE', k, ttl)
  else
    local cur = redis.call('PTTL', k)
    if cur ~= -2 and ((cond == 'if-persistent' and cur == -1)
      or (cond == 'if-lower' and (cur == -1 or ttl * 1000 < cur))
      or (cond == 'if-higher' and cur >= 0 and ttl * 1000 > cur)) then
      ok = redis.call('EXPIRE', k, ttl)
    end
  end
  applied = applied + ok
end
return applied`;

/** KEYS: the batch. ARGV[1]: '1' to read types too. Returns PTTL (and TYPE) per key. */
const INSPECT_SCRIPT = `
local out = {}
local withType = ARGV[1] == '1'
for i, k in ipairs(KEYS) do
  out[2 * i - 1] = redis.call('PTTL', k)
  if withType then out[2 * i] = redis.call('TYPE', k)['ok'] else out[2 * i] = '' end
end
return out`;

const sha = (s: string) => createHash("sha1").update(s).digest("hex");
export const SCRIPTS = {
  expire: { body: EXPIRE_SCRIPT, sha: sha(EXPIRE_SCRIPT) },
  inspect: { body: INSPECT_SCRIPT, sha: sha(INSPECT_SCRIPT) },
};
type Script = (typeof SCRIPTS)[keyof typeof SCRIPTS];

/** Server versions (major) per connection, read once. */
const versions = new WeakMap<object, Promise<number>>();
/** Connections on which scripts are refused (ACL, disabled): use pipelines there. */
export const noScripts = new WeakSet<object>();

export function serverMajor(node: Redis): Promise<number> {
  let v = versions.get(node);
  if (!v) {
    v = node.info("server").then((info) => {
      const m = /redis_version:(\d+)/.exec(info);
      return m ? Number(m[1]) : 7;
    });
    v.catch(() => versions.delete(node));
    versions.set(node, v);
  }
  return v;
}

/** Runs a script, loading it on NOSCRIPT. */
export async function evalScript(
  node: Redis,
  script: Script,
  keys: Buffer[],
  args: (string | Buffer)[],
) {
  try {
    return await sendBuffer(node, "EVALSHA", [script.sha, keys.length, ...keys, ...args]);
  } catch (e) {
    if (!/NOSCRIPT/.test((e as Error).message)) throw e;
    return sendBuffer(node, "EVAL", [script.body, keys.length, ...keys, ...args]);
  }
}

/** Scripts can be off for a user (ACL without @scripting) or a managed service: fall back. */
export function scriptRefused(e: unknown): boolean {
  const m = (e as Error)?.message ?? "";
  return /NOPERM|unknown command|disabled/i.test(m);
}
