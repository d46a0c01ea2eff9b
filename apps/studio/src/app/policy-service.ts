import { profileView } from "@cachify/core";
import type { ChangeContext } from "./change-guard.ts";
import type { App } from "./open-app.ts";

export interface PolicyView {
  profile: string;
  profileId: string;
  reason: string;
  source: "user" | "managed";
}

/**
 * Forced read-only as the CLI and API manage it (by profile name or id). Each lock holds the
 * profile's id and address (CombinedPolicies); forcing and clearing are audited in history.
 */
export class PolicyService {
  constructor(private readonly app: App) {}

  list(): PolicyView[] {
    const out: PolicyView[] = [];
    for (const p of this.app.profiles.list()) {
      const f = this.app.policies.forcedReadOnlyFor(p);
      if (f) out.push({ profile: p.name, profileId: p.id, reason: f.reason, source: f.source });
    }
    return out;
  }

  force(refs: string[], reason: string, ctx: ChangeContext): PolicyView[] {
    const profiles = refs.map((r) => this.app.profiles.resolve(r));
    for (const p of profiles) {
      this.app.profiles.guard.run(
        {
          kind: "policy-force",
          profile: p,
          lowered: [],
          summary: `forced read-only: ${reason}`,
          subject: { profile: profileView(p), reason },
        },
        ctx,
        () =>
          this.app.policies.force({
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
    const profiles = refs.map((r) => this.app.profiles.resolve(r));
    for (const p of profiles) {
      this.app.profiles.guard.run(
        {
          kind: "policy-clear",
          profile: p,
          // A managed lock is refused by the clear itself: no confirmation to ask first.
          lowered:
            this.app.policies.forcedReadOnlyFor(p)?.source === "user" ? ["forced read-only"] : [],
          summary: "cleared forced read-only",
          subject: { profile: profileView(p) },
        },
        ctx,
        () => this.app.policies.clear(p.id),
      );
    }
    return profiles.map((p) => p.name);
  }
}
