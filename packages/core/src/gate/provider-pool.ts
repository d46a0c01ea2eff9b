import type { CacheProvider, ProviderFactory } from "../ports/cache-provider.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";

/** One provider (and its connections) per profile, rebuilt when the profile changes. */
export class ProviderPool {
  private readonly providers = new Map<string, CacheProvider>();

  constructor(private readonly factory: ProviderFactory) {}

  get(profile: ConnectionProfile): CacheProvider {
    const existing = this.providers.get(profile.id);
    if (existing && existing.profile.updatedAt === profile.updatedAt) return existing;
    if (existing) void existing.close();
    const created = this.factory(profile);
    this.providers.set(profile.id, created);
    return created;
  }

  async drop(profileId: string): Promise<void> {
    const p = this.providers.get(profileId);
    this.providers.delete(profileId);
    await p?.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.providers.values()];
    this.providers.clear();
    await Promise.allSettled(all.map((p) => p.close()));
  }
}
