import {
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useEffect, useRef, useSyncExternalStore } from "react";
import { useLiveStatus } from "./live.tsx";
import { useLiveMessages } from "./live-bus.ts";
import {
  type AppNotification,
  type HealthCard,
  type MetricName,
  type MetricValues,
  type ObservabilitySettings,
  obsApi,
  RANGE_MS,
  type RangeName,
  type TimelineFilters,
  type TimelinePage,
} from "./observability.ts";
import type { HistoryEvent, LiveMessage } from "./types.ts";

/** Query keys of the observability screens; all under "obs" so a reconnect refreshes them. */
export const obsKeys = {
  all: ["obs"] as const,
  health: ["obs", "health"] as const,
  dashboard: (range: RangeName, profileId: string | undefined) =>
    ["obs", "dashboard", range, profileId ?? "*"] as const,
  series: (range: RangeName, metrics: readonly string[], profileId: string | undefined) =>
    ["obs", "series", range, metrics.join(","), profileId ?? "*"] as const,
  timeline: (f: TimelineFilters) => ["obs", "timeline", f] as const,
  alerts: ["obs", "alerts"] as const,
  metrics: ["obs", "metrics"] as const,
  notifications: ["obs", "notifications"] as const,
  settings: ["obs", "settings"] as const,
};

/** Stored rollups are per minute: refetching more often than this shows nothing new. */
function refetchEvery(range: RangeName): number {
  return RANGE_MS[range] <= RANGE_MS["1h"] ? 30_000 : 120_000;
}

export function useHealthCards() {
  return useQuery({
    queryKey: obsKeys.health,
    queryFn: ({ signal }) => obsApi.health(signal),
    // Pushed changes keep it current (see ObservabilityLive); a slow refetch covers the rest.
    staleTime: 60_000,
    refetchInterval: 60_000,
  });
}

export function useDashboard(range: RangeName, profileId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: obsKeys.dashboard(range, profileId),
    queryFn: ({ signal }) => obsApi.dashboard(range, profileId, signal),
    enabled,
    staleTime: 15_000,
    refetchInterval: enabled ? refetchEvery(range) : false,
    placeholderData: keepPreviousData,
  });
}

export function useSeries(
  range: RangeName,
  metrics: readonly MetricName[],
  profileId: string | undefined,
  enabled = true,
) {
  return useQuery({
    queryKey: obsKeys.series(range, metrics, profileId),
    queryFn: ({ signal }) => obsApi.series(range, metrics, profileId, signal),
    enabled,
    staleTime: 15_000,
    refetchInterval: enabled ? refetchEvery(range) : false,
    placeholderData: keepPreviousData,
  });
}

export const TIMELINE_PAGE = 50;

export function useTimeline(filters: TimelineFilters, enabled = true) {
  return useInfiniteQuery<
    TimelinePage,
    Error,
    { pages: TimelinePage[]; pageParams: (string | undefined)[] },
    readonly unknown[],
    string | undefined
  >({
    queryKey: obsKeys.timeline(filters),
    queryFn: ({ pageParam, signal }) =>
      obsApi.timeline({ ...filters, limit: TIMELINE_PAGE }, pageParam, signal),
    initialPageParam: undefined,
    getNextPageParam: (last) => last.nextBeforeId,
    enabled,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}

export function useAlertRules() {
  return useQuery({
    queryKey: obsKeys.alerts,
    queryFn: ({ signal }) => obsApi.alerts(signal).then((r) => r.rules),
    staleTime: 5_000,
  });
}

export function useMetricCatalog() {
  return useQuery({
    queryKey: obsKeys.metrics,
    queryFn: ({ signal }) => obsApi.metrics(signal).then((r) => r.metrics),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export const NOTIFICATION_LIMIT = 100;

export function useNotifications() {
  return useQuery({
    queryKey: obsKeys.notifications,
    queryFn: ({ signal }) => obsApi.notifications(NOTIFICATION_LIMIT, signal),
    staleTime: 60_000,
  });
}

export function useObsSettings() {
  return useQuery({
    queryKey: obsKeys.settings,
    queryFn: ({ signal }) => obsApi.settings(signal),
    staleTime: 60_000,
  });
}

// ---- live points: the collector's per-poll values pushed on the WebSocket --------------------

export interface LivePoint {
  ts: number;
  values: MetricValues;
}

/** How long pushed points are kept in the window (charts fill their newest buckets from them). */
const KEEP_MS = 16 * 60_000;
const MAX_POINTS = 4000;
/** Re-render at most this often however fast the collector polls (the 2 s live target). */
const NOTIFY_MS = 400;

const livePoints = new Map<string, LivePoint[]>();
const liveListeners = new Set<() => void>();
let liveVersion = 0;
let notifyTimer: ReturnType<typeof setTimeout> | undefined;

function notifyLive(): void {
  if (notifyTimer) return;
  notifyTimer = setTimeout(() => {
    notifyTimer = undefined;
    liveVersion++;
    for (const l of liveListeners) l();
  }, NOTIFY_MS);
}

export function pushLivePoint(profileId: string, point: LivePoint): void {
  let xs = livePoints.get(profileId);
  if (!xs) {
    xs = [];
    livePoints.set(profileId, xs);
  }
  xs.push(point);
  const keepFrom = point.ts - KEEP_MS;
  let drop = 0;
  while (drop < xs.length && (xs[drop]!.ts < keepFrom || xs.length - drop > MAX_POINTS)) drop++;
  if (drop > 0) xs.splice(0, drop);
  notifyLive();
}

/** The points pushed for a profile since the window opened (the last 16 minutes at most). */
export function pointsOf(profileId: string): readonly LivePoint[] {
  return livePoints.get(profileId) ?? [];
}

function subscribeLive(l: () => void): () => void {
  liveListeners.add(l);
  return () => liveListeners.delete(l);
}
const subscribeNothing = () => () => {};
const frozenVersion = 0;

/**
 * Re-renders the caller when new points arrive (at most every 400 ms); returns a version. A
 * hidden screen (`enabled` false) keeps what it drew and is not re-rendered.
 */
export function useLiveVersion(enabled = true): number {
  return useSyncExternalStore(enabled ? subscribeLive : subscribeNothing, () =>
    enabled ? liveVersion : frozenVersion,
  );
}

/** The newest pushed values of a profile, or undefined before the first push. */
export function latestValues(profileId: string): LivePoint | undefined {
  return livePoints.get(profileId)?.at(-1);
}

// ---- new notifications (toasts, browser notifications) ---------------------------------------

type NotificationListener = (n: AppNotification) => void;
const notificationListeners = new Set<NotificationListener>();

/** Called for each in-app notification pushed while the window is open. */
export function useNewNotifications(fn: NotificationListener): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const l: NotificationListener = (n) => ref.current(n);
    notificationListeners.add(l);
    return () => {
      notificationListeners.delete(l);
    };
  }, []);
}

// ---- the WebSocket's observability messages into the query cache ------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function upsertCard(qc: QueryClient, card: HealthCard): void {
  qc.setQueryData<{ running: boolean; profiles: HealthCard[] }>(obsKeys.health, (old) => {
    if (!old) return old;
    const i = old.profiles.findIndex((c) => c.profileId === card.profileId);
    const profiles = [...old.profiles];
    if (i >= 0) profiles[i] = card;
    else profiles.push(card);
    return { ...old, profiles };
  });
}

let alertsRefresh: ReturnType<typeof setTimeout> | undefined;
let healthRefreshedAt = 0;

/** Reads the health cards again, at most every 2 s. */
function refreshHealth(qc: QueryClient): void {
  const now = Date.now();
  if (now - healthRefreshedAt < 2000) return;
  healthRefreshedAt = now;
  void qc.invalidateQueries({ queryKey: obsKeys.health });
}

/** Applies one pushed message (docs/api.md: health, metrics, alert, notifications, settings). */
export function applyObservabilityMessage(qc: QueryClient, m: LiveMessage): void {
  const msg = m as LiveMessage & Record<string, unknown>;
  switch (msg.type) {
    case "health":
      if (isObject(msg.card)) upsertCard(qc, msg.card as unknown as HealthCard);
      return;
    case "metrics":
      if (typeof msg.profileId === "string" && typeof msg.ts === "number" && isObject(msg.values)) {
        pushLivePoint(msg.profileId, { ts: msg.ts, values: msg.values as MetricValues });
        // A poll of a profile whose card the window lacks or thinks unknown: the health push
        // came before this window listened (first poll, reconnect). Read the cards again.
        const cards = qc.getQueryData<{ profiles: HealthCard[] }>(obsKeys.health);
        const card = cards?.profiles.find((c) => c.profileId === msg.profileId);
        if (cards && (!card || (card.watched && card.health === "unknown"))) refreshHealth(qc);
      }
      return;
    case "alert": {
      if (isObject(msg.notification)) {
        const n = msg.notification as unknown as AppNotification;
        let added = false;
        qc.setQueryData<{ notifications: AppNotification[]; unread: number }>(
          obsKeys.notifications,
          (old) => {
            if (!old) return old;
            if (old.notifications.some((x) => x.id === n.id)) return old;
            added = true;
            return {
              notifications: [n, ...old.notifications].slice(0, NOTIFICATION_LIMIT),
              unread: old.unread + (n.readAt ? 0 : 1),
            };
          },
        );
        if (!added) void qc.invalidateQueries({ queryKey: obsKeys.notifications });
        for (const l of notificationListeners) l(n);
      }
      // Rule states changed: read them again, at most twice a second.
      if (!alertsRefresh) {
        alertsRefresh = setTimeout(() => {
          alertsRefresh = undefined;
          void qc.invalidateQueries({ queryKey: obsKeys.alerts });
        }, 500);
      }
      return;
    }
    case "notifications":
      if (typeof msg.unread === "number") {
        const unread = msg.unread;
        qc.setQueryData<{ notifications: AppNotification[]; unread: number }>(
          obsKeys.notifications,
          (old) => (old ? { ...old, unread } : old),
        );
        void qc.invalidateQueries({ queryKey: obsKeys.notifications });
      }
      return;
    case "settings":
      if (isObject(msg.settings))
        qc.setQueryData(obsKeys.settings, msg.settings as unknown as ObservabilitySettings);
      return;
  }
}

/**
 * Mounted once in the app: feeds pushed observability messages into the cache, and after a
 * reconnect reads everything again (messages may have been missed meanwhile).
 */
export function useObservabilityLive(): void {
  const qc = useQueryClient();
  const status = useLiveStatus();
  const wasOffline = useRef(false);
  useLiveMessages((m) => applyObservabilityMessage(qc, m));
  useEffect(() => {
    if (status === "offline") wasOffline.current = true;
    if (status !== "live") return;
    if (wasOffline.current) {
      wasOffline.current = false;
      void qc.invalidateQueries({ queryKey: obsKeys.all });
    } else {
      // Pushes made before the socket opened were missed: the cards may be older than them.
      void qc.invalidateQueries({ queryKey: obsKeys.health });
    }
  }, [status, qc]);
}

/** A pushed timeline event: the History feed's messages, minus the transient keyspace ones. */
export function liveTimelineEvent(m: LiveMessage): HistoryEvent | undefined {
  const msg = m as LiveMessage & Record<string, unknown>;
  if (msg.type !== "history" || msg.transient === true || !isObject(msg.event)) return undefined;
  return msg.event as unknown as HistoryEvent;
}
