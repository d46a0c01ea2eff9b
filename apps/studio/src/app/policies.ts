import {
  CachifyError,
  type ConnectionProfile,
  type ForcedReadOnlyPolicy,
  type PolicyRepository,
  type ReadOnlyPolicySource,
} from "@cachify/core";
import type { ManagedPolicySource } from "./managed-policy.ts";

/**
 * Forced read-only from both sources: the user's (UI/CLI, in the store) and the managed policy
 * file. The managed file wins and cannot be cleared from here.
 */
export class CombinedPolicies implements PolicyRepository, ReadOnlyPolicySource {
  constructor(
    private readonly user: PolicyRepository,
    private readonly managed: ManagedPolicySource,
    private readonly profileById: (id: string) => ConnectionProfile | undefined,
  ) {}

  forcedReadOnly(profileId: string): ForcedReadOnlyPolicy | undefined {
    const profile = this.profileById(profileId);
    return profile ? this.forcedReadOnlyFor(profile) : this.user.forcedReadOnly(profileId);
  }

  forcedReadOnlyFor(profile: ConnectionProfile): ForcedReadOnlyPolicy | undefined {
    const managedReason = this.managed.reasonFor(profile);
    if (managedReason) {
      return { profileId: profile.id, reason: managedReason, source: "managed", createdAt: 0 };
    }
    return this.user.forcedReadOnly(profile.id);
  }

  listForced(): ForcedReadOnlyPolicy[] {
    return this.user.listForced();
  }

  force(policy: ForcedReadOnlyPolicy): void {
    this.user.force(policy);
  }

  clear(profileId: string): boolean {
    const profile = this.profileById(profileId);
    const managedReason = profile ? this.managed.reasonFor(profile) : undefined;
    if (managedReason) {
      throw new CachifyError(
        "read-only",
        `"${profile?.name}" is read-only by the managed policy file (${this.managed.path}); the studio never edits that file: ask its owner.`,
      );
    }
    return this.user.clear(profileId);
  }
}
