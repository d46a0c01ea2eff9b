import type { OperationSpec } from "../operations/classify.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import { type GuardLevel, type GuardrailLevels, levelsFor } from "./levels.ts";

/** What a caller supplied to get past a guardrail. */
export interface Confirmation {
  /** The CLI's explicit command stands for the confirm dialog. */
  acknowledged?: boolean;
  /** The profile name as typed by the user. */
  typedName?: string;
  /** A workflow plan's matched count as typed by the user (CLI: --confirm-count). */
  typedCount?: string;
  /** The API's challenge being answered (bound to one operation). */
  challengeId?: string;
}

/**
 * The table of docs/design/safety.md#environments-and-guard-levels, with the levels of Settings →
 * Guardrails for dev and staging (prod is fixed at typed-name whatever `levels` says). Reads and
 * writes that create never ask. Raw commands have their own row: any write, admin or unknown
 * command is guarded at the `raw` level.
 */
export function requiredLevel(
  profile: ConnectionProfile,
  spec: OperationSpec,
  raw: boolean,
  levels: GuardrailLevels,
): GuardLevel {
  if (spec.class === "read") return "none";
  const env = levelsFor(levels, profile.environment);
  if (raw) return env.raw;
  if (spec.class === "write") return "none";
  return env.destructive;
}
