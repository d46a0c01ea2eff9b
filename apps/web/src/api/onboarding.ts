import { request } from "./client.ts";
import type { Environment, ProfileView } from "./types.ts";

/** `POST /api/onboarding/detect` (docs/api.md, "Onboarding"). */
export interface DetectFinding {
  engine: "redis" | "memcached";
  host: string;
  port: number;
  address: string;
  url: string;
  source: string;
  status: "found" | "auth-required" | "not-found";
  version?: string;
  latencyMs?: number;
  reason?: string;
  message?: string;
  suggestedName: string;
  existing?: { id: string; name: string };
}

export interface DetectAnswer {
  candidates: DetectFinding[];
  tookMs: number;
}

/** `POST /api/profiles/import`. */
export interface ImportAnswer {
  format: "cachify" | "redisinsight" | "ardm" | "json-list" | "url-list";
  formatLabel: string;
  imported: boolean;
  profiles: ProfileView[];
  notes: string[];
}

/** The add-connection form's fields, as `POST /api/connections/test` and `/api/profiles` take them. */
export interface ConnectionInput {
  name?: string;
  url?: string;
  environment?: Environment;
  readOnly?: boolean;
  timeoutMs?: number | string;
}

export const onboardingApi = {
  detect: (addresses: string[] = [], signal?: AbortSignal) =>
    request<DetectAnswer>("POST", "/api/onboarding/detect", { body: { addresses }, signal }),
  importFile: (input: { content: string; environment?: Environment; dryRun?: boolean }) =>
    request<ImportAnswer>("POST", "/api/profiles/import", { body: input }),
  /** Test connection before saving: the same gated PING as a saved profile's test. */
  testConnection: (input: ConnectionInput) =>
    request<{ ok: true; latencyMs: number }>("POST", "/api/connections/test", { body: input }),
};
