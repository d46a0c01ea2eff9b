import {
  type ChangeContext,
  type ConnectionProfile,
  type OperationGate,
  type PolicyView,
  profileView,
} from "@cachify/core";
import type { CombinedPolicies } from "./policies.ts";

/** What forcing read-only needs: the profiles by name, the locks, and the guard of changes. */
export interface PolicyDeps {
  profiles: { list(): ConnectionProfile[]; resolve(ref: string): ConnectionProfile };
  policies: Pick<CombinedPolicies, "forcedReadOnlyFor" | "force" | "clear">;
  /** Profile and policy changes pass the gate's challenges and are audited. */
  guard: Pick<OperationGate, "change">;
}

export type { PolicyView } from "@cachify/core";

/**
 * Forced read-only as the CLI and API manage it (by profile name or id). Each lock holds the
 * profile's id and address (CombinedPolicies); forcing and clearing are audited in history.
 */
export class PolicyService {
  constructor(private readonly deps: PolicyDeps) {}

  list(): PolicyView[] {
    const out: PolicyView[] = [];
    for (const p of this.deps.profiles.list()) {
      const f = this.deps.policies.forcedReadOnlyFor(p);
      if (f) out.push({ profile: p.name, profileId: p.id, reason: f.reason, source: f.source });
    }
    return out;
  }

  force(refs: string[], reason: string, ctx: ChangeContext): PolicyView[] {
    const profiles = refs.map((r) => this.deps.profiles.resolve(r));
    for (const p of profiles) {
      this.deps.guard.change(
        {
          kind: "policy-force",
          profile: p,
          lowered: [],
          summary: `forced read-only: ${reason}`,
          subject: { profile: profileView(p), reason },
        },
        ctx,
        () =>
          this.deps.policies.force({
            profileId: p.id,
            reason,
            source: "user",
            createdAt: Date.now(),
          }),
      );
    }
    return this.list().filter((v) => profiles.some((p) => p.id === v.profileId));
  }

  /**
   * Clears the user locks holding each profile; a managed one is refused (403 / exit 3). Lifting
   * a lock lowers the profile's protection: it asks the confirmation of its environment.
   */
  clear(refs: string[], ctx: ChangeContext): string[] {
    const profiles = refs.map((r) => this.deps.profiles.resolve(r));
    for (const p of profiles) {
      this.deps.guard.change(
        {
          kind: "policy-clear",
          profile: p,
          // A managed lock is refused by the clear itself: no confirmation to ask first.
          lowered:
            this.deps.policies.forcedReadOnlyFor(p)?.source === "user" ? ["forced read-only"] : [],
          summary: "cleared forced read-only",
          subject: { profile: profileView(p) },
        },
        ctx,
        () => this.deps.policies.clear(p.id),
      );
    }
    return profiles.map((p) => p.name);
  }
}
