/**
 * What the connect guard and ensureConnected throw while a connection is set up: each has a code
 * that mapRedisError (errors.ts) turns into a message naming the profile field to change.
 */

export class SelfConnectError extends Error {
  readonly code = "ESELFCONNECT";
  constructor(
    readonly address: string,
    readonly port: number,
  ) {
    super(`connected to itself on ${address}:${port}`);
  }
}

/** The server took the connection but did not answer the set-up commands in time. */
export class SetupTimeoutError extends Error {
  readonly code = "ESETUPTIMEOUT";
  constructor(
    readonly ms: number,
    readonly field: "timeoutMs" | "connectTimeoutMs",
  ) {
    super(`no answer to the connection set-up within ${ms} ms`);
  }
}

export class ConnectTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  readonly connectTimeout = true;
  constructor(
    readonly ms: number,
    readonly field: "timeoutMs" | "connectTimeoutMs",
    /** tcp: no connection; tls: connected, but the handshake got no answer. */
    readonly stage: "tcp" | "tls",
  ) {
    super(`connect ETIMEDOUT after ${ms} ms (${stage})`);
  }
}

/** What the sentinels said while ioredis looked for the primary (for a precise error). */
export class SentinelLookupError extends Error {
  readonly code = "ESENTINEL";
  constructor(
    readonly unknownMaster: string[],
    readonly failures: { address: string; message: string }[],
    message: string,
  ) {
    super(message);
  }
}
