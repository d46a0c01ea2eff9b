import { type CachifyError, describeTlsFailure } from "@cachify/core";
import { type Failure, setupError } from "./errors-setup.ts";

/**
 * TLS failures Node reports by code: each says which tls.* field of the profile to change, in the
 * words both engines share (`describeTlsFailure` in packages/core/src/profiles/tls-wording.ts). A
 * TLS failure known only by its message is mapped last, in mapRedisError.
 */

/** The TLS error for Node's error code, or undefined when the code is not a TLS one. */
export function tlsError(f: Failure, code: string): CachifyError | undefined {
  const { e, err, where, message, target, profile } = f;
  const d = describeTlsFailure({
    engine: "redis",
    code,
    message,
    ...(err.reason ? { reason: err.reason } : {}),
    ...(err.host ? { host: err.host } : {}),
    target,
    tls: profile?.tls,
    ...(profile ? { profileHost: profile.host } : {}),
  });
  return d && setupError("connection", `${where}: ${d.message}`, d.reason, d.field, e);
}
