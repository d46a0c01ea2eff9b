import { join } from "node:path";
import { CodecPool } from "@cachify/codecs";
import { OperationGate, type OperationSample, type Origin, ProviderPool } from "@cachify/core";
import { checkTlsFiles } from "@cachify/redis";
import { openStore, type Store } from "@cachify/store";
import { FeatureService } from "../app/feature-service.ts";
import { HistoryFeed } from "../app/history-feed.ts";
import { ManagedPolicySource } from "../app/managed-policy.ts";
import { ObservabilityService } from "../app/observability/service.ts";
import { CombinedPolicies } from "../app/policies.ts";
import { ProfileService } from "../app/profile-service.ts";
import { RollbackService } from "../app/rollback-service.ts";
import { SnapshotSettingsService } from "../app/snapshot-settings-service.ts";
import type { DecodeValue } from "../app/values/value-view.ts";
import { WorkflowService } from "../app/workflows/service.ts";
import { decoderRegistry } from "./decoders.ts";
import { createProvider } from "./provider-factory.ts";

/**
 * The composition root, the one place that knows the adapters: wires the store and the engine
 * providers into the core and the application services (apps/studio/src/app imports no adapter).
 */
export interface App {
  dataDir: string;
  store: Store;
  history: HistoryFeed;
  gate: OperationGate;
  profiles: ProfileService;
  pool: ProviderPool;
  policies: CombinedPolicies;
  managedPolicy: ManagedPolicySource;
  observers: ((s: OperationSample) => void)[];
  /** The V2 switches (snapshots, metrics, alerts, retries), read at run time by the gate and the collector. */
  features: FeatureService;
  /** Health, metrics, timeline, alerts; its collector runs only in the studio (startCollector). */
  observability: ObservabilityService;
  /** Workflows: templates, dry-run plans, confirmed executions, history and reruns. */
  workflows: WorkflowService;
  /** Snapshot retention and sensitive key patterns. */
  snapshotSettings: SnapshotSettingsService;
  /**
   * Decodes a value in a worker thread of the codec pool (every format and compression layer,
   * the chain given or detected), so a slow or hostile value never holds the server's event loop.
   */
  decodeValue: DecodeValue;
  /** Every format and layer name decodeValue knows, for a "view as" menu. */
  decoderFormats: readonly string[];
  /** The rollback helper, for one caller (its origin goes into the audit). */
  rollback(origin: Origin): RollbackService;
  close(): Promise<void>;
}

export interface AppOptions {
  dataDir: string;
  /** The managed policy file (default: $CACHIFY_MANAGED_POLICY, else managed-policy.json in the data folder). */
  managedPolicyPath?: string;
}

export function openApp(options: AppOptions): App {
  const store = openStore(options.dataDir);
  // Retention runs at start, on a settings change and every few minutes (whole batches by index),
  // so old pre-images never pile up.
  const snapshotSettings = new SnapshotSettingsService({
    snapshotSettings: store.snapshotSettings,
    snapshots: store.snapshots,
  });
  snapshotSettings.start();
  const managedPolicy = new ManagedPolicySource(
    options.managedPolicyPath ??
      process.env.CACHIFY_MANAGED_POLICY ??
      join(options.dataDir, "managed-policy.json"),
  );
  const policies = new CombinedPolicies(store.policies, managedPolicy, store.profiles);
  const history = new HistoryFeed(store.history);
  const pool = new ProviderPool(createProvider);
  const observers: ((s: OperationSample) => void)[] = [];
  // The V2 switches, all on by default: Settings → Features or `cachify settings`, and
  // CACHIFY_SNAPSHOTS=off still holds snapshots off for one process.
  const features = new FeatureService(store.features, options.dataDir);
  const gate = new OperationGate({
    providers: pool,
    history,
    policies,
    observers,
    // Both read at each operation, so a switch applies without a restart.
    snapshots: {
      store: store.snapshots,
      policyFor: () => {
        const excluded = snapshotSettings.excluded()?.matches;
        return { enabled: features.current().snapshots, ...(excluded ? { excluded } : {}) };
      },
    },
    features: () => features.current(),
    // Settings → Guardrails (dev and staging; prod is fixed), also read at each operation.
    guardrails: () => store.guardrails.get(),
    // Sensitive key patterns: their names are recorded as prefix + keyed hash
    // (docs/design/safety.md#redaction).
    redactor: store.keyRedactor,
  });
  const profiles = new ProfileService(store.profiles, policies, pool, gate, checkTlsFiles);
  // Profile and policy changes go through the gate's guard too (ProfileService calls gate.change).
  const rollback = (origin: Origin) =>
    new RollbackService({ gate, pool, snapshots: store.snapshots, profiles }, origin);
  const observability = new ObservabilityService({
    store,
    profiles,
    gate,
    history,
    observers,
    features,
  });
  const workflows = new WorkflowService({
    gate,
    pool,
    plans: store.plans,
    executions: store.executions,
    templates: store.savedTemplates,
    resolveProfile: (ref) => profiles.resolve(ref),
    snapshotsOff: () => features.snapshotsOffReason(),
    unsnapshotted: () => snapshotSettings.excluded(),
    redactor: store.keyRedactor,
    rollback: {
      // onAbort stopAndRollback: the snapshot service puts the execution's keys back.
      rollbackExecution: async (executionId, _profileId, execution) => {
        const record = store.executions.get(executionId);
        const cli = record?.origin === "cli";
        const r = await rollback(cli ? "cli" : "rollback").restore({ executionId }, { execution });
        return { restored: r.restored, skipped: r.skipped, failed: r.failed };
      },
    },
  });
  // A studio that stopped mid-way left executions `running`: they are interrupted, never lost.
  workflows.recover();
  // Its workers start on the first decode, so a CLI run that never views a value starts none.
  const codecs = new CodecPool();
  let closed = false;
  const app: App = {
    dataDir: options.dataDir,
    store,
    history,
    gate,
    profiles,
    pool,
    policies,
    managedPolicy,
    observers,
    features,
    observability,
    workflows,
    snapshotSettings,
    rollback,
    decodeValue: (bytes, chain, limits) => codecs.view(bytes, chain, limits),
    decoderFormats: decoderRegistry().names(),
    async close() {
      if (closed) return;
      closed = true;
      snapshotSettings.stop();
      await workflows.close();
      await observability.stopCollector();
      await pool.closeAll();
      await codecs.close();
      history.flush();
      store.close();
    },
  };
  return app;
}

/** What to tell the user when the store file was unreadable and a fresh one was started. */
export function recoveryNotice(r: { movedTo: string; reason: string }): string {
  return `the data file was unreadable (${r.reason}); it was kept as ${r.movedTo} and a new, empty store was started. Profiles and history from before are in that file.`;
}
