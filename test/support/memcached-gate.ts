import {
  buildProfile,
  type ConnectionProfile,
  type Operation,
  OperationGate,
  ProviderPool,
  type ResultOf,
} from "@cachify/core";
import { createMemcachedProvider, type MemcachedProvider } from "@cachify/memcached";
import { MemoryHistory, MemoryPolicies } from "./memory-stores.ts";

export { MemoryHistory, MemoryPolicies };

/**
 * A real operation gate over the memcached provider, as the app builds it: tests drive the
 * provider only through `run`, so every operation carries a real gate ticket.
 */
export class GateFixture {
  readonly providers = new ProviderPool(createMemcachedProvider);
  readonly history = new MemoryHistory();
  readonly gate = new OperationGate({
    providers: this.providers,
    history: this.history,
    policies: new MemoryPolicies(),
  });

  profile(url: string, extra: Record<string, unknown> = {}): ConnectionProfile {
    return buildProfile({ name: `test ${url}`, url, ...extra });
  }

  /** Runs an operation through the gate (destructive ones confirmed, as a user would). */
  run<O extends Operation>(profile: ConnectionProfile, op: O): Promise<ResultOf<O>> {
    return this.gate.run(profile, op, { origin: "cli", confirmation: { acknowledged: true } });
  }

  provider(profile: ConnectionProfile): MemcachedProvider {
    return this.providers.get(profile) as MemcachedProvider;
  }

  close(): Promise<void> {
    return this.providers.closeAll();
  }
}

/** Text to key bytes. */
export const k = (text: string): Uint8Array => new TextEncoder().encode(text);
