import type { FeatureName, FeatureSwitches } from "@cachify/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { request } from "./client.ts";
import { useLiveMessages } from "./live-bus.ts";

export type { FeatureName, FeatureSwitches };

/** `GET /api/settings/features` (docs/api.md, "Settings"). */
export interface FeaturesView {
  /** In force in the studio now (saved, with overrides applied). */
  features: FeatureSwitches;
  /** As saved in the data folder. */
  saved: FeatureSwitches;
  /** Switches an environment variable holds off for this studio process, and why. */
  overrides: Partial<Record<FeatureName, string>>;
  info: Record<FeatureName, { label: string; off: string }>;
  dataDir: string;
}

export const featuresApi = {
  get: (signal?: AbortSignal) => request<FeaturesView>("GET", "/api/settings/features", { signal }),
  update: (input: Partial<FeatureSwitches>) =>
    request<FeaturesView>("PUT", "/api/settings/features", { body: input }),
};

export const featureKeys = { all: ["settings", "features"] as const };

/** The switches, kept current by the studio's push when they change (here or from the CLI). */
export function useFeatures() {
  const qc = useQueryClient();
  useLiveMessages((m) => {
    const msg = m as { type: string; features?: unknown };
    if (msg.type !== "features" || typeof msg.features !== "object" || msg.features === null)
      return;
    const pushed = msg.features as FeaturesView;
    // A push is newer than an answer still on its way (a refetch after this window's own save):
    // that answer is dropped, so it cannot put the old switches back over the pushed ones.
    void qc
      .cancelQueries({ queryKey: featureKeys.all })
      .then(() => qc.setQueryData(featureKeys.all, pushed));
  });
  return useQuery({
    queryKey: featureKeys.all,
    queryFn: ({ signal }) => featuresApi.get(signal),
    staleTime: 30_000,
  });
}
