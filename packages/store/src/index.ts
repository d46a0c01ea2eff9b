export { SqliteAlertRepository, type StoredNotification } from "./alert-repository.ts";
export { APP_DIR_NAME, type DataDirOptions, resolveDataDir } from "./data-dir.ts";
export { SqliteExecutionRepository } from "./execution-repository.ts";
export { SqliteFeatureSettings } from "./feature-settings.ts";
export { SqliteGuardrailSettings } from "./guardrail-settings.ts";
export {
  HISTORY_DEFAULT_LIMIT,
  HISTORY_MAX_LIMIT,
  SqliteHistoryRepository,
  type StoreHistoryRepository,
} from "./history-repository.ts";
export { KEY_REDACTION_PURPOSE, SensitiveKeyRedactor } from "./key-redactor.ts";
export { LOCAL_KEY_FILE, LocalCipher } from "./local-cipher.ts";
export {
  type HeatmapCell,
  METRIC_SQL,
  type RollupTier,
  type Series,
  type SeriesQuery,
  type SeriesResult,
} from "./metric-queries.ts";
export { SqliteMetricRepository } from "./metric-repository.ts";
export { SqliteObservabilitySettings } from "./metric-settings.ts";
export { type SlowestQuery, SqliteTimelineQueries } from "./metric-timeline.ts";
export {
  currentVersion,
  MIGRATIONS,
  type Migration,
  type MigrationResult,
  runMigrations,
} from "./migrations.ts";
export {
  BUSY_TIMEOUT_MS,
  DB_FILE_NAME,
  openStore,
  type Store,
  type StoreDiagnostics,
  type StoreRecovery,
} from "./open-store.ts";
export { CHUNK_ITEMS } from "./plan-codec.ts";
export { SqlitePlanRepository } from "./plan-repository.ts";
export { SqlitePolicyRepository } from "./policy-repository.ts";
export { SqliteProfileRepository } from "./profile-repository.ts";
export { SqliteSavedTemplateRepository } from "./saved-template-repository.ts";
export {
  type SnapshotRetention,
  SqliteSnapshotRepository,
} from "./snapshot-repository.ts";
export { SqliteSnapshotSettings, snapshotRetention } from "./snapshot-settings.ts";
