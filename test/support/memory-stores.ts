import type {
  ConnectionProfile,
  ForcedReadOnlyPolicy,
  HistoryEvent,
  HistoryQuery,
  HistoryRepository,
  PolicyRepository,
} from "@cachify/core";

/** In-memory ports for tests of pure logic and of providers (the SQLite store has its own tests). */
export class MemoryHistory implements HistoryRepository {
  readonly events: HistoryEvent[] = [];
  append(event: HistoryEvent): void {
    this.events.push(event);
  }
  list(query: HistoryQuery): HistoryEvent[] {
    return this.events
      .filter((e) => !query.profileId || e.profileId === query.profileId)
      .slice(-(query.limit ?? 100))
      .reverse();
  }
}

export class MemoryPolicies implements PolicyRepository {
  private readonly forced = new Map<string, ForcedReadOnlyPolicy>();
  forcedReadOnly(profileId: string) {
    return this.forced.get(profileId);
  }
  forcedReadOnlyFor(profile: ConnectionProfile) {
    return this.forced.get(profile.id);
  }
  listForced() {
    return [...this.forced.values()];
  }
  force(policy: ForcedReadOnlyPolicy) {
    this.forced.set(policy.profileId, policy);
  }
  clear(profileId: string) {
    return this.forced.delete(profileId);
  }
}
