import type { App } from "./open-app.ts";

export interface PolicyView {
  profile: string;
  profileId: string;
  reason: string;
  source: "user" | "managed";
}

/** Forced read-only as the CLI and API manage it (by profile name or id). */
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

  force(refs: string[], reason: string): PolicyView[] {
    const profiles = refs.map((r) => this.app.profiles.resolve(r));
    for (const p of profiles) {
      this.app.policies.force({ profileId: p.id, reason, source: "user", createdAt: Date.now() });
    }
    return this.list().filter((v) => profiles.some((p) => p.id === v.profileId));
  }

  clear(refs: string[]): string[] {
    const profiles = refs.map((r) => this.app.profiles.resolve(r));
    for (const p of profiles) this.app.policies.clear(p.id);
    return profiles.map((p) => p.name);
  }
}
