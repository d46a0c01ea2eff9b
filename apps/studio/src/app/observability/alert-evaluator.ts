import {
  type AlertRepository,
  type AlertRule,
  type AlertState,
  alertEvent,
  evaluateAlert,
  type HistoryEvent,
  initialAlertState,
  reduceWindow,
  ruleApplies,
} from "@cachify/core";
import type { LiveBus } from "./live-bus.ts";
import type { AlertNotifier } from "./notifier.ts";
import type { Watch } from "./watch.ts";

export interface AlertEvaluatorDeps {
  alerts: Pick<AlertRepository, "listRules" | "listStates" | "saveStates">;
  history: { append(event: HistoryEvent): void };
  live: LiveBus;
  notifier: Pick<AlertNotifier, "notify">;
  /** The "alerts" switch, read at each poll: off, rules are not evaluated and nothing notifies. */
  enabled: () => boolean;
  /** Keeps a notification in flight until the collector stops (it waits for them). */
  track: (p: Promise<unknown>) => void;
  /** A profile's alert states changed: its health card is pushed again. */
  changed: (w: Watch) => void;
}

function stateKey(ruleId: string, profileId: string): string {
  return `${ruleId}\0${profileId}`;
}

/**
 * Alert rules evaluated on each poll's points: state changes go to the timeline and the live
 * feed, notices to the notifier, and the states are stored (a restart resumes them).
 */
export class AlertEvaluator {
  private rules: AlertRule[] = [];
  private readonly states = new Map<string, AlertState>();

  constructor(private readonly deps: AlertEvaluatorDeps) {}

  /** Reads the rules and the stored states (at start). */
  load(): void {
    this.reloadRules();
    for (const s of this.deps.alerts.listStates())
      this.states.set(stateKey(s.ruleId, s.profileId), s);
  }

  /** Re-reads the alert rules (after an add, edit or remove). */
  reloadRules(): void {
    this.rules = this.deps.alerts.listRules();
    const ids = new Set(this.rules.map((r) => r.id));
    for (const [k, s] of this.states) if (!ids.has(s.ruleId)) this.states.delete(k);
  }

  list(): AlertState[] {
    return [...this.states.values()];
  }

  evaluate(w: Watch, now: number): void {
    if (!this.deps.enabled()) return;
    const changed: AlertState[] = [];
    for (const rule of this.rules) {
      const key = stateKey(rule.id, w.profile.id);
      if (!ruleApplies(rule, w.profile)) {
        // Out of scope now (the rule or the profile changed): its old state no longer applies.
        const old = this.states.get(key);
        if (old && old.state !== "normal") {
          const reset = { ...old, state: "normal" as const, since: now };
          delete reset.firingSince;
          this.states.set(key, reset);
          changed.push(reset);
        }
        continue;
      }
      const prev = this.states.get(key) ?? initialAlertState(rule.id, w.profile.id, now);
      const value = reduceWindow(rule, w.points, now);
      const decision = evaluateAlert(rule, prev, value, now);
      this.states.set(key, decision.state);
      if (decision.changed || decision.notice) changed.push(decision.state);
      if (decision.changed) {
        const e = alertEvent(rule, w.ref, decision, now);
        if (e) this.deps.history.append(e);
        this.deps.live.publish({
          type: "alert",
          rule: { id: rule.id, name: rule.name, severity: rule.severity },
          profileId: w.profile.id,
          state: decision.state,
          from: decision.changed.from,
        });
      }
      if (decision.notice) {
        this.deps.track(
          this.deps.notifier
            .notify(rule, w.profile, decision.notice, decision.state)
            .catch((e) => console.error(`cachify: notification failed: ${(e as Error).message}`)),
        );
      }
    }
    if (changed.length > 0) {
      this.deps.alerts.saveStates(changed);
      this.deps.changed(w);
    }
  }
}
