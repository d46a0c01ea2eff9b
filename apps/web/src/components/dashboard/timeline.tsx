import { useEffect, useId, useMemo, useState } from "react";
import { useLiveMessages } from "../../api/live-bus.ts";
import type { HistorySource, Severity, TimelineFilters } from "../../api/observability.ts";
import { liveTimelineEvent, useTimeline } from "../../api/observability-hooks.ts";
import type { Environment, HistoryEvent, ProfileView } from "../../api/types.ts";
import {
  ENV_LABEL,
  ENV_ORDER,
  ENV_SHORT,
  formatCount,
  formatDuration,
  formatTime,
} from "../../lib/format.ts";
import { EmptyState } from "../empty-state.tsx";
import { ErrorNotice } from "../error-notice.tsx";

const SOURCES: { value: HistorySource; label: string }[] = [
  { value: "app", label: "Studio operations" },
  { value: "stats", label: "Health and server" },
  { value: "slowlog", label: "Slow log" },
  { value: "latency", label: "Latency spikes" },
  { value: "errorstats", label: "Error replies" },
  { value: "keyspace", label: "Keyspace events" },
  { value: "alert", label: "Alerts" },
];
const SOURCE_LABEL = Object.fromEntries(SOURCES.map((s) => [s.value, s.label])) as Record<
  HistorySource,
  string
>;

const SEVERITY_ORDER: Severity[] = ["info", "warning", "error", "critical"];
type MinSeverity = "" | Exclude<Severity, "info">;

function severitiesFrom(min: MinSeverity): Severity[] | undefined {
  if (min === "") return undefined;
  return SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(min));
}

function eventText(e: HistoryEvent): string {
  const keys = e.keys?.length ? e.keys.join(", ") : "";
  const more = (e.keyCount ?? e.keys?.length ?? 0) - (e.keys?.length ?? 0);
  const keyText = keys ? `${keys}${more > 0 ? ` +${formatCount(more)} more` : ""}` : "";
  return [e.message, keyText].filter(Boolean).join(" · ");
}

function matches(e: HistoryEvent, f: TimelineFilters): boolean {
  if (f.profiles?.length && (!e.profileId || !f.profiles.includes(e.profileId))) return false;
  if (f.environments?.length && (!e.environment || !f.environments.includes(e.environment)))
    return false;
  if (f.sources?.length && !f.sources.includes(e.source)) return false;
  if (f.severities?.length && !f.severities.includes(e.severity)) return false;
  if (f.since !== undefined && e.ts < f.since) return false;
  if (f.q) {
    const hay = [e.kind, e.message, e.operation, e.profileName, ...(e.keys ?? [])]
      .filter(Boolean)
      .join(" ")
      .toLowerCase();
    if (!hay.includes(f.q.toLowerCase())) return false;
  }
  return true;
}

/**
 * The unified timeline (studio operations, health changes, slow log, latency, error replies,
 * keyspace events, alerts), newest first, filtered on the server and paged back in time. Events
 * pushed while it is open are added on top when they pass the filters.
 */
export function Timeline({
  profiles,
  profileId,
  since,
}: {
  profiles: ProfileView[];
  /** Fixed to one connection (its Dashboard tab). */
  profileId?: string;
  /** The start of the shared time range. */
  since: number;
}) {
  const ids = { title: useId(), search: useId() };
  const [profile, setProfile] = useState(profileId ?? "");
  const [env, setEnv] = useState<Environment | "">("");
  const [source, setSource] = useState<HistorySource | "">("");
  const [minSeverity, setMinSeverity] = useState<MinSeverity>("");
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const t = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);

  const filters = useMemo<TimelineFilters>(() => {
    const f: TimelineFilters = { since };
    const p = profileId ?? profile;
    if (p) f.profiles = [p];
    if (env) f.environments = [env];
    if (source) f.sources = [source];
    const sev = severitiesFrom(minSeverity);
    if (sev) f.severities = sev;
    if (q) f.q = q;
    return f;
  }, [since, profile, profileId, env, source, minSeverity, q]);

  const timeline = useTimeline(filters);
  const [live, setLive] = useState<HistoryEvent[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new filters start a new live list
  useEffect(() => setLive([]), [filters]);
  useLiveMessages((m) => {
    const e = liveTimelineEvent(m);
    if (!e || !matches(e, filters)) return;
    setLive((xs) => (xs.some((x) => x.id === e.id) ? xs : [e, ...xs].slice(0, 500)));
  });

  const events = useMemo(() => {
    const fetched = timeline.data?.pages.flatMap((p) => p.events) ?? [];
    const seen = new Set(fetched.map((e) => e.id));
    const newest = fetched[0]?.ts ?? 0;
    const fresh = live.filter((e) => !seen.has(e.id) && e.ts >= newest - 60_000);
    return [...fresh, ...fetched].sort((a, b) => b.ts - a.ts);
  }, [timeline.data, live]);

  const names = useMemo(() => new Map(profiles.map((p) => [p.id, p.name])), [profiles]);
  const filtered = Boolean(profile && !profileId) || env || source || minSeverity || q;

  return (
    <section className="panel timeline" aria-labelledby={ids.title}>
      <div className="panel-head">
        <h2 id={ids.title} className="panel-title">
          Timeline
        </h2>
        <span className="muted small">
          {timeline.isSuccess &&
            `${formatCount(events.length)} event${events.length === 1 ? "" : "s"} shown`}
        </span>
      </div>
      <form
        className="filters"
        aria-label="Timeline filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(search.trim());
        }}
      >
        {profileId === undefined && (
          <label className="field-inline">
            <span>Connection</span>
            <select value={profile} onChange={(e) => setProfile(e.target.value)}>
              <option value="">All</option>
              {profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {profileId === undefined && (
          <label className="field-inline">
            <span>Environment</span>
            <select value={env} onChange={(e) => setEnv(e.target.value as Environment | "")}>
              <option value="">All</option>
              {ENV_ORDER.map((x) => (
                <option key={x} value={x}>
                  {ENV_LABEL[x]}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field-inline">
          <span>Source</span>
          <select value={source} onChange={(e) => setSource(e.target.value as HistorySource | "")}>
            <option value="">All</option>
            {SOURCES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Severity</span>
          <select
            value={minSeverity}
            onChange={(e) => setMinSeverity(e.target.value as MinSeverity)}
          >
            <option value="">Any</option>
            <option value="warning">Warning and worse</option>
            <option value="error">Error and worse</option>
            <option value="critical">Critical</option>
          </select>
        </label>
        <label className="field-inline grow" htmlFor={ids.search}>
          <span>Search</span>
          <input
            id={ids.search}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="kind, message, key name…"
            aria-label="Search the timeline"
            maxLength={200}
          />
        </label>
      </form>

      {timeline.isPending ? (
        <p className="muted pad">Loading the timeline…</p>
      ) : timeline.isError ? (
        <ErrorNotice
          title="Could not load the timeline"
          error={timeline.error}
          onRetry={() => void timeline.refetch()}
        />
      ) : events.length === 0 ? (
        <EmptyState title={filtered ? "No events match these filters" : "No events in this range"}>
          <p>
            {filtered
              ? "Widen the time range or clear a filter."
              : "Operations, health changes, slow commands and alerts appear here as they happen."}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table timeline-table" aria-label="Timeline events">
            <thead>
              <tr>
                <th scope="col" className="col-time">
                  Time
                </th>
                <th scope="col" className="col-sev">
                  Severity
                </th>
                <th scope="col" className="col-source">
                  Source
                </th>
                {profileId === undefined && (
                  <th scope="col" className="col-conn">
                    Connection
                  </th>
                )}
                <th scope="col">Event</th>
                <th scope="col" className="num col-duration">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} className={`sev-row sev-row-${e.severity}`}>
                  <td className="mono nowrap" title={new Date(e.ts).toISOString()}>
                    {formatTime(e.ts)}
                  </td>
                  <td>
                    <span className={`sev sev-${e.severity}`}>{e.severity}</span>
                  </td>
                  <td className="nowrap muted">{SOURCE_LABEL[e.source] ?? e.source}</td>
                  {profileId === undefined && (
                    <td className="nowrap">
                      {e.environment && (
                        <span
                          className={`env-dot env-${e.environment}`}
                          title={ENV_SHORT[e.environment]}
                        />
                      )}
                      {e.profileName ?? (e.profileId ? names.get(e.profileId) : undefined) ?? "–"}
                    </td>
                  )}
                  <td className="cell-event" title={eventText(e)}>
                    <span className="mono">{e.kind}</span>
                    {e.count > 1 && <span className="muted small"> ×{formatCount(e.count)}</span>}
                    {e.outcome && e.outcome !== "ok" && (
                      <span className={`outcome outcome-${e.outcome}`}>{e.outcome}</span>
                    )}{" "}
                    <span className="muted">{eventText(e)}</span>
                  </td>
                  <td className="num mono nowrap">{formatDuration(e.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {timeline.hasNextPage && (
            <div className="loadmore">
              <button
                type="button"
                className="btn btn-small"
                onClick={() => void timeline.fetchNextPage()}
                disabled={timeline.isFetchingNextPage}
              >
                {timeline.isFetchingNextPage ? "Loading…" : "Load older events"}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
