import type { ErrorClass } from "../common/errors.ts";

export type Engine = "redis" | "memcached";
export type RedisMode = "standalone" | "cluster" | "sentinel";
export type Environment = "dev" | "staging" | "prod";
export const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

export interface HostPort {
  host: string;
  port: number;
}

/**
 * TLS settings. `ca`, `cert` and `key` each hold either PEM text (`-----BEGIN ...`) or the absolute
 * path of a PEM file (`/...` or `~/...`), read when the connection is made. `key` is a secret like
 * a password (never in views; in exports only when secrets are asked for), whichever form it has.
 */
export interface TlsOptions {
  /** CA certificate(s) that signed the server's certificate; absent: the system's trusted CAs. */
  ca?: string;
  /** Client certificate, for servers that demand one (tls-auth-clients yes). */
  cert?: string;
  /** Secret: the client certificate's private key. */
  key?: string;
  /** The name sent as SNI and checked against the server certificate (default: the host). */
  servername?: string;
  /** false skips certificate verification; the UI shows a warning wherever this profile appears. */
  rejectUnauthorized: boolean;
}

/**
 * RetryPolicy (docs/design/contracts.md#profiles-and-retry-policy). maxAttempts includes the first
 * try: 1 means no retry.
 */
export interface RetryPolicy {
  maxAttempts: number;
  backoff: "constant" | "exponential";
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  jitter: "none" | "full";
  retryOn: ErrorClass[];
}

export interface ConnectionProfile {
  id: string;
  name: string;
  engine: Engine;
  mode: RedisMode;
  host: string;
  port: number;
  /** Cluster seeds, sentinels, or the memcached pool (in addition to host:port for redis). */
  nodes?: HostPort[];
  sentinelMaster?: string;
  /** Sentinel mode: the ACL user for the sentinels themselves (username/password are the data nodes'). */
  sentinelUsername?: string;
  /** Secret, like password: the sentinels' own password (their requirepass), if they have one. */
  sentinelPassword?: string;
  username?: string;
  /** Secret: never leaves the store in exports unless asked for, never in JSON views. */
  password?: string;
  db?: number;
  tls?: TlsOptions;
  readOnly: boolean;
  environment: Environment;
  timeoutMs: number;
  connectTimeoutMs: number;
  retry: RetryPolicy;
  color?: string;
  createdAt: number;
  updatedAt: number;
}

export const DEFAULT_RETRYABLE: ErrorClass[] = [
  "connection",
  "LOADING",
  "TRYAGAIN",
  "CLUSTERDOWN",
  "MASTERDOWN",
  "READONLY",
];

export const RETRY_DISABLED: RetryPolicy = {
  maxAttempts: 1,
  backoff: "exponential",
  initialDelayMs: 100,
  maxDelayMs: 2000,
  multiplier: 2,
  jitter: "full",
  retryOn: DEFAULT_RETRYABLE,
};

export const PROFILE_DEFAULTS = {
  environment: "dev" as Environment,
  timeoutMs: 5000,
  connectTimeoutMs: 5000,
  readOnly: false,
  mode: "standalone" as RedisMode,
};

/** The public view of a profile: what APIs and `profile show --json` print. Never a secret. */
export interface ProfileView {
  id: string;
  name: string;
  engine: Engine;
  mode: RedisMode;
  host: string;
  port: number;
  nodes?: HostPort[];
  sentinelMaster?: string;
  sentinelUsername?: string;
  hasSentinelPassword?: boolean;
  username?: string;
  hasPassword: boolean;
  db?: number;
  tls?: Omit<TlsOptions, "key"> & { hasKey: boolean };
  environment: Environment;
  readOnly: boolean;
  forcedReadOnly: boolean;
  forcedReadOnlyReason?: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  retry: RetryPolicy;
  color?: string;
  url: string;
  /** Risky settings the UI and CLI show wherever the profile appears (e.g. TLS verification off). */
  warnings?: string[];
}
