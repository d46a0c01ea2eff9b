import type { ErrorClass } from "../common/errors.ts";

export type Engine = "redis" | "memcached";
export type RedisMode = "standalone" | "cluster" | "sentinel";
export type Environment = "dev" | "staging" | "prod";
export const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

export interface HostPort {
  host: string;
  port: number;
}

export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  /** false skips certificate verification; the UI shows a warning wherever this profile appears. */
  rejectUnauthorized: boolean;
}

/** contracts.md RetryPolicy. maxAttempts includes the first try: 1 means no retry. */
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
}
