import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { type ApiError, api } from "../../api/client.ts";
import { useHealthCards } from "../../api/observability-hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { ENV_LABEL, ENV_ORDER, formatCount, formatDuration } from "../../lib/format.ts";
import { profileAddress, readOnlyReason } from "../../lib/profile.ts";
import { routeHref } from "../../lib/route.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { EnvBadge } from "../../ui/env-badge.tsx";
import { DatabaseIcon, PlusIcon } from "../../ui/icons.tsx";
import { ReadOnlyLock } from "../../ui/read-only-lock.tsx";
import { HEALTH_LABEL, HealthDot, healthText } from "../dashboard/health.tsx";

const MODE_LABEL: Record<ProfileView["mode"], string> = {
  standalone: "",
  cluster: " cluster",
  sentinel: " sentinel",
};

/**
 * Every saved connection at a glance, by environment: address, engine, the policy that guards it
 * (read-only and why, timeout, retry), health, and a test button; links to open each one.
 */
export function ConnectionsScreen({
  profiles,
  onAdd,
}: {
  profiles: ProfileView[];
  onAdd: () => void;
}) {
  const health = useHealthCards();
  const cards = new Map((health.data?.profiles ?? []).map((c) => [c.profileId, c]));
  const groups = ENV_ORDER.map((env) => ({
    env,
    items: profiles
      .filter((p) => p.environment === env)
      .sort((a, b) => a.name.localeCompare(b.name)),
  })).filter((g) => g.items.length > 0);
  const locked = profiles.filter((p) => readOnlyReason(p)).length;

  return (
    <div className="screen">
      <div className="dash-bar">
        <h1 className="dash-title">Connections</h1>
        <span className="muted small">
          {formatCount(profiles.length)} connection{profiles.length === 1 ? "" : "s"}
          {locked > 0 ? ` · ${locked} read-only` : ""}
        </span>
        <a
          className="btn btn-small push-right"
          href={routeHref({ tab: "browser", screen: "get-started" })}
        >
          Import or detect…
        </a>
        <button type="button" className="btn btn-primary btn-small" onClick={onAdd}>
          <PlusIcon />
          Add connection
        </button>
      </div>
      {profiles.length === 0 ? (
        <EmptyState
          icon={<DatabaseIcon size={40} />}
          title="No connections yet"
          action={
            <a
              className="btn btn-primary"
              href={routeHref({ tab: "browser", screen: "get-started" })}
            >
              Get started
            </a>
          }
        >
          <p>Find the servers on this machine, import connections from another tool, or add one.</p>
        </EmptyState>
      ) : (
        groups.map(({ env, items }) => (
          <section key={env} className={`conn-group env-${env}`} aria-labelledby={`conn-${env}`}>
            <h2 id={`conn-${env}`} className="conn-group-title">
              <EnvBadge env={env} /> {ENV_LABEL[env]}
              <span className="conn-group-note small">
                {env === "prod"
                  ? "destructive actions ask for the typed name"
                  : "destructive actions ask for a confirmation"}
              </span>
            </h2>
            <div className="table-scroll">
              <table className="table conn-table" aria-label={`${ENV_LABEL[env]} connections`}>
                <colgroup>
                  <col className="w-name" />
                  <col className="w-engine" />
                  <col className="w-addr" />
                  <col />
                  <col className="w-health" />
                  <col className="w-actions" />
                </colgroup>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Engine</th>
                    <th scope="col">Address</th>
                    <th scope="col">Policy</th>
                    <th scope="col">Health</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((p) => (
                    <ConnectionRow key={p.id} profile={p} healthTitle={healthText(cards.get(p.id))}>
                      <span className="conn-health">
                        <HealthDot card={cards.get(p.id)} />
                        <span aria-hidden="true">
                          {cards.get(p.id)?.watched === false
                            ? "not watched"
                            : HEALTH_LABEL[cards.get(p.id)?.health ?? "unknown"]}
                        </span>
                      </span>
                    </ConnectionRow>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))
      )}
    </div>
  );
}

function ConnectionRow({
  profile: p,
  healthTitle,
  children,
}: {
  profile: ProfileView;
  healthTitle: string;
  children: ReactNode;
}) {
  const test = useMutation<{ ok: true; latencyMs: number }, ApiError>({
    mutationFn: () => api.testProfile(p.id),
  });
  const retries = p.retry.maxAttempts - 1;
  return (
    <tr>
      <td>
        <a className="conn-name" href={routeHref({ profileId: p.id, tab: "browser" })}>
          {p.name}
        </a>
      </td>
      <td>
        {p.engine}
        {MODE_LABEL[p.mode]}
      </td>
      <td className="mono">
        {p.nodes && p.nodes.length > 1
          ? `${profileAddress(p)} +${p.nodes.length - 1}`
          : profileAddress(p)}
      </td>
      <td>
        <span className="conn-policy">
          <ReadOnlyLock profile={p} withText />
          <span className="chip">timeout {formatCount(p.timeoutMs)} ms</span>
          <span className="chip">{retries > 0 ? `retry ×${retries}` : "no retry"}</span>
          {p.warnings?.map((w) => (
            <span key={w} className="chip chip-warn" title={w}>
              TLS unverified
            </span>
          ))}
        </span>
      </td>
      <td title={healthTitle}>{children}</td>
      <td className="col-actions">
        <span className="test-result" aria-live="polite">
          {test.isSuccess && <span className="ok">{formatDuration(test.data.latencyMs)}</span>}
          {test.isError && (
            <span className="bad" title={test.error.message}>
              Unreachable
            </span>
          )}
        </span>{" "}
        <button
          type="button"
          className="btn btn-small"
          aria-label={`Test connection ${p.name}`}
          disabled={test.isPending}
          onClick={() => test.mutate()}
        >
          {test.isPending ? "Testing…" : "Test"}
        </button>
      </td>
    </tr>
  );
}
