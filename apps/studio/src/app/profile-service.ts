import type { ChangeContext } from "@cachify/core";
import {
  badInput,
  buildProfile,
  CachifyError,
  type Capabilities,
  type ConnectionProfile,
  DETAILED_ERRORS,
  exportProfiles,
  forcedReason,
  IMPORT_FORMAT_LABEL,
  type ImportFormat,
  LISTED_ERRORS,
  loweredProtection,
  newId,
  type OperationGate,
  type Origin,
  type ProfileInput,
  type ProfileRepository,
  type ProfileView,
  type ProviderPool,
  parseConnectionsFile,
  profileChanges,
  profileView,
  readOnlyState,
  removalIsGuarded,
} from "@cachify/core";
import type { CombinedPolicies } from "./policies.ts";

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

/**
 * Checks a profile's TLS files now (on save, import and test), not at the first operation; throws
 * what to fix. The engine adapter's (`checkTlsFiles` of @cachify/redis), passed in by the
 * composition root.
 */
export type TlsCheck = (profile: ConnectionProfile) => void;

/** The id prefix of a profile that exists only for one connection test (never stored). */
export const UNSAVED_ID_PREFIX = "unsaved";

/**
 * Profiles as the CLI and the API use them: by name or id, validated, shown without secrets.
 * Changes that lower a profile's protection are guarded and every change is audited (`guard`);
 * forced read-only locks follow each saved or removed profile (CombinedPolicies.follow).
 */
export class ProfileService {
  constructor(
    private readonly repo: ProfileRepository,
    private readonly policies: CombinedPolicies,
    private readonly pool: ProviderPool,
    readonly guard: Pick<OperationGate, "change">,
    /**
     * The composition root passes the Redis adapter's `checkTlsFiles`. Optional only while
     * open-app is being moved: without it, TLS files are checked at the first connection instead.
     */
    private readonly checkTls: TlsCheck = () => {},
  ) {}

  /** What this profile's engine can do (its provider's capabilities, as the port reports them). */
  capabilities(p: ConnectionProfile): Capabilities {
    return this.pool.get(p).capabilities();
  }

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

  /** The views of many profiles, their locks read in one query (an import's answer). */
  views(ps: ConnectionProfile[]): ProfileView[] {
    const forced = this.policies.forcedReadOnlyForAll(ps);
    return ps.map((p, i) => {
      const f = forced[i];
      return profileView(p, f ? { reason: forcedReason(f) } : undefined);
    });
  }

  create(input: ProfileInput): ConnectionProfile {
    const p = buildProfile(input);
    this.checkTls(p);
    if (this.repo.getByName(p.name)) {
      throw new CachifyError(
        "conflict",
        `A profile named "${p.name}" already exists: choose another name or remove it first.`,
        { details: { param: "name" } },
      );
    }
    // Locks first: a profile at a locked address is never saved unlocked, even for a moment.
    this.policies.follow([{ after: p }]);
    this.repo.save(p);
    return p;
  }

  /**
   * Changes a profile. Lowering its environment, turning read-only off or pointing a prod profile
   * elsewhere asks the confirmation of its current environment (`ctx.confirmation`); the locks
   * on it follow it whatever changes.
   */
  update(ref: string, input: ProfileInput, ctx: ChangeContext): ConnectionProfile {
    const current = this.resolve(ref);
    const next = buildProfile(input, current);
    this.checkTls(next);
    const changes = profileChanges(current, next);
    return this.guard.change(
      {
        kind: "profile-update",
        profile: current,
        lowered: loweredProtection(current, next),
        summary: changes.length > 0 ? `changed ${changes.join(", ")}` : "saved unchanged",
        subject: { from: profileView(current), to: profileView(next) },
      },
      ctx,
      () => {
        this.policies.follow([{ before: current, after: next }]);
        this.repo.save(next);
        void this.pool.drop(current.id);
        return next;
      },
    );
  }

  /**
   * Removes a profile (a prod one only with the typed name). Its locks keep its id and address,
   * so a profile added again at that address is locked as it was.
   */
  async remove(ref: string, ctx: ChangeContext): Promise<ConnectionProfile> {
    const p = this.resolve(ref);
    this.guard.change(
      {
        kind: "profile-remove",
        profile: p,
        lowered: removalIsGuarded(p) ? ["removal"] : [],
        summary: `removed ${p.environment} profile "${p.name}"`,
        subject: { profile: profileView(p) },
      },
      ctx,
      () => {
        this.policies.follow([{ before: p, after: p }]);
        this.repo.remove(p.id);
      },
    );
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
      if (!p.tls) continue;
      try {
        this.checkTls(p);
      } catch (e) {
        throw badInput(`Profile "${p.name}": ${(e as Error).message} Nothing was imported.`);
      }
    }
    // One query for every name (a lookup per entry made big files slow).
    const taken = this.repo.takenNames(profiles.map((p) => p.name));
    if (taken.length > 0) {
      const shown = taken.slice(0, LISTED_ERRORS).join(", ");
      const more = taken.length - LISTED_ERRORS;
      throw badInput(
        `Profile name(s) already exist: ${shown}${more > 0 ? ` and ${more} more` : ""}. Rename them in the file or remove the existing ones. Nothing was imported.`,
        { taken: taken.slice(0, DETAILED_ERRORS) },
      );
    }
    if (!options.dryRun) {
      this.policies.follow(profiles.map((after) => ({ after })));
      this.repo.saveMany(profiles);
    }
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
    this.checkTls(p);
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
