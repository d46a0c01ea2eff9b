import type { CachifyError, ConnectionProfile } from "@cachify/core";
import type { SentinelLookupError } from "./connect-errors.ts";
import { setupError } from "./errors-setup.ts";

/**
 * Sentinel mode: ioredis found no primary. Says whether the sentinels do not know the master's
 * name, refused our login, or could not be reached (from what they said during the lookup).
 */
export function sentinelError(
  e: SentinelLookupError,
  where: string,
  profile: ConnectionProfile | undefined,
): CachifyError {
  const master = profile?.sentinelMaster ?? "?";
  // A sentinel answers get-master-addr-by-name with nil for an unknown name, and the follow-up
  // SENTINEL SENTINELS with "No such master with that name".
  const unknown = [
    ...e.unknownMaster,
    ...e.failures.filter((f) => /No such master/i.test(f.message)).map((f) => f.address),
  ];
  if (unknown.length > 0) {
    return setupError(
      "connection",
      `${where}: the sentinels (${unknown.join(", ")}) answered but monitor no master named "${master}". Check sentinelMaster in the profile (SENTINEL MASTERS on a sentinel lists the names it monitors).`,
      "sentinel-master-unknown",
      "sentinelMaster",
      e,
    );
  }
  const auth = e.failures.find((f) =>
    /WRONGPASS|NOAUTH|invalid password|invalid username/i.test(f.message),
  );
  if (auth) {
    return setupError(
      "connection",
      `${where}: the sentinel ${auth.address} refused the login (${auth.message.split(" ", 1)[0]}). Check sentinelUsername and sentinelPassword in the profile: the sentinels' own password, not the data nodes' (username/password).`,
      "sentinel-auth",
      "sentinelPassword",
      e,
    );
  }
  // ioredis keeps no cause for a sentinel it could not reach ("Connection is closed.").
  const list = e.failures.map(
    (f) =>
      `${f.address}: ${/^Connection is closed/.test(f.message) ? "refused or closed the connection" : f.message.replace(/^connect /, "")}`,
  );
  return setupError(
    "connection",
    `${where}: could not reach any sentinel${list.length ? ` (${list.join("; ")})` : ""}. Check that the sentinels are running and their addresses in the profile (nodes).`,
    "sentinel-unreachable",
    "nodes",
    e,
    { errorClass: "connection", retryable: true },
  );
}
