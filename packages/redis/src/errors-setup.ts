import { CachifyError, type ConnectionProfile } from "@cachify/core";

/**
 * What the error mappings share: the shape of what ioredis and Node throw, the failure as
 * mapRedisError sees it, and the two kinds of connection-setup error it makes.
 */

export type ErrLike = Error & {
  code?: string;
  name?: string;
  address?: string;
  port?: number;
  host?: string;
  hostname?: string;
  reason?: string;
};

/** A failure being mapped: the error, where it happened, its message, the address it concerns. */
export interface Failure {
  e: unknown;
  err: ErrLike;
  where: string;
  /** Engine replies with what was sent (values included) already cut out. */
  message: string;
  /** host:port of the error, else of the profile, else "the server". */
  target: string;
  profile: ConnectionProfile | undefined;
}

/** A connection-setup failure: says which profile field to change (`details.field`). */
export function setupError(
  code: "connection" | "engine" | "bad-input",
  message: string,
  reason: string,
  field: string | undefined,
  cause: unknown,
  retry: { errorClass?: "connection"; retryable?: boolean } = {},
): CachifyError {
  return new CachifyError(code, message, {
    ...retry,
    ambiguous: false,
    details: { reason, ...(field ? { field } : {}) },
    cause,
  });
}

export function connectTimeout(
  message: string,
  reason: string,
  field: string,
  ms: number,
  cause: unknown,
): CachifyError {
  return new CachifyError("timeout", message, {
    errorClass: "connection",
    retryable: true,
    ambiguous: false,
    details: { reason, field, timeoutMs: ms },
    cause,
  });
}
