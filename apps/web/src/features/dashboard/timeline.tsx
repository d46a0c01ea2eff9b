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
  keysText,
} from "../../lib/format.ts";
import { durationColumn, timeColumn } from "../../ui/columns.tsx";
import { DataTable } from "../../ui/data-table.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { InlineSelect } from "../../ui/field.tsx";
import { LoadMore } from "../../ui/load-more.tsx";
import { loadState } from "../../ui/notices.tsx";
import { Outcome } from "../../ui/outcome.tsx";

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
  const keyText = e.keys?.length ? keysText(e) : "";
  return [e.message, keyText].filter(Boolean).join(" · ");
}

const ALL = { value: "", label: "All" } as const;
const MIN_SEVERITIES: { value: MinSeverity; label: string }[] = [
  { value: "", label: "Any" },
  { value: "warning", label: "Warning and worse" },
  { value: "error", label: "Error and worse" },
  { value: "critical", label: "Critical" },
];

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
          <InlineSelect
            label="Connection"
            value={profile}
            onValue={setProfile}
            options={[ALL, ...profiles.map((p) => ({ value: p.id, label: p.name }))]}
          />
        )}
        {profileId === undefined && (
          <InlineSelect<Environment | "">
            label="Environment"
            value={env}
            onValue={setEnv}
            options={[ALL, ...ENV_ORDER.map((x) => ({ value: x, label: ENV_LABEL[x] }))]}
          />
        )}
        <InlineSelect<HistorySource | "">
          label="Source"
          value={source}
          onValue={setSource}
          options={[ALL, ...SOURCES]}
        />
        <InlineSelect
          label="Severity"
          value={minSeverity}
          onValue={setMinSeverity}
          options={MIN_SEVERITIES}
        />
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

      {loadState(timeline, "Loading the timeline…", "Could not load the timeline") ??
        (events.length === 0 ? (
          <EmptyState
            title={filtered ? "No events match these filters" : "No events in this range"}
          >
            <p>
              {filtered
                ? "Widen the time range or clear a filter."
                : "Operations, health changes, slow commands and alerts appear here as they happen."}
            </p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <DataTable
              className="table timeline-table"
              label="Timeline events"
              rows={events}
              rowKey={(e) => e.id}
              rowClassName={(e) => `sev-row sev-row-${e.severity}`}
              columns={[
                timeColumn<HistoryEvent>((e) => e.ts),
                {
                  header: "Severity",
                  className: "col-sev",
                  cellClassName: "",
                  cell: (e) => <span className={`sev sev-${e.severity}`}>{e.severity}</span>,
                },
                {
                  header: "Source",
                  className: "col-source",
                  cellClassName: "nowrap muted",
                  cell: (e) => SOURCE_LABEL[e.source] ?? e.source,
                },
                {
                  header: "Connection",
                  className: "col-conn",
                  show: profileId === undefined,
                  cellClassName: "nowrap",
                  cell: (e) => (
                    <>
                      {e.environment && (
                        <span
                          className={`env-dot env-${e.environment}`}
                          title={ENV_SHORT[e.environment]}
                        />
                      )}
                      {e.profileName ?? (e.profileId ? names.get(e.profileId) : undefined) ?? "–"}
                    </>
                  ),
                },
                {
                  header: "Event",
                  cellClassName: "cell-event",
                  cellTitle: eventText,
                  cell: (e) => (
                    <>
                      <span className="mono">{e.kind}</span>
                      {e.count > 1 && <span className="muted small"> ×{formatCount(e.count)}</span>}
                      <Outcome outcome={e.outcome} /> <span className="muted">{eventText(e)}</span>
                    </>
                  ),
                },
                durationColumn<HistoryEvent>((e) => formatDuration(e.durationMs)),
              ]}
            />
            <LoadMore q={timeline} label="Load older events" />
          </div>
        ))}
    </section>
  );
}
