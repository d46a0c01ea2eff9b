import type { CounterDeltas, EngineReading } from "./engine-reading.ts";
import type { Health } from "./metrics.ts";

export interface HealthThresholds {
  /** A PING slower than this makes the server degraded. */
  slowPingMs: number;
  /** Memory used / maxmemory at or above this makes it degraded. */
  memoryRatio: number;
  /** Connections / max connections at or above this makes it degraded. */
  connectionsRatio: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  slowPingMs: 250,
  memoryRatio: 0.95,
  connectionsRatio: 0.95,
};

export interface HealthInput {
  /** The PING answer, or why there was none. */
  ping: { ok: true; ms: number } | { ok: false; error: string };
  /** The stats answer when PING worked; `statsError` when it did not come. */
  reading?: EngineReading;
  statsError?: string;
  deltas?: CounterDeltas;
  thresholds?: HealthThresholds;
}

export interface HealthAssessment {
  health: Health;
  reasons: string[];
}

const pct = (r: number) => `${Math.round(r * 100)}%`;

/**
 * ok / degraded / down with the reasons, from one poll. Down: PING failed (the reason is the
 * error). Degraded: it answers, but something needs a look (slow PING, loading, replication link
 * down, memory or connections near the limit, connections refused since the previous poll).
 */
export function assessHealth(input: HealthInput): HealthAssessment {
  if (!input.ping.ok) return { health: "down", reasons: [input.ping.error] };
  const t = input.thresholds ?? DEFAULT_HEALTH_THRESHOLDS;
  const reasons: string[] = [];
  if (input.ping.ms >= t.slowPingMs)
    reasons.push(`PING took ${Math.round(input.ping.ms)} ms (over ${t.slowPingMs} ms)`);
  if (input.statsError) reasons.push(`stats unavailable: ${input.statsError}`);
  const r = input.reading;
  if (r) {
    if (r.loading) reasons.push("the server is loading its data set");
    if (r.replicationLink === "down") reasons.push("the replication link to the primary is down");
    if (r.usedMemory !== undefined && r.maxMemory) {
      const ratio = r.usedMemory / r.maxMemory;
      if (ratio >= t.memoryRatio)
        reasons.push(
          `memory at ${pct(ratio)} of ${r.engine === "redis" ? "maxmemory" : "the memory limit"}`,
        );
    }
    if (r.clients !== undefined && r.maxClients) {
      const ratio = r.clients / r.maxClients;
      if (ratio >= t.connectionsRatio)
        reasons.push(`connections at ${pct(ratio)} of the limit (${r.maxClients})`);
    }
  }
  const d = input.deltas?.counters;
  if (d) {
    if (d.rejected > 0) reasons.push(`${d.rejected} connection(s) refused since the last poll`);
    if (d.listenDisabled > 0) reasons.push("the server stopped accepting connections (limit hit)");
  }
  return { health: reasons.length > 0 ? "degraded" : "ok", reasons };
}
