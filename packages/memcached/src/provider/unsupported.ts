import { CachifyError, type Operation } from "@cachify/core";

/** Why an operation kind has no memcached equivalent, and what to do instead. */
const UNSUPPORTED: Partial<Record<Operation["kind"], string>> = {
  rename: "Memcached has no RENAME: set the value under the new key, then delete the old key.",
  slowlog: "Memcached keeps no slow log: watch its stats instead.",
  latency: "Memcached has no latency monitor: watch PING times and its stats instead.",
  keyspaceEvents: "Memcached publishes no keyspace notifications.",
  commandInfo: "Memcached has no command table (COMMAND INFO is a Redis command).",
  raw: "The command console speaks Redis commands; it is not available for memcached profiles.",
  aclDryRun: "Memcached has no ACL users to check (ACL DRYRUN is a Redis command).",
};

export function unsupported(kind: Operation["kind"]): CachifyError {
  const reason =
    UNSUPPORTED[kind] ??
    `Memcached stores only strings, so ${kind} (a Redis collection operation) does not apply to it.`;
  return new CachifyError("capability", reason, { details: { engine: "memcached", kind } });
}
