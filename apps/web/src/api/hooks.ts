import {
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { ApiError, api } from "./client.ts";
import type { HistoryEvent, KeysPage, NewProfile, ProfileView, ValueType } from "./types.ts";

/** Query keys in one place so invalidation and live updates agree with the readers. */
export const qk = {
  profiles: ["profiles"] as const,
  keys: (profileId: string, match: string, type: string) =>
    ["keys", profileId, match, type] as const,
  keysOf: (profileId: string) => ["keys", profileId] as const,
  value: (profileId: string, keyBase64: string) => ["value", profileId, keyBase64] as const,
  history: (profileId: string | undefined) => ["history", profileId ?? "*"] as const,
};

export const HISTORY_LIMIT = 200;
export const SCAN_COUNT = 500;

export function useProfiles() {
  return useQuery({
    queryKey: qk.profiles,
    queryFn: ({ signal }) => api.profiles(signal).then((r) => r.profiles),
  });
}

export function useCreateProfile() {
  const qc = useQueryClient();
  return useMutation<ProfileView, ApiError, NewProfile>({
    mutationFn: (input) => api.createProfile(input),
    onSuccess: (created) => {
      qc.setQueryData<ProfileView[]>(qk.profiles, (old) =>
        old ? [...old.filter((p) => p.id !== created.id), created] : [created],
      );
      void qc.invalidateQueries({ queryKey: qk.profiles });
    },
  });
}

export function useKeys(profileId: string, match: string, type: ValueType | "") {
  return useInfiniteQuery<
    KeysPage,
    ApiError,
    { pages: KeysPage[]; pageParams: string[] },
    readonly unknown[],
    string
  >({
    queryKey: qk.keys(profileId, match, type),
    queryFn: ({ pageParam, signal }) =>
      api.keys(profileId, { match, type, count: SCAN_COUNT, cursor: pageParam }, signal),
    initialPageParam: "0",
    getNextPageParam: (last) => (last.done ? undefined : last.cursor),
    // A scan is a point-in-time walk: keep what was loaded instead of silently re-scanning.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useKeyValue(profileId: string, keyBase64: string | undefined) {
  return useQuery({
    queryKey: qk.value(profileId, keyBase64 ?? ""),
    queryFn: ({ signal }) => api.key(profileId, keyBase64!, signal),
    enabled: keyBase64 !== undefined,
    staleTime: 0,
  });
}

export function useHistory(profileId: string | undefined) {
  return useQuery({
    queryKey: qk.history(profileId),
    queryFn: ({ signal }) =>
      api.history({ profileId, limit: HISTORY_LIMIT }, signal).then((r) => r.events),
  });
}

/**
 * Puts a pushed event at the top of the cached history lists it belongs to (newest first). A
 * change to a connection's data also marks its open values stale so they are read again.
 */
export function addLiveEvent(qc: QueryClient, event: HistoryEvent): void {
  if (event.profileId && event.outcome === "ok" && event.operation && event.operation !== "read") {
    void qc.invalidateQueries({ queryKey: ["value", event.profileId] });
  }
  const lists = event.profileId
    ? [qk.history(event.profileId), qk.history(undefined)]
    : [qk.history(undefined)];
  for (const key of lists) {
    qc.setQueryData<HistoryEvent[]>(key, (old) => {
      if (!old) return old; // not loaded yet: the first fetch will include it
      const rest = old.filter((e) => e.id !== event.id);
      return [event, ...rest].sort((a, b) => b.ts - a.ts).slice(0, HISTORY_LIMIT);
    });
  }
}

export function retryPolicy(failureCount: number, error: unknown): boolean {
  return error instanceof ApiError && error.retryable && failureCount < 2;
}
