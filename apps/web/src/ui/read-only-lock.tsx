import type { ProfileView } from "../api/types.ts";
import { readOnlyReason } from "../lib/profile.ts";
import { LockIcon } from "./icons.tsx";

/** The lock shown wherever a profile is read-only; the reason is on hover (title). */
export function ReadOnlyLock({
  profile,
  withText = false,
}: {
  profile: ProfileView;
  withText?: boolean;
}) {
  const reason = readOnlyReason(profile);
  if (!reason) return null;
  return (
    <span className={profile.forcedReadOnly ? "lock lock-forced" : "lock"} title={reason}>
      <LockIcon label={withText ? undefined : reason} />
      {withText && <span>Read-only</span>}
    </span>
  );
}
