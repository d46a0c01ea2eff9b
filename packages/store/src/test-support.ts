import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ConnectionProfile, HistoryEvent } from "@cachify/core";
import { afterEach } from "vitest";

/** A fresh temp folder per call, removed after the test that made it. */
export function useTempDirs(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachify-store-"));
    made.push(dir);
    return dir;
  };
}

/** A profile with every optional field set, so a round trip that drops one shows. */
export function fullProfile(overrides: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return {
    id: "prof_1",
    name: "prod cache",
    engine: "redis",
    mode: "sentinel",
    host: "10.0.0.5",
    port: 26379,
    nodes: [
      { host: "10.0.0.6", port: 26379 },
      { host: "10.0.0.7", port: 26380 },
    ],
    sentinelMaster: "mymaster",
    username: "ops",
    password: "s3cret-pässword",
    db: 3,
    tls: {
      ca: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----",
      cert: "CERT",
      key: "KEY",
      servername: "redis.internal",
      rejectUnauthorized: false,
    },
    readOnly: true,
    environment: "prod",
    timeoutMs: 1500,
    connectTimeoutMs: 2500,
    retry: {
      maxAttempts: 3,
      backoff: "exponential",
      initialDelayMs: 50,
      maxDelayMs: 800,
      multiplier: 2,
      jitter: "full",
      retryOn: ["connection", "LOADING"],
    },
    color: "#ff5500",
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_100_000,
    ...overrides,
  };
}

/** A minimal profile: only the required fields. */
export function plainProfile(id: string, name: string): ConnectionProfile {
  return {
    id,
    name,
    engine: "memcached",
    mode: "standalone",
    host: "127.0.0.1",
    port: 11211,
    readOnly: false,
    environment: "dev",
    timeoutMs: 5000,
    connectTimeoutMs: 5000,
    retry: {
      maxAttempts: 1,
      backoff: "constant",
      initialDelayMs: 100,
      maxDelayMs: 100,
      multiplier: 1,
      jitter: "none",
      retryOn: [],
    },
    createdAt: 1,
    updatedAt: 1,
  };
}

export function historyEvent(n: number, overrides: Partial<HistoryEvent> = {}): HistoryEvent {
  return {
    id: `evt_${String(n).padStart(6, "0")}`,
    ts: 1_000_000 + n,
    source: "app",
    kind: "operation",
    severity: "info",
    count: 1,
    ...overrides,
  };
}
