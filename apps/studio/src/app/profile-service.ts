import {
  badInput,
  buildProfile,
  CachifyError,
  type ConnectionProfile,
  exportProfiles,
  IMPORT_FORMAT_LABEL,
  type ImportFormat,
  newId,
  type OperationGate,
  type Origin,
  type PolicyRepository,
  type ProfileInput,
  type ProfileRepository,
  type ProfileView,
  type ProviderPool,
  parseConnectionsFile,
  profileView,
  type ReadOnlyPolicySource,
  readOnlyState,
} from "@cachify/core";
import { checkTlsFiles } from "@cachify/redis";

export interface ConnectionTestResult {
  ok: true;
  latencyMs: number;
}

export interface ImportResult {
  format: ImportFormat;
  /** What the format is called, for messages ("RedisInsight database export"). */
  formatLabel: string;
  profiles: ConnectionProfile[];
  notes: string[];
  /** False for a dry run: validated, nothing stored. */
  imported: boolean;
}

/** The id prefix of a profile that exists only for one connection test (never stored). */
export const UNSAVED_ID_PREFIX = "unsaved";

/** Profiles as the CLI and the API use them: by name or id, validated, shown without secrets. */
export class ProfileService {
  constructor(
    private readonly repo: ProfileRepository,
    private readonly policies: PolicyRepository & ReadOnlyPolicySource,
    private readonly pool: ProviderPool,
  ) {}

  list(): ConnectionProfile[] {
    return this.repo.list();
  }

  /** By id, else by exact name. Unknown is bad input (exit 2): the user named it. */
  resolve(ref: string): ConnectionProfile {
    const p = this.repo.get(ref) ?? this.repo.getByName(ref);
    if (!p) {
      const names = this.repo.list().map((x) => x.name);
      throw new CachifyError(
        "not-found",
        `No profile named "${ref}". ${names.length ? `Known profiles: ${names.join(", ")}.` : "Add one with: cachify profile add NAME --url redis://127.0.0.1:6379"}`,
      );
    }
    return p;
  }

  view(p: ConnectionProfile): ProfileView {
    const state = readOnlyState(p, this.policies);
    return profileView(
      p,
      state.forced ? { reason: state.reason ?? "forced read-only" } : undefined,
    );
  }

  create(input: ProfileInput): ConnectionProfile {
    const p = buildProfile(input);
    checkTlsFiles(p);
    if (this.repo.getByName(p.name)) {
      throw new CachifyError(
        "conflict",
        `A profile named "${p.name}" already exists: choose another name or remove it first.`,
      );
    }
    this.repo.save(p);
    return p;
  }

  update(ref: string, input: ProfileInput): ConnectionProfile {
    const current = this.resolve(ref);
    const next = buildProfile(input, current);
    checkTlsFiles(next);
    this.repo.save(next);
    void this.pool.drop(current.id);
    return next;
  }

  async remove(ref: string): Promise<ConnectionProfile> {
    const p = this.resolve(ref);
    this.repo.remove(p.id);
    this.policies.clear(p.id);
    await this.pool.drop(p.id);
    return p;
  }

  /** Imports a V1 or current export file: all entries valid and names free, or nothing changes. */
  importFile(text: string): ConnectionProfile[] {
    return this.importConnections(text).profiles;
  }

  /**
   * Imports a connections file of any format `parseConnectionsFile` knows (ours, RedisInsight,
   * Another Redis Desktop Manager, a URL list): every entry valid, its TLS files readable and its
   * name free, or nothing is stored. `dryRun` validates and answers the same without storing.
   */
  importConnections(
    text: string,
    options: { environment?: unknown; dryRun?: boolean } = {},
  ): ImportResult {
    const parsed = parseConnectionsFile(
      text,
      options.environment === undefined ? {} : { environment: options.environment },
    );
    const { profiles } = parsed;
    for (const p of profiles) {
      try {
        checkTlsFiles(p);
      } catch (e) {
        throw badInput(`Profile "${p.name}": ${(e as Error).message} Nothing was imported.`);
      }
    }
    const taken = profiles.filter((p) => this.repo.getByName(p.name)).map((p) => p.name);
    if (taken.length > 0) {
      throw badInput(
        `Profile name(s) already exist: ${taken.join(", ")}. Rename them in the file or remove the existing ones. Nothing was imported.`,
        { taken },
      );
    }
    if (!options.dryRun) this.repo.saveMany(profiles);
    return {
      format: parsed.format,
      formatLabel: IMPORT_FORMAT_LABEL[parsed.format],
      profiles,
      notes: parsed.notes,
      imported: !options.dryRun,
    };
  }

  /**
   * Test connection: a PING through the gate (so it is audited, bounded by the profile's timeout and
   * retried per its policy like any operation). Errors say what to change in the profile.
   */
  async test(
    profile: ConnectionProfile,
    gate: OperationGate,
    origin: Origin,
  ): Promise<ConnectionTestResult> {
    const r = await gate.run(profile, { kind: "ping" }, { origin });
    return { ok: true, latencyMs: Math.round(r.latencyMs * 100) / 100 };
  }

  /**
   * A profile that is not saved (the add-connection form before Save), validated exactly like a
   * saved one (files included). `basedOn` (a saved profile's id or name) fills what the input
   * leaves out, e.g. the password an edit form never receives. It gets a fresh id with the
   * "unsaved" prefix, so its audit event can never be taken for a saved profile's.
   */
  transient(input: ProfileInput & { basedOn?: unknown }): ConnectionProfile {
    const { basedOn, ...fields } = input;
    const base = typeof basedOn === "string" && basedOn !== "" ? this.resolve(basedOn) : undefined;
    const name = fields.name ?? base?.name ?? "unsaved connection";
    const p = buildProfile({ ...fields, name }, base);
    checkTlsFiles(p);
    return { ...p, id: newId(UNSAVED_ID_PREFIX) };
  }

  /** Tests an unsaved profile; its provider (and connection) is closed right after. */
  async testUnsaved(
    input: ProfileInput & { basedOn?: unknown },
    gate: OperationGate,
    origin: Origin,
  ): Promise<ConnectionTestResult> {
    const p = this.transient(input);
    try {
      return await this.test(p, gate, origin);
    } finally {
      await this.pool.drop(p.id);
    }
  }

  /**
   * Test connection plus what the server says it is: the same gated PING on an unsaved profile,
   * then a gated `stats` read for the engine's version (onboarding's detection). The provider is
   * closed right after.
   */
  async probeUnsaved(
    input: ProfileInput,
    gate: OperationGate,
    origin: Origin,
  ): Promise<ConnectionTestResult & { engine: "redis" | "memcached"; version?: string }> {
    const p = this.transient(input);
    try {
      const ping = await this.test(p, gate, origin);
      const stats = await gate.run(p, { kind: "stats" }, { origin });
      return {
        ...ping,
        engine: stats.engine,
        ...(stats.version !== undefined ? { version: stats.version } : {}),
      };
    } finally {
      await this.pool.drop(p.id);
    }
  }

  exportFile(includeSecrets: boolean): string {
    return `${JSON.stringify(exportProfiles(this.repo.list(), { includeSecrets }), null, 2)}\n`;
  }
}
