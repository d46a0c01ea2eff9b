import { OperationGate, type ProviderFactory, ProviderPool } from "@cachify/core";
import { MemoryHistory, MemoryPolicies } from "./memory-stores.ts";

/** A real gate over in-memory stores, for provider tests. */
export function makeTestGate(factory: ProviderFactory) {
  const history = new MemoryHistory();
  const policies = new MemoryPolicies();
  const pool = new ProviderPool(factory);
  const gate = new OperationGate({ providers: pool, history, policies });
  return { gate, history, policies, pool, close: () => pool.closeAll() };
}
