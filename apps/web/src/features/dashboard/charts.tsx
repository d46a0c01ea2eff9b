import { useState } from "react";
import type { DashboardAnswer, MetricName, SeriesAnswer } from "../../api/observability.ts";
import { pointsOf, useLiveVersion } from "../../api/observability-hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { Segmented } from "../../ui/segmented.tsx";
import { formatAmount, formatBytesShort, formatMs, formatRatio } from "./format.ts";
import { ErrorHeatmap } from "./heatmap.tsx";
import { type ChartLine, LineChart, niceBytes } from "./line-chart.tsx";
import { frameOf, sumValues, valuesOf } from "./series-data.ts";

type Percentile = "app_p50_ms" | "app_p95_ms" | "app_p99_ms";
const PCT_LABEL: Record<Percentile, string> = {
  app_p50_ms: "p50",
  app_p95_ms: "p95",
  app_p99_ms: "p99",
};

export function Charts({
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
            <Segmented
              legend="Latency percentile"
              value={pct}
              options={(Object.keys(PCT_LABEL) as Percentile[]).map((m) => [m, PCT_LABEL[m]])}
              onChange={setPct}
            />
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

export function HeatmapSection({
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
