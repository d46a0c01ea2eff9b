import { OperationGate, type OperationSample, ProviderPool } from "@cachify/core";
import { openStore, type Store } from "@cachify/store";
import { HistoryFeed } from "./history-feed.ts";
import { ProfileService } from "./profile-service.ts";
import { createProvider } from "./provider-factory.ts";

/** The composition root: wires the store and the engine adapters into the core. */
export interface App {
  dataDir: string;
  store: Store;
  history: HistoryFeed;
  gate: OperationGate;
  profiles: ProfileService;
  pool: ProviderPool;
  observers: ((s: OperationSample) => void)[];
  close(): Promise<void>;
}

export function openApp(options: { dataDir: string }): App {
  const store = openStore(options.dataDir);
  const history = new HistoryFeed(store.history);
  const pool = new ProviderPool(createProvider);
  const observers: ((s: OperationSample) => void)[] = [];
  const gate = new OperationGate({ providers: pool, history, policies: store.policies, observers });
  const profiles = new ProfileService(store.profiles, store.policies, pool);
  let closed = false;
  return {
    dataDir: options.dataDir,
    store,
    history,
    gate,
    profiles,
    pool,
    observers,
    async close() {
      if (closed) return;
      closed = true;
      await pool.closeAll();
      store.close();
    },
  };
}
