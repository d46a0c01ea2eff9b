import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ApiError } from "../../api/client.ts";
import {
  type AlertRule,
  type AlertRuleView,
  type AlertStateName,
  obsApi,
} from "../../api/observability.ts";
import { obsKeys, useAlertRules } from "../../api/observability-hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { ENV_LABEL, formatTime } from "../../lib/format.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { PlusIcon } from "../../ui/icons.tsx";
import { MutationError } from "../../ui/notices.tsx";
import { durationText, formatMetric } from "../dashboard/format.ts";
import { RuleDialog } from "./rule-dialog.tsx";

const STATE_ORDER: AlertStateName[] = ["firing", "pending", "resolved", "normal"];
const STATE_LABEL: Record<AlertStateName, string> = {
  firing: "Firing",
  pending: "Pending",
  resolved: "Resolved",
  normal: "Normal",
};

/** The rule's worst state over its connections. */
function overall(rule: AlertRuleView): AlertStateName {
  for (const s of STATE_ORDER) if (rule.states.some((x) => x.state === s)) return s;
  return "normal";
}

export function conditionText(r: AlertRule): string {
  const what =
    r.reduce === "last" ? r.metric : `${r.reduce}(${r.metric}) over ${durationText(r.windowMs)}`;
  return `${what} ${r.op} ${r.threshold}${r.forMs > 0 ? ` for ${durationText(r.forMs)}` : ""}`;
}

function scopeText(r: AlertRule, names: Map<string, string>): string {
  const parts = [
    ...r.scope.environments.map((e) => ENV_LABEL[e]),
    ...r.scope.profiles.map((p) => names.get(p) ?? "(removed connection)"),
  ];
  return parts.length === 0 ? "every connection" : parts.join(", ");
}

/** Alert rules: their state per connection, and create / edit / enable / delete. */
export function AlertsScreen({ profiles }: { profiles: ProfileView[] }) {
  const rules = useAlertRules();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<AlertRule | "new" | undefined>();
  const [deleting, setDeleting] = useState<AlertRule | undefined>();
  const names = new Map(profiles.map((p) => [p.id, p.name]));

  const toggle = useMutation<AlertRule, ApiError, AlertRule>({
    mutationFn: (r) => obsApi.updateAlert(r.id, { enabled: !r.enabled }),
    onSettled: () => void qc.invalidateQueries({ queryKey: obsKeys.alerts }),
  });
  const remove = useMutation<{ removed: true }, ApiError, AlertRule>({
    mutationFn: (r) => obsApi.deleteAlert(r.id),
    onSuccess: () => {
      setDeleting(undefined);
      void qc.invalidateQueries({ queryKey: obsKeys.alerts });
    },
  });

  const list = rules.data ?? [];
  const firing = list.filter((r) => overall(r) === "firing").length;

  return (
    <div className="screen">
      <div className="dash-bar">
        <h1 className="dash-title">Alerts</h1>
        {rules.isSuccess && (
          <span className="muted small">
            {list.length} rule{list.length === 1 ? "" : "s"}
            {firing > 0 ? ` · ${firing} firing` : ""}
          </span>
        )}
        <button
          type="button"
          className="btn btn-primary btn-small push-right"
          onClick={() => setEditing("new")}
        >
          <PlusIcon />
          New rule
        </button>
      </div>
      <MutationError m={toggle} title="Could not change the rule" />
      {rules.isPending ? (
        <p className="muted pad">Loading alert rules…</p>
      ) : rules.isError ? (
        <ErrorNotice
          title="Could not load the alert rules"
          error={rules.error}
          onRetry={() => void rules.refetch()}
        />
      ) : list.length === 0 ? (
        <EmptyState
          title="No alert rules yet"
          action={
            <button type="button" className="btn btn-primary" onClick={() => setEditing("new")}>
              <PlusIcon />
              Create the first rule
            </button>
          }
        >
          <p>
            A rule watches a metric on your connections, e.g. <code>up &lt; 1</code> (a server
            stopped answering) or <code>avg(ping_ms) over 1m &gt; 250</code>, and notifies you here
            and on the desktop when it fires and when it resolves.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table rules-table" aria-label="Alert rules">
            <thead>
              <tr>
                <th scope="col" className="col-state">
                  State
                </th>
                <th scope="col">Rule</th>
                <th scope="col">Scope</th>
                <th scope="col">Severity</th>
                <th scope="col">Notify</th>
                <th scope="col">Enabled</th>
                <th scope="col" className="col-actions">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => {
                const state = r.enabled ? overall(r) : "normal";
                const notable = r.states
                  .filter((s) => s.state !== "normal")
                  .sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state));
                return (
                  <tr
                    key={r.id}
                    className={r.enabled ? undefined : "rule-disabled"}
                    aria-label={r.name}
                  >
                    <td className="rule-cell">
                      <span className={`state state-${r.enabled ? state : "disabled"}`}>
                        {r.enabled ? STATE_LABEL[state] : "Disabled"}
                      </span>
                    </td>
                    <td className="rule-cell">
                      <div className="rule-name">{r.name}</div>
                      <div className="mono small muted">{conditionText(r)}</div>
                      {notable.length > 0 && (
                        <ul className="rule-states" aria-label={`States of ${r.name}`}>
                          {notable.map((s) => (
                            <li key={s.profileId} className={`state-chip state-${s.state}`}>
                              {s.profileName ?? names.get(s.profileId) ?? s.profileId}:{" "}
                              {STATE_LABEL[s.state].toLowerCase()} since {formatTime(s.since)}
                              {s.value !== undefined ? ` (${formatMetric(r.metric, s.value)})` : ""}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="rule-cell small">{scopeText(r, names)}</td>
                    <td className="rule-cell">
                      <span className={`sev sev-${r.severity}`}>{r.severity}</span>
                    </td>
                    <td className="rule-cell small nowrap">
                      {[r.notify.inApp && "in-app", r.notify.desktop && "desktop"]
                        .filter(Boolean)
                        .join(", ") || "none"}
                      {r.sendResolved ? "" : " · no resolve"}
                    </td>
                    <td className="rule-cell">
                      <button
                        type="button"
                        role="switch"
                        aria-checked={r.enabled}
                        aria-label={`Enabled: ${r.name}`}
                        className={r.enabled ? "switch rule-switch on" : "switch rule-switch"}
                        disabled={toggle.isPending}
                        onClick={() => toggle.mutate(r)}
                      >
                        <span className="switch-track" aria-hidden="true">
                          <span className="switch-thumb" />
                        </span>
                      </button>
                    </td>
                    <td className="rule-cell col-actions nowrap">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setEditing(r)}
                        aria-label={`Edit ${r.name}`}
                      >
                        Edit
                      </button>{" "}
                      <button
                        type="button"
                        className="btn btn-small btn-danger-quiet"
                        onClick={() => {
                          remove.reset();
                          setDeleting(r);
                        }}
                        aria-label={`Delete ${r.name}`}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <RuleDialog
          rule={editing === "new" ? undefined : editing}
          profiles={profiles}
          onClose={() => setEditing(undefined)}
        />
      )}
      {deleting && (
        <FormDialog
          title={`Delete alert rule ${deleting.name}?`}
          submitLabel="Delete rule"
          busy={remove.isPending}
          error={remove.error}
          onClose={() => setDeleting(undefined)}
          onSubmit={() => remove.mutate(deleting)}
        >
          <p>
            The rule <strong>{deleting.name}</strong> ({conditionText(deleting)}) stops watching
            now. Its past notifications stay in the notification centre.
          </p>
        </FormDialog>
      )}
    </div>
  );
}
