import { existsSync, readFileSync, statSync } from "node:fs";
import { badInput, type ConnectionProfile, ENVIRONMENTS, type Environment } from "@cachify/core";

/**
 * The managed policy file: written by an administrator (or configuration management), read by the
 * studio, never written by it. Format:
 *   { "forceReadOnly": { "profiles": ["name", ...], "environments": ["prod"], "reason": "..." } }
 * Reloaded when the file changes, so a policy takes effect without a restart.
 */
export interface ManagedPolicy {
  profiles: Set<string>;
  environments: Set<Environment>;
  reason: string;
}

export function parseManagedPolicy(text: string, path: string): ManagedPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw badInput(`The managed policy file ${path} is not valid JSON (${(e as Error).message}).`);
  }
  const fro = (doc as { forceReadOnly?: unknown })?.forceReadOnly;
  if (fro === undefined) return { profiles: new Set(), environments: new Set(), reason: "" };
  if (typeof fro !== "object" || fro === null) {
    throw badInput(
      `In ${path}, "forceReadOnly" must be an object {profiles, environments, reason}.`,
    );
  }
  const o = fro as Record<string, unknown>;
  const list = (v: unknown, field: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      throw badInput(`In ${path}, forceReadOnly.${field} must be a list of names.`);
    }
    return v as string[];
  };
  const envs = list(o.environments, "environments");
  const badEnv = envs.find((e) => !ENVIRONMENTS.includes(e as Environment));
  if (badEnv) throw badInput(`In ${path}, "${badEnv}" is not an environment (dev, staging, prod).`);
  return {
    profiles: new Set(list(o.profiles, "profiles")),
    environments: new Set(envs as Environment[]),
    reason: typeof o.reason === "string" && o.reason !== "" ? o.reason : "managed policy",
  };
}

export class ManagedPolicySource {
  private cached: { mtimeMs: number; size: number; policy: ManagedPolicy } | undefined;
  private checkedAt = 0;
  /** The last problem reading the file; while there is one, every profile is read-only (fail safe). */
  error: string | undefined;

  constructor(
    readonly path: string,
    private readonly recheckMs = 1000,
  ) {}

  private load(): ManagedPolicy | undefined {
    const now = Date.now();
    if (this.cached && now - this.checkedAt < this.recheckMs) return this.cached.policy;
    this.checkedAt = now;
    if (!existsSync(this.path)) {
      this.cached = undefined;
      this.error = undefined;
      return undefined;
    }
    const st = statSync(this.path);
    if (this.cached && this.cached.mtimeMs === st.mtimeMs && this.cached.size === st.size) {
      return this.cached.policy;
    }
    try {
      const policy = parseManagedPolicy(readFileSync(this.path, "utf8"), this.path);
      this.cached = { mtimeMs: st.mtimeMs, size: st.size, policy };
      this.error = undefined;
      return policy;
    } catch (e) {
      this.cached = undefined;
      this.error = (e as Error).message;
      return undefined;
    }
  }

  /** Why the profile is forced read-only by the file, or undefined. */
  reasonFor(profile: ConnectionProfile): string | undefined {
    const policy = this.load();
    if (this.error)
      return `the managed policy file cannot be read (${this.error}); fix it to allow changes`;
    if (!policy) return undefined;
    if (policy.profiles.has(profile.name) || policy.environments.has(profile.environment)) {
      return `${policy.reason} (managed policy ${this.path})`;
    }
    return undefined;
  }
}
