import type { ProfileView } from "../api/types.ts";

/** Why a profile is read-only, worded for a tooltip; undefined when it is writable. */
export function readOnlyReason(p: ProfileView): string | undefined {
  if (p.forcedReadOnly) {
    const reason = p.forcedReadOnlyReason?.trim();
    if (!reason) return "Read-only: forced by policy";
    return /^forced by/i.test(reason)
      ? `Read-only: ${reason}`
      : `Read-only: forced by policy (${reason})`;
  }
  if (p.readOnly) return "Read-only: profile is read-only";
  return undefined;
}

export function profileAddress(p: ProfileView): string {
  return `${p.host}:${p.port}${p.db ? `/${p.db}` : ""}`;
}
