import type { SensitivePattern, SnapshotSettings } from "@cachify/core";
import { useQuery } from "@tanstack/react-query";
import { request } from "./client.ts";

export type { SensitivePattern, SnapshotSettings };

/** A change: any of the fields; `sensitive` replaces the whole list. */
export type SnapshotSettingsInput = Partial<SnapshotSettings>;

/** `PUT /api/rollback/settings` answers the settings now stored and what retention dropped. */
export interface SavedSnapshotSettings extends SnapshotSettings {
  /** Key snapshots deleted because they were past the new limits. */
  pruned: number;
}

/** `GET|PUT /api/rollback/settings` (docs/api.md, "Rollback"). */
export const snapshotSettingsApi = {
  get: (signal?: AbortSignal) =>
    request<SnapshotSettings>("GET", "/api/rollback/settings", { signal }),
  update: (input: SnapshotSettingsInput) =>
    request<SavedSnapshotSettings>("PUT", "/api/rollback/settings", { body: input }),
};

export const snapshotSettingsKeys = { all: ["settings", "snapshots"] as const };

/** Snapshot retention and sensitive key patterns as stored in the studio. */
export function useSnapshotSettings() {
  return useQuery({
    queryKey: snapshotSettingsKeys.all,
    queryFn: ({ signal }) => snapshotSettingsApi.get(signal),
    staleTime: 30_000,
  });
}
