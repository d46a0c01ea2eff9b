import { existsSync, readFileSync, statSync } from "node:fs";
import {
  badInput,
  type ConnectionProfile,
  ENVIRONMENTS,
  type Environment,
  managedEnvironmentLock,
  managedNameLock,
} from "@cachify/core";

/**
 * The managed policy file: written by an administrator (or configuration management), read by the
 * studio, never written by it. Format:
 *   { "forceReadOnly": { "profiles": ["name", ...], "environments": ["prod"], "reason": "..." } }
 * Reloaded when the file changes, so a policy takes effect without a restart. Each name and each
 * environment is a rule with its own lock (core policy/coverage.ts): once a profile matches a
 * rule, the lock holds its id and address, whatever its name or environment becomes.
 */
export interface ManagedPolicy {
  profiles: Set<string>;
  environments: Set<Environment>;
  reason: string;
  /** The lock of every rule in the file. */
  locks: Set<string>;
}

/** The locks of the rules `profile` matches as it is now (by name, by environment). */
export function matchedRules(policy: ManagedPolicy, profile: ConnectionProfile): string[] {
  const out: string[] = [];
  if (policy.profiles.has(profile.name)) out.push(managedNameLock(profile.name));
  if (policy.environments.has(profile.environment))
    out.push(managedEnvironmentLock(profile.environment));
  return out;
}

export function parseManagedPolicy(text: string, path: string): ManagedPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw badInput(`The managed policy file ${path} is not valid JSON (${(e as Error).message}).`);
  }
  const fro = (doc as { forceReadOnly?: unknown })?.forceReadOnly;
  if (fro === undefined) return policyOf([], [], "");
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
  return policyOf(
    list(o.profiles, "profiles"),
    envs as Environment[],
    typeof o.reason === "string" && o.reason !== "" ? o.reason : "managed policy",
  );
}

function policyOf(names: string[], envs: Environment[], reason: string): ManagedPolicy {
  return {
    profiles: new Set(names),
    environments: new Set(envs),
    reason,
    locks: new Set([...names.map(managedNameLock), ...envs.map(managedEnvironmentLock)]),
  };
}

/** What the file says now; `version` changes whenever that does (read, removed, broken). */
export interface ManagedState {
  policy?: ManagedPolicy;
  /** The last problem reading the file; while there is one, every profile is read-only (fail safe). */
  error?: string;
  version: number;
}

export class ManagedPolicySource {
  private state: ManagedState = { version: 0 };
  private seen: { mtimeMs: number; size: number } | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly path: string,
    private readonly recheckMs = 1000,
  ) {}

  get error(): string | undefined {
    return this.current().error;
  }

  /** Looks at the file at most once per `recheckMs` (an absent file too: operations stay cheap). */
  current(): ManagedState {
    const now = Date.now();
    if (now - this.checkedAt < this.recheckMs) return this.state;
    this.checkedAt = now;
    if (!existsSync(this.path)) {
      if (this.seen !== undefined || this.state.version === 0) this.set({});
      this.seen = undefined;
      return this.state;
    }
    const st = statSync(this.path);
    if (this.seen && this.seen.mtimeMs === st.mtimeMs && this.seen.size === st.size) {
      return this.state;
    }
    this.seen = { mtimeMs: st.mtimeMs, size: st.size };
    try {
      this.set({ policy: parseManagedPolicy(readFileSync(this.path, "utf8"), this.path) });
    } catch (e) {
      this.set({ error: (e as Error).message });
    }
    return this.state;
  }

  private set(next: Omit<ManagedState, "version">): void {
    this.state = { ...next, version: this.state.version + 1 };
  }

  /** The reason shown on a profile the file locks. */
  reason(policy: ManagedPolicy): string {
    return `${policy.reason} (managed policy ${this.path})`;
  }

  /** The reason while the file cannot be read. */
  failSafeReason(error: string): string {
    return `the managed policy file cannot be read (${error}); fix it to allow changes`;
  }
}
