import { CachifyError } from "../common/errors.ts";
import type { OperationSpec } from "../operations/classify.ts";
import type { ForcedReadOnlyPolicy, ReadOnlyPolicySource } from "../ports/stores.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";

export interface ReadOnlyState {
  readOnly: boolean;
  forced: boolean;
  reason?: string;
}

/** How a forced policy is named wherever its lock shows. */
export const forcedReason = (policy: ForcedReadOnlyPolicy): string =>
  `forced by policy: ${policy.reason}`;

export function readOnlyState(
  profile: ConnectionProfile,
  policies: ReadOnlyPolicySource,
): ReadOnlyState {
  const forced = policies.forcedReadOnlyFor(profile);
  if (forced) return { readOnly: true, forced: true, reason: forcedReason(forced) };
  if (profile.readOnly) return { readOnly: true, forced: false, reason: "profile is read-only" };
  return { readOnly: false, forced: false };
}

/** Policy stage: a read-only profile refuses every operation that is not known to be a read. */
export function enforceReadOnly(
  profile: ConnectionProfile,
  spec: OperationSpec,
  kind: string,
  policies: ReadOnlyPolicySource,
): void {
  if (spec.class === "read") return;
  const state = readOnlyState(profile, policies);
  if (!state.readOnly) return;
  const how = state.forced
    ? "Ask whoever set the policy to clear it (cachify policy clear NAME)."
    : "Turn off read-only in the profile to make changes.";
  throw new CachifyError(
    "read-only",
    `Refused: "${profile.name}" is read-only (${state.reason}); ${kind} would change data. ${how}`,
    { details: { profile: profile.name, forced: state.forced } },
  );
}
