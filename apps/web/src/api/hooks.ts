import {
  type InfiniteData,
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { ApiError, api, rollbackApi, workflowApi } from "./client.ts";
import type {
  CollectionItems,
  CollectionPage,
  CollectionType,
  ExecutionSummary,
  HistoryEvent,
  KeyRow,
  KeysPage,
  NewProfile,
  ProfileView,
  ValueType,
} from "./types.ts";

/** Query keys in one place so invalidation and live updates agree with the readers. */
export const qk = {
  profiles: ["profiles"] as const,
  keys: (profileId: string, match: string, type: string) =>
    ["keys", profileId, match, type] as const,
  keysOf: (profileId: string) => ["keys", profileId] as const,
  value: (profileId: string, keyBase64: string) => ["value", profileId, keyBase64] as const,
  /** Under the value's key, so a live change to the connection refreshes both. */
  members: (profileId: string, keyBase64: string, type: string, match: string) =>
    ["value", profileId, keyBase64, "members", type, match] as const,
  serverInfo: (profileId: string) => ["server-info", profileId] as const,
  slowlog: (profileId: string) => ["slowlog", profileId] as const,
  policies: ["policies"] as const,
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

/**
 * Scans keys page by page. `pageSize` is read when each page is asked for, so "load all" can
 * ask for bigger pages without restarting the scan (COUNT is only a hint to SCAN).
 */
export function useKeys(
  profileId: string,
  match: string,
  type: ValueType | "",
  pageSize: () => number = () => SCAN_COUNT,
) {
  return useInfiniteQuery<
    KeysPage,
    ApiError,
    { pages: KeysPage[]; pageParams: string[] },
    readonly unknown[],
    string
  >({
    queryKey: qk.keys(profileId, match, type),
    queryFn: ({ pageParam, signal }) =>
      api.keys(profileId, { match, type, count: pageSize(), cursor: pageParam }, signal),
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

/** A collection's members, page by page ("load more"). */
export function useMembers<T extends CollectionType>(
  profileId: string,
  keyBase64: string,
  type: T,
  match: string,
) {
  return useInfiniteQuery<
    CollectionPage<CollectionItems[T]>,
    ApiError,
    InfiniteData<CollectionPage<CollectionItems[T]>, string>,
    readonly unknown[],
    string
  >({
    queryKey: qk.members(profileId, keyBase64, type, match),
    queryFn: ({ pageParam, signal }) =>
      api.members(
        profileId,
        type,
        { keyBase64, cursor: pageParam, count: MEMBER_PAGE, ...(match ? { match } : {}) },
        signal,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => (last.done ? undefined : last.cursor),
    staleTime: 0,
  });
}

export const MEMBER_PAGE = 200;

export function useServerInfo(profileId: string, enabled: boolean) {
  return useQuery({
    queryKey: qk.serverInfo(profileId),
    queryFn: ({ signal }) => api.serverInfo(profileId, signal),
    enabled,
    staleTime: 5_000,
  });
}

export function useSlowlog(profileId: string, enabled: boolean) {
  return useQuery({
    queryKey: qk.slowlog(profileId),
    queryFn: ({ signal }) => api.slowlog(profileId, 100, signal).then((r) => r.entries),
    enabled,
    staleTime: 5_000,
    retry: (n, e) => !(e instanceof ApiError && e.code === "capability") && retryPolicy(n, e),
  });
}

export function useCapabilities(profileId: string) {
  return useQuery({
    queryKey: ["capabilities", profileId],
    queryFn: ({ signal }) => api.capabilities(profileId, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function usePolicies() {
  return useQuery({
    queryKey: qk.policies,
    queryFn: ({ signal }) => api.policies(signal),
  });
}

/**
 * Edits the keys already loaded in every cached listing of a connection (after a create, a
 * rename, a delete or a TTL change), so the user sees the change without re-scanning.
 */
export function editLoadedKeys(
  qc: QueryClient,
  profileId: string,
  edit: (keys: KeyRow[], page: number, filter: { match: string; type: string }) => KeyRow[],
  /** Keys added (+1) or removed (-1) in the database: keeps "X of N" honest. */
  totalDelta = 0,
): void {
  const lists = qc.getQueriesData<InfiniteData<KeysPage, string>>({
    queryKey: qk.keysOf(profileId),
  });
  for (const [queryKey, data] of lists) {
    if (!data) continue;
    const filter = { match: String(queryKey[2] ?? "*"), type: String(queryKey[3] ?? "") };
    qc.setQueryData<InfiniteData<KeysPage, string>>(queryKey, {
      ...data,
      pages: data.pages.map((p, i) => ({
        ...p,
        keys: edit(p.keys, i, filter),
        ...(p.total !== undefined ? { total: Math.max(0, p.total + totalDelta) } : {}),
      })),
    });
  }
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

// ---------- workflows and rollback ----------

/** Query keys of the workflow and rollback screens. */
export const wfk = {
  templates: ["workflow-templates"] as const,
  plan: (planId: string) => ["workflow-plan", planId] as const,
  planPage: (planId: string, page: number, pageSize: number) =>
    ["workflow-plan", planId, page, pageSize] as const,
  executions: (profileId: string) => ["workflow-executions", profileId] as const,
  execution: (id: string) => ["workflow-execution", id] as const,
  snapshots: (profileId: string) => ["snapshots", profileId] as const,
  snapshotList: (profileId: string, filter: string) => ["snapshots", profileId, filter] as const,
  snapshot: (id: string) => ["snapshot", id] as const,
};

export function useWorkflowTemplates() {
  return useQuery({
    queryKey: wfk.templates,
    queryFn: ({ signal }) => workflowApi.templates(signal).then((r) => r.templates),
    staleTime: 30_000,
  });
}

/** One page of a plan; polled while the dry-run still counts (pushed progress comes first). */
export function usePlanPage(planId: string | undefined, page: number, pageSize: number) {
  return useQuery({
    queryKey: wfk.planPage(planId ?? "", page, pageSize),
    queryFn: ({ signal }) => workflowApi.planPage(planId!, page, pageSize, signal),
    enabled: planId !== undefined,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    refetchInterval: (q) => (q.state.data?.status === "building" ? 1500 : false),
    // The end of a count may come before the live feed is listened to: keep asking while the
    // window is hidden too, or a dry-run finished behind it would show "counting" for good.
    refetchIntervalInBackground: true,
  });
}

export const EXECUTIONS_PAGE = 50;

export function useExecutions(profileId: string, enabled = true) {
  return useInfiniteQuery<
    { executions: ExecutionSummary[] },
    ApiError,
    InfiniteData<{ executions: ExecutionSummary[] }, string>,
    readonly unknown[],
    string
  >({
    queryKey: wfk.executions(profileId),
    queryFn: ({ pageParam, signal }) =>
      workflowApi.executions(
        { profileId, limit: EXECUTIONS_PAGE, ...(pageParam ? { beforeId: pageParam } : {}) },
        signal,
      ),
    initialPageParam: "",
    getNextPageParam: (last) =>
      last.executions.length < EXECUTIONS_PAGE ? undefined : last.executions.at(-1)?.executionId,
    enabled,
    staleTime: 5_000,
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.executions.some((e) => e.status === "running"))
        ? 3000
        : false,
  });
}

export function useExecution(id: string | undefined, errorsOnly = false) {
  return useQuery({
    queryKey: [...wfk.execution(id ?? ""), errorsOnly],
    queryFn: ({ signal }) => workflowApi.execution(id!, { attempts: 1000, errorsOnly }, signal),
    enabled: id !== undefined,
    staleTime: 2_000,
    refetchInterval: (q) => (q.state.data?.status === "running" ? 2000 : false),
  });
}

export function useSnapshots(
  profileId: string,
  filter: { keyBase64?: string; executionId?: string; operationId?: string },
  limit = 500,
) {
  return useQuery({
    queryKey: wfk.snapshotList(profileId, JSON.stringify({ ...filter, limit })),
    queryFn: ({ signal }) =>
      rollbackApi.snapshots({ profileId, ...filter, limit }, signal).then((r) => r.snapshots),
    staleTime: 0,
  });
}

export function useSnapshot(id: string | undefined) {
  return useQuery({
    queryKey: wfk.snapshot(id ?? ""),
    queryFn: ({ signal }) => rollbackApi.snapshot(id!, signal),
    enabled: id !== undefined,
    staleTime: 0,
  });
}
