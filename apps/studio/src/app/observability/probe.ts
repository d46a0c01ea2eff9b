import {
  type AlertState,
  assessHealth,
  type ConnectionProfile,
  type HealthCard,
  type HealthInput,
  type HealthThresholds,
  type OperationGate,
  pollValues,
  readEngine,
  toCachifyError,
} from "@cachify/core";
import { alertCounts, unwatchedCard } from "./watch.ts";

/**
 * One-shot health for `cachify health`: PING and stats once per profile through the gate (audited
 * as `origin` reads), assessed like the collector does. No counter deltas (one reading only).
 */
export function probeHealth(
  gate: Pick<OperationGate, "run">,
  profiles: ConnectionProfile[],
  states: AlertState[],
  thresholds: HealthThresholds,
  origin: "cli" | "api",
): Promise<HealthCard[]> {
  return Promise.all(
    profiles.map(async (p) => {
      let ping: HealthInput["ping"];
      const card = unwatchedCard(p, true);
      card.reasons = [];
      try {
        const r = await gate.run(p, { kind: "ping" }, { origin });
        ping = { ok: true, ms: r.latencyMs };
      } catch (e) {
        ping = { ok: false, error: toCachifyError(e).message };
      }
      const input: HealthInput = { ping, thresholds };
      if (ping.ok) {
        try {
          const reading = readEngine(await gate.run(p, { kind: "stats" }, { origin }));
          // One reading only: no counter deltas (refused connections since... nothing).
          input.reading = reading;
          if (reading.version) card.version = reading.version;
          if (reading.role) card.role = reading.role;
        } catch (e) {
          input.statsError = toCachifyError(e).message;
        }
      }
      const assessed = assessHealth(input);
      const now = Date.now();
      card.health = assessed.health;
      card.reasons = assessed.reasons;
      card.up = assessed.health !== "down";
      card.lastPollAt = now;
      if (ping.ok) card.pingMs = Math.round(ping.ms * 1000) / 1000;
      card.metrics = pollValues({
        ts: now,
        health: assessed.health,
        reasons: assessed.reasons,
        ...(ping.ok ? { pingMs: ping.ms } : {}),
        ...(input.reading ? { reading: input.reading } : {}),
      });
      card.alerts = alertCounts(states, p.id);
      return card;
    }),
  );
}
