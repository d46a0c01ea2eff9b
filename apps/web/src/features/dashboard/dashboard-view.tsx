import { memo, useEffect, useId, useMemo } from "react";
import { type HealthCard, type MetricName, RANGE_MS } from "../../api/observability.ts";
import { useDashboard, useHealthCards, useSeries } from "../../api/observability-hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { ENV_ORDER } from "../../lib/format.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { LiveBadge } from "../../ui/live-badge.tsx";
import { Charts, HeatmapSection } from "./charts.tsx";
import { HealthCardView } from "./health.tsx";
import { RangeSelector, useRange } from "./range-selector.tsx";
import { OperationsPanel, SlowPanel } from "./slow-panel.tsx";
import { Timeline } from "./timeline.tsx";

/** What the charts draw (one series request; the dashboard answer has the rest). */
export const CHART_METRICS: readonly MetricName[] = [
  "ops_per_sec",
  "hit_ratio",
  "used_memory_bytes",
  "ping_ms",
  "app_p50_ms",
  "app_p95_ms",
  "app_p99_ms",
  "app_errors",
  "engine_errors",
];

let readyMarked = false;
/** Time to interactive: marked once, when the first dashboard has drawn its data. */
function markReady(): void {
  if (readyMarked) return;
  readyMarked = true;
  requestAnimationFrame(() => performance.mark("cachify:dashboard-ready"));
}

/**
 * The Overview (every connection) and a connection's Dashboard tab: health cards, trend charts,
 * the error heatmap, slow operations, operations by kind and the timeline, over one time range.
 */
export function DashboardView({
  profiles,
  profile,
  active = true,
}: {
  profiles: ProfileView[];
  /** One connection only (its Dashboard tab); the Overview when absent. */
  profile?: ProfileView;
  active?: boolean;
}) {
  const [range, setRange] = useRange();
  const dashboard = useDashboard(range, profile?.id, active);
  const series = useSeries(range, CHART_METRICS, profile?.id, active);
  const health = useHealthCards();
  const headingId = useId();
  // The timeline's lower bound moves with the range (not with every refetch: that would drop
  // the older pages the user has loaded).
  const since = useMemo(() => Date.now() - RANGE_MS[range], [range]);

  const shown = useMemo(
    () =>
      profile
        ? [profile]
        : [...profiles].sort(
            (a, b) =>
              ENV_ORDER.indexOf(a.environment) - ENV_ORDER.indexOf(b.environment) ||
              a.name.localeCompare(b.name),
          ),
    [profile, profiles],
  );

  useEffect(() => {
    if (dashboard.isSuccess && series.isSuccess && health.isSuccess) markReady();
  }, [dashboard.isSuccess, series.isSuccess, health.isSuccess]);

  const error = dashboard.error ?? series.error;

  return (
    <section className="dash" aria-labelledby={headingId}>
      <div className="dash-bar">
        {profile ? (
          <h2 id={headingId} className="dash-title">
            Dashboard
          </h2>
        ) : (
          <h1 id={headingId} className="dash-title">
            Overview
          </h1>
        )}
        <RangeSelector value={range} onChange={setRange} />
        <LiveBadge />
        {health.data && !health.data.running && (
          <span
            className="chip chip-warn"
            title="Health and trends come from the studio's collector"
          >
            collector not running
          </span>
        )}
        <button
          type="button"
          className="btn btn-small push-right"
          onClick={() => {
            void dashboard.refetch();
            void series.refetch();
            void health.refetch();
          }}
          disabled={dashboard.isFetching || series.isFetching}
        >
          Refresh
        </button>
      </div>
      {error && (
        <ErrorNotice
          title="Could not load the dashboard"
          error={error}
          onRetry={() => {
            void dashboard.refetch();
            void series.refetch();
          }}
        />
      )}
      <HealthCards
        profiles={shown}
        cards={health.data?.profiles}
        loading={health.isPending}
        active={active}
      />
      {series.isPending || dashboard.isPending ? (
        <p className="muted pad">Loading trends…</p>
      ) : (
        <>
          <Charts
            answer={series.data}
            profiles={shown}
            single={profile !== undefined}
            active={active}
          />
          <HeatmapSection
            answer={series.data}
            heatmap={dashboard.data}
            profiles={shown}
            active={active}
          />
          <MemoSlow slow={dashboard.data?.slow} profiles={shown} single={profile !== undefined} />
          <MemoOperations kinds={dashboard.data?.operations} />
        </>
      )}
      <MemoTimeline profiles={profiles} profileId={profile?.id} since={since} />
    </section>
  );
}

const MemoSlow = memo(SlowPanel);
const MemoOperations = memo(OperationsPanel);
const MemoTimeline = memo(Timeline);

function HealthCards({
  profiles,
  cards,
  loading,
  active,
}: {
  profiles: ProfileView[];
  cards: HealthCard[] | undefined;
  loading: boolean;
  active: boolean;
}) {
  const byId = new Map((cards ?? []).map((c) => [c.profileId, c]));
  if (profiles.length === 0) {
    return (
      <EmptyState title="No connections yet">
        <p>Add a connection: its health, trends and events show here.</p>
      </EmptyState>
    );
  }
  return (
    <section
      className={profiles.length === 1 ? "health-grid single" : "health-grid"}
      aria-label="Health"
    >
      {profiles.map((p) => {
        const c = byId.get(p.id);
        if (!c) {
          return (
            <article key={p.id} className="health-card health-card-unknown" aria-label={p.name}>
              <header className="health-card-head">
                <span className="health-pill health-unknown">Unknown</span>
                <h3 className="health-card-name">{p.name}</h3>
              </header>
              <p className="muted small">
                {loading ? "Loading…" : "No health yet: the collector has not polled it."}
              </p>
            </article>
          );
        }
        return (
          <HealthCardView
            key={p.id}
            card={c}
            profile={p}
            link={profiles.length > 1}
            live={active}
          />
        );
      })}
    </section>
  );
}
