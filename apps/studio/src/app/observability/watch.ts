import {
  type ConnectionProfile,
  type EngineReading,
  type Health,
  type HealthCard,
  type KeyspaceSubscription,
  type MetricPoint,
  type MetricValues,
  minuteOf,
  type ProfileRef,
  RollupBuilder,
} from "@cachify/core";

/** Keyspace notifications of one event name over a window: how many, and the first few keys. */
export interface KeyspaceWindow {
  count: number;
  keys: string[];
}

/** One watched profile: its poll loop and what the last polls found. */
export class Watch {
  timer: NodeJS.Timeout | undefined;
  running = false;
  stopped = false;
  health: Health = "unknown";
  reasons: string[] = [];
  since: number;
  lastPollAt: number | undefined;
  pingMs: number | undefined;
  reading: EngineReading | undefined;
  latest: MetricValues = {};
  points: MetricPoint[] = [];
  rollup: RollupBuilder;
  rollupBucket: number;
  lastEventsAt = 0;
  events: HealthCard["events"] = {};
  keyspace: KeyspaceSubscription | undefined;
  keyspaceCheckedAt = 0;
  /** Per second: keyspace events by event name, for the live push. */
  keyspaceLive = new Map<string, KeyspaceWindow>();
  /** Per minute: the same, for the stored timeline event. */
  keyspaceMinute = new Map<string, KeyspaceWindow>();
  keyspaceMinuteBucket: number;
  seen = new Set<string>();
  heldErrors: Record<string, number> = {};

  constructor(
    public profile: ConnectionProfile,
    now: number,
  ) {
    this.since = now;
    this.rollup = new RollupBuilder(profile.id, profile.environment);
    this.rollupBucket = minuteOf(now);
    this.keyspaceMinuteBucket = minuteOf(now);
  }

  get ref(): ProfileRef {
    return { id: this.profile.id, name: this.profile.name, environment: this.profile.environment };
  }
}

/** The card of a profile the collector does not poll (yet, or at all). */
export function unwatchedCard(p: ConnectionProfile, watched: boolean): HealthCard {
  return {
    profileId: p.id,
    profileName: p.name,
    environment: p.environment,
    engine: p.engine,
    watched,
    health: "unknown",
    reasons: watched ? ["not polled yet"] : ["not watched (switched off for this profile)"],
    metrics: {},
    events: {},
    alerts: { firing: 0, pending: 0 },
  };
}

/** Firing and pending alerts of one profile, for its card. */
export function alertCounts(
  states: Iterable<{ profileId: string; state: string }>,
  profileId: string,
): HealthCard["alerts"] {
  const alerts = { firing: 0, pending: 0 };
  for (const s of states) {
    if (s.profileId !== profileId) continue;
    if (s.state === "firing") alerts.firing++;
    else if (s.state === "pending") alerts.pending++;
  }
  return alerts;
}
