import { CachifyError } from "../common/errors.ts";
import type { OperationSpec } from "../operations/classify.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";

/** What a caller supplied to get past a guardrail. */
export interface Confirmation {
  /** The user acknowledged a confirm dialog (or ran an explicit CLI command). */
  acknowledged?: boolean;
  /** The profile name as typed by the user. */
  typedName?: string;
}

export type GuardLevel = "none" | "confirm" | "typed-name";

/** safety.md's table for single-key operations. */
export function requiredLevel(profile: ConnectionProfile, spec: OperationSpec): GuardLevel {
  if (spec.class === "read" || spec.class === "write") return "none";
  return profile.environment === "prod" ? "typed-name" : "confirm";
}

/** Guardrail stage: throws a confirmation-required error that says exactly what to type. */
export function enforceGuardrail(
  profile: ConnectionProfile,
  spec: OperationSpec,
  kind: string,
  confirmation: Confirmation | undefined,
): void {
  const level = requiredLevel(profile, spec);
  if (level === "none") return;
  if (
    level === "confirm" &&
    (confirmation?.acknowledged || confirmation?.typedName === profile.name)
  )
    return;
  if (level === "typed-name" && confirmation?.typedName === profile.name) return;
  const wrong = confirmation?.typedName !== undefined && confirmation.typedName !== profile.name;
  const what =
    level === "typed-name"
      ? `type the profile name "${profile.name}" to confirm (CLI: --confirm "${profile.name}")`
      : "confirm the change";
  throw new CachifyError(
    "confirmation-required",
    `${wrong ? "The typed name does not match. " : ""}${kind} on ${profile.environment} profile "${profile.name}" is destructive: ${what}.`,
    { details: { level, profile: profile.name, environment: profile.environment } },
  );
}
