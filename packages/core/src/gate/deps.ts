import type { ChallengeRegistry } from "../guardrails/challenges.ts";
import type { GuardrailLevels } from "../guardrails/levels.ts";
import type { Origin, Outcome } from "../history/event.ts";
import type { KeyRedactor } from "../history/redaction.ts";
import type { OperationSpec } from "../operations/classify.ts";
import type { Operation } from "../operations/operation.ts";
import type { HistoryRepository, ReadOnlyPolicySource } from "../ports/stores.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import type { FeatureSwitches } from "../settings/features.ts";
import type { SnapshotDeps } from "../snapshots/stage.ts";
import type { ProviderPool } from "./provider-pool.ts";

/** What every finished operation reports to metrics (no keys, no values). */
export interface OperationSample {
  profileId: string;
  environment: ConnectionProfile["environment"];
  kind: Operation["kind"];
  class: OperationSpec["class"];
  durationMs: number;
  outcome: Outcome;
  attempts: number;
  errorClass?: string;
  /** Who asked (metrics leave the collector's own polls out of the app's figures). */
  origin?: Origin;
}

export interface GateDeps {
  providers: ProviderPool;
  history: HistoryRepository;
  policies: ReadOnlyPolicySource;
  observers?: ((sample: OperationSample) => void)[];
  /** Keys shown per audit event; the rest are counted. */
  auditKeyLimit?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  challenges?: ChallengeRegistry;
  /** The snapshot stage; without it mutations carry no pre-image (V1 behaviour). */
  snapshots?: SnapshotDeps;
  /**
   * The V2 switches, read at each run: retries off makes every operation one attempt whatever the
   * profile's retry policy says (absent: on). Snapshots off is the snapshot policy's `enabled`.
   */
  features?: () => Pick<FeatureSwitches, "retries">;
  /**
   * The guardrail levels of dev and staging (Settings → Guardrails), read at each run (absent:
   * the defaults of docs/design/safety.md#environments-and-guard-levels). Prod stays typed-name
   * whatever this answers.
   */
  guardrails?: () => GuardrailLevels;
  /**
   * Redaction rules (sensitive key patterns): names of matching keys are recorded as their
   * prefix and a keyed hash, in the event's keys and in its error message.
   */
  redactor?: KeyRedactor;
}

export const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
