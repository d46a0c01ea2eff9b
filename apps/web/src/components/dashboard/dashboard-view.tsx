import { memo, useEffect, useId, useMemo, useState } from "react";
import { useLiveStatus } from "../../api/live.tsx";
import {
  type DashboardAnswer,
  type HealthCard,
  type MetricName,
  RANGE_LABEL,
  RANGE_MS,
  RANGES,
  type RangeName,
  type SeriesAnswer,
} from "../../api/observability.ts";
import {
  pointsOf,
  useDashboard,
  useHealthCards,
  useLiveVersion,
  useSeries,
} from "../../api/observability-hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { ENV_ORDER } from "../../lib/format.ts";
import { EmptyState } from "../empty-state.tsx";
import { ErrorNotice } from "../error-notice.tsx";
import { formatAmount, formatBytesShort, formatMs, formatRatio } from "./format.ts";
import { HealthCardView } from "./health.tsx";
import { ErrorHeatmap } from "./heatmap.tsx";
import { type ChartLine, LineChart, niceBytes } from "./line-chart.tsx";
import { frameOf, sumValues, valuesOf } from "./series-data.ts";
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

const RANGE_KEY = "cachify.dashboard.range";

function storedRange(): RangeName {
  try {
    const v = localStorage.getItem(RANGE_KEY);
    return RANGES.includes(v as RangeName) ? (v as RangeName) : "1h";
  } catch {
    return "1h";
  }
}

/** The shared time range of every chart, the heatmap, the slow panel and the timeline. */
function useRange(): [RangeName, (r: RangeName) => void] {
  const [range, setRange] = useState<RangeName>(storedRange);
  return [
    range,
    (r) => {
      setRange(r);
      try {
        localStorage.setItem(RANGE_KEY, r);
      } catch {
        // no storage: the choice holds for this window
      }
    },
  ];
}

export function RangeSelector({
  value,
  onChange,
}: {
  value: RangeName;
  onChange: (r: RangeName) => void;
}) {
  const name = useId();
  return (
    <fieldset className="segmented range-selector">
      <legend className="sr-only">Time range</legend>
      {RANGES.map((r) => (
        <label key={r} title={`The last ${RANGE_LABEL[r]}`}>
          <input
            className="segmented-radio"
            type="radio"
            name={name}
            value={r}
            checked={value === r}
            onChange={() => onChange(r)}
            aria-label={`Last ${RANGE_LABEL[r]}`}
          />
          <span>{r}</span>
        </label>
      ))}
    </fieldset>
  );
}

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
  const live = useLiveStatus();
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
        <span className={`live live-${live}`} title="Live updates from the studio">
          <span className="live-dot" aria-hidden="true" />
          {live === "live" ? "Live" : live === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
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

type Percentile = "app_p50_ms" | "app_p95_ms" | "app_p99_ms";
const PCT_LABEL: Record<Percentile, string> = {
  app_p50_ms: "p50",
  app_p95_ms: "p95",
  app_p99_ms: "p99",
};

function Charts({
  answer,
  profiles,
  single,
  active,
}: {
  answer: SeriesAnswer | undefined;
  profiles: ProfileView[];
  single: boolean;
  active: boolean;
}) {
  useLiveVersion(active);
  const [pct, setPct] = useState<Percentile>("app_p95_ms");
  const pctName = useId();
  const frame = frameOf(answer, Date.now());
  if (!frame) return null;
  const colors = new Map(profiles.map((p, i) => [p.id, i]));
  const perProfile = (metric: MetricName): ChartLine[] =>
    profiles.map((p) => ({
      id: p.id,
      label: p.name,
      color: colors.get(p.id) ?? 0,
      values: valuesOf(answer, frame, p.id, metric, pointsOf(p.id)),
    }));
  const common = {
    timestamps: frame.timestamps,
    stepMs: frame.stepMs,
    from: frame.from,
    to: frame.to,
  };
  const one = profiles[0];
  const memcachedOnly = profiles.every((p) => p.engine === "memcached");

  let latency: ChartLine[];
  if (single && one) {
    latency = (Object.keys(PCT_LABEL) as Percentile[]).map((m, i) => ({
      id: m,
      label: PCT_LABEL[m],
      color: i,
      dashed: m === "app_p50_ms",
      values: valuesOf(answer, frame, one.id, m, pointsOf(one.id)),
    }));
  } else latency = perProfile(pct);

  let errors: ChartLine[];
  if (single && one) {
    errors = [
      {
        id: "app",
        label: "failed studio operations",
        color: 0,
        values: valuesOf(answer, frame, one.id, "app_errors", pointsOf(one.id)),
      },
      {
        id: "engine",
        label: "engine error replies",
        color: 3,
        values: valuesOf(answer, frame, one.id, "engine_errors", pointsOf(one.id)),
      },
    ];
  } else {
    errors = profiles.map((p) => ({
      id: p.id,
      label: p.name,
      color: colors.get(p.id) ?? 0,
      values: sumValues(
        valuesOf(answer, frame, p.id, "app_errors", pointsOf(p.id)),
        valuesOf(answer, frame, p.id, "engine_errors", pointsOf(p.id)),
      ),
    }));
  }
  const stepText =
    frame.stepMs >= 3_600_000 ? `${frame.stepMs / 3_600_000} h` : `${frame.stepMs / 60_000} min`;

  return (
    <section className="chart-grid" aria-label="Trends">
      <LineChart
        {...common}
        title="Operations per second"
        subtitle="server side"
        lines={perProfile("ops_per_sec")}
        format={(v) => `${formatAmount(v)}/s`}
        empty={
          memcachedOnly
            ? "Memcached does not report operations per second."
            : "No data in this range yet: the collector stores a point per minute."
        }
      />
      <LineChart
        {...common}
        title="Hit ratio"
        lines={perProfile("hit_ratio")}
        format={formatRatio}
        yMax={1}
        empty="No reads in this range: the hit ratio needs hits or misses."
      />
      <LineChart
        {...common}
        title="Memory used"
        lines={perProfile("used_memory_bytes")}
        format={formatBytesShort}
        nice={niceBytes}
        empty="No data in this range yet."
      />
      <LineChart
        {...common}
        title="Latency"
        subtitle={
          single ? "this studio's operations" : `${PCT_LABEL[pct]} of this studio's operations`
        }
        lines={latency}
        format={formatMs}
        empty="No operations by this studio in this range: latency comes from the operations it runs."
        controls={
          single ? undefined : (
            <fieldset className="segmented">
              <legend className="sr-only">Latency percentile</legend>
              {(Object.keys(PCT_LABEL) as Percentile[]).map((m) => (
                <label key={m}>
                  <input
                    className="segmented-radio"
                    type="radio"
                    name={pctName}
                    checked={pct === m}
                    onChange={() => setPct(m)}
                  />
                  <span>{PCT_LABEL[m]}</span>
                </label>
              ))}
            </fieldset>
          )
        }
      />
      <LineChart
        {...common}
        title="PING round trip"
        lines={perProfile("ping_ms")}
        format={formatMs}
        empty="No PING answers in this range: the server may be down or not watched."
      />
      <LineChart
        {...common}
        title="Errors"
        subtitle={`per ${stepText}`}
        lines={errors}
        format={formatAmount}
        empty="No data in this range yet."
      />
    </section>
  );
}

function HeatmapSection({
  answer,
  heatmap,
  profiles,
  active,
}: {
  answer: SeriesAnswer | undefined;
  heatmap: DashboardAnswer | undefined;
  profiles: ProfileView[];
  active: boolean;
}) {
  useLiveVersion(active);
  const frame = frameOf(answer, Date.now());
  if (!frame) return null;
  return <ErrorHeatmap heatmap={heatmap?.heatmap} frame={frame} profiles={profiles} />;
}
