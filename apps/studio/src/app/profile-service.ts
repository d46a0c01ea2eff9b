import {
  badInput,
  buildProfile,
  CachifyError,
  type ConnectionProfile,
  exportProfiles,
  type PolicyRepository,
  type ProfileInput,
  type ProfileRepository,
  type ProfileView,
  type ProviderPool,
  parseProfileFile,
  profileView,
  type ReadOnlyPolicySource,
  readOnlyState,
} from "@cachify/core";

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
    const { profiles } = parseProfileFile(text);
    const taken = profiles.filter((p) => this.repo.getByName(p.name)).map((p) => p.name);
    if (taken.length > 0) {
      throw badInput(
        `Profile name(s) already exist: ${taken.join(", ")}. Rename them in the file or remove the existing ones. Nothing was imported.`,
      );
    }
    this.repo.saveMany(profiles);
    return profiles;
  }

  exportFile(includeSecrets: boolean): string {
    return `${JSON.stringify(exportProfiles(this.repo.list(), { includeSecrets }), null, 2)}\n`;
  }
}
