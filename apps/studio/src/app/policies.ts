import {
  CachifyError,
  type ConnectionProfile,
  type ForcedReadOnlyPolicy,
  type PolicyRepository,
} from "@cachify/core";
import type { ManagedPolicySource } from "./managed-policy.ts";

/**
 * Forced read-only from both sources: the user's (UI/CLI, in the store) and the managed policy
 * file. The managed file wins and cannot be cleared from here.
 */
export class CombinedPolicies implements PolicyRepository {
  constructor(
    private readonly user: PolicyRepository,
    private readonly managed: ManagedPolicySource,
    private readonly profileById: (id: string) => ConnectionProfile | undefined,
  ) {}

  forcedReadOnly(profileId: string): ForcedReadOnlyPolicy | undefined {
    const profile = this.profileById(profileId);
    const managedReason = profile ? this.managed.reasonFor(profile) : undefined;
    if (managedReason) return { profileId, reason: managedReason, source: "managed", createdAt: 0 };
    return this.user.forcedReadOnly(profileId);
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
