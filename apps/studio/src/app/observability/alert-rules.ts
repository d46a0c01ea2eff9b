import {
  type AlertRepository,
  type AlertRule,
  type AlertRuleInput,
  type AlertState,
  buildAlertRule,
  newId,
  notFound,
} from "@cachify/core";
import type { ProfileLookup } from "./queries.ts";

export interface AlertRuleView extends AlertRule {
  states: (AlertState & { profileName?: string })[];
}

export interface AlertRuleDeps {
  alerts: Pick<
    AlertRepository,
    "listRules" | "getRule" | "getRuleByName" | "saveRule" | "removeRule"
  >;
  profiles: ProfileLookup;
  /** The alert states now (the running collector's, else the stored ones). */
  states: () => AlertState[];
  /** A rule was added, changed or removed (the running collector reloads them). */
  changed: () => void;
}

/** Alert rules as the API and `cachify alert` manage them (by name or id). */
export class AlertRules {
  constructor(private readonly deps: AlertRuleDeps) {}

  list(): AlertRuleView[] {
    const states = this.deps.states();
    const names = new Map(this.deps.profiles.list().map((p) => [p.id, p.name]));
    return this.deps.alerts.listRules().map((r) => ({
      ...r,
      states: states
        .filter((s) => s.ruleId === r.id)
        .map((s) => ({
          ...s,
          ...(names.has(s.profileId) ? { profileName: names.get(s.profileId)! } : {}),
        })),
    }));
  }

  resolve(ref: string): AlertRule {
    const rule = this.deps.alerts.getRule(ref) ?? this.deps.alerts.getRuleByName(ref);
    if (!rule) {
      const names = this.deps.alerts.listRules().map((r) => r.name);
      throw notFound(
        `No alert rule named "${ref}". ${names.length ? `Rules: ${names.join(", ")}.` : "Add one with: cachify alert add NAME --metric up --op '<' --threshold 1"}`,
      );
    }
    return rule;
  }

  add(input: AlertRuleInput): AlertRule {
    return this.save(buildAlertRule(this.scopeIds(input), undefined, newId("alr"), Date.now()));
  }

  update(ref: string, input: AlertRuleInput): AlertRule {
    const current = this.resolve(ref);
    return this.save(buildAlertRule(this.scopeIds(input), current, current.id, Date.now()));
  }

  remove(ref: string): AlertRule {
    const rule = this.resolve(ref);
    this.deps.alerts.removeRule(rule.id);
    this.deps.changed();
    return rule;
  }

  private save(rule: AlertRule): AlertRule {
    this.deps.alerts.saveRule(rule);
    this.deps.changed();
    return rule;
  }

  /** Profile names in a rule's scope become ids (a rule survives a rename). */
  private scopeIds(input: AlertRuleInput): AlertRuleInput {
    if (!input.scope?.profiles) return input;
    const profiles = input.scope.profiles.map((r) => this.deps.profiles.resolve(r).id);
    return { ...input, scope: { ...input.scope, profiles } };
  }
}
