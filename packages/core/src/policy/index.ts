export * from "./coverage.ts";
export * from "./profile-change.ts";
// The read-only check itself (enforceReadOnly) is the gate's: only the state is public.
export { forcedReason, type ReadOnlyState, readOnlyState } from "./read-only.ts";
