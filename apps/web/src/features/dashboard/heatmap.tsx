import { useId, useRef, useState } from "react";
import type { HeatmapAnswer } from "../../api/observability.ts";
import { pointsOf } from "../../api/observability-hooks.ts";
import type { Environment, ProfileView } from "../../api/types.ts";
import { ENV_LABEL, ENV_ORDER, formatCount } from "../../lib/format.ts";
import { axisTime, bucketTime } from "./format.ts";
import { useWidth } from "./line-chart.tsx";
import type { Frame } from "./series-data.ts";

interface Cell {
  app: number;
  engine: number;
  down: number;
}

interface Row {
  id: string;
  label: string;
  environment: Environment;
  group: boolean;
  cells: Map<number, Cell>;
  total: number;
}

const LEVELS = 5;
const LABEL_W = 170;
const ROW_H = 18;

/** Level 1..5 of a count on the one scale (square root, so a few errors still show). */
function level(v: number, max: number): number {
  if (v <= 0 || max <= 0) return 0;
  return Math.max(1, Math.min(LEVELS, Math.ceil(Math.sqrt(v / max) * LEVELS)));
}

function add(m: Map<number, Cell>, ts: number, c: Cell): void {
  const cur = m.get(ts);
  if (cur) {
    cur.app += c.app;
    cur.engine += c.engine;
    cur.down += c.down;
  } else m.set(ts, { ...c });
}

/**
 * Errors per connection × environment × time: the studio's failed operations, the engine's
 * error replies and the polls that found the server down, on one colour scale with a legend.
 * Each environment gets a summary row above its connections. The buckets not yet stored (the
 * current minute) are filled from the live points.
 */
export function ErrorHeatmap({
  heatmap,
  frame,
  profiles,
}: {
  heatmap: HeatmapAnswer | undefined;
  frame: Frame;
  profiles: ProfileView[];
}) {
  const wrap = useRef<HTMLDivElement>(null);
  const width = useWidth(wrap, 640);
  const titleId = useId();
  const [hover, setHover] = useState<{ row: Row; ts: number; x: number; y: number }>();

  const { timestamps, stepMs } = frame;
  const first = timestamps[0] ?? frame.from;
  const perProfile = new Map<string, Map<number, Cell>>();
  for (const c of heatmap?.cells ?? []) {
    let m = perProfile.get(c.profileId);
    if (!m) {
      m = new Map();
      perProfile.set(c.profileId, m);
    }
    add(m, c.ts, c);
  }
  // Live fill: only buckets the store has nothing for yet.
  for (const p of profiles) {
    const stored = perProfile.get(p.id);
    const live = new Map<number, Cell>();
    for (const pt of pointsOf(p.id)) {
      const i = Math.floor((pt.ts - first) / stepMs);
      if (i < 0 || i >= timestamps.length) continue;
      const ts = timestamps[i]!;
      if (stored?.has(ts) && !live.has(ts)) continue;
      add(live, ts, {
        app: pt.values.app_errors ?? 0,
        engine: pt.values.engine_errors ?? 0,
        down: pt.values.up === 0 ? 1 : 0,
      });
    }
    if (live.size === 0) continue;
    const m = stored ?? new Map<number, Cell>();
    for (const [ts, c] of live) m.set(ts, c);
    perProfile.set(p.id, m);
  }

  const rows: Row[] = [];
  for (const env of ENV_ORDER) {
    const ps = profiles
      .filter((p) => p.environment === env)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (ps.length === 0) continue;
    const group: Row = {
      id: `env:${env}`,
      label: ENV_LABEL[env],
      environment: env,
      group: true,
      cells: new Map(),
      total: 0,
    };
    const members: Row[] = [];
    for (const p of ps) {
      const cells = perProfile.get(p.id) ?? new Map<number, Cell>();
      let total = 0;
      for (const [ts, c] of cells) {
        total += c.app + c.engine + c.down;
        add(group.cells, ts, c);
      }
      group.total += total;
      members.push({ id: p.id, label: p.name, environment: env, group: false, cells, total });
    }
    rows.push(group, ...members);
  }

  let max = 0;
  for (const r of rows) {
    if (r.group) continue;
    for (const c of r.cells.values()) max = Math.max(max, c.app + c.engine + c.down);
  }
  for (const r of rows) {
    if (!r.group) continue;
    for (const c of r.cells.values()) max = Math.max(max, c.app + c.engine + c.down);
  }

  const n = Math.max(1, timestamps.length);
  const gridW = Math.max(40, width - LABEL_W - 8);
  const cellW = gridW / n;
  const height = rows.length * ROW_H + 22;
  const span = Math.max(1, frame.to - frame.from);
  const labels = Math.max(2, Math.min(6, Math.floor(gridW / 110)));
  const bounds = Array.from({ length: LEVELS }, (_, i) =>
    Math.max(1, Math.ceil(max * ((i + 1) / LEVELS) ** 2)),
  );
  const totalAll = rows.filter((r) => r.group).reduce((s, r) => s + r.total, 0);

  return (
    <figure className="chart heatmap" aria-labelledby={titleId}>
      <div className="chart-head">
        <figcaption id={titleId} className="chart-title">
          Errors by connection and environment
          <span className="muted small">
            {" "}
            · failed studio operations, engine error replies and down polls
          </span>
        </figcaption>
        <span className="muted small">{formatCount(totalAll)} in range</span>
      </div>
      <div className="chart-body" ref={wrap}>
        {rows.length === 0 ? (
          <div className="chart-empty">No connections to show.</div>
        ) : (
          <>
            <svg
              width={width}
              height={height}
              role="img"
              aria-label={
                totalAll === 0
                  ? "Error heatmap: no errors in this range"
                  : `Error heatmap: ${rows
                      .filter((r) => !r.group && r.total > 0)
                      .map((r) => `${r.label} ${formatCount(r.total)}`)
                      .join(", ")}`
              }
              onMouseLeave={() => setHover(undefined)}
            >
              {rows.map((r, ri) => {
                const y = ri * ROW_H;
                return (
                  <g key={r.id} className={`env-${r.environment}`}>
                    <text
                      x={r.group ? 4 : 16}
                      y={y + ROW_H - 5}
                      className={r.group ? "heat-label heat-group" : "heat-label"}
                    >
                      {r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}
                    </text>
                    <rect
                      x={LABEL_W}
                      y={y + 1}
                      width={gridW}
                      height={ROW_H - 2}
                      className={r.group ? "heat-bg heat-bg-group" : "heat-bg"}
                    />
                    {[...r.cells].map(([ts, c]) => {
                      const i = Math.round((ts - first) / stepMs);
                      const v = c.app + c.engine + c.down;
                      const lv = level(v, max);
                      if (i < 0 || i >= n || lv === 0) return null;
                      const x = LABEL_W + i * cellW;
                      return (
                        // biome-ignore lint/a11y/noStaticElementInteractions: pointer detail only; the numbers are in the chart's label
                        <rect
                          key={ts}
                          x={x + 0.5}
                          y={y + 1}
                          width={Math.max(1, cellW - 1)}
                          height={ROW_H - 2}
                          className={`heat-${lv}`}
                          onMouseEnter={() => setHover({ row: r, ts, x: x + cellW, y: y + ROW_H })}
                        />
                      );
                    })}
                  </g>
                );
              })}
              {Array.from({ length: labels }, (_, i) => {
                const ts = frame.from + (span * i) / (labels - 1);
                return (
                  <text
                    key={ts}
                    x={LABEL_W + ((ts - frame.from) / span) * gridW}
                    y={height - 6}
                    textAnchor={i === 0 ? "start" : i === labels - 1 ? "end" : "middle"}
                    className="chart-tick"
                  >
                    {axisTime(ts, span)}
                  </text>
                );
              })}
            </svg>
            {hover &&
              (() => {
                const c = hover.row.cells.get(hover.ts);
                if (!c) return null;
                return (
                  <div
                    className="chart-tip"
                    style={{
                      top: hover.y,
                      ...(hover.x > width * 0.6
                        ? { right: width - hover.x + 8 }
                        : { left: hover.x + 8 }),
                    }}
                  >
                    <div>
                      <strong>{hover.row.label}</strong>{" "}
                      <span className="muted small">{bucketTime(hover.ts)}</span>
                    </div>
                    <div>
                      {formatCount(c.app + c.engine + c.down)} errors: studio {formatCount(c.app)},
                      engine {formatCount(c.engine)}, down polls {formatCount(c.down)}
                    </div>
                  </div>
                );
              })()}
            <ul className="heat-legend" aria-label="Heatmap colour scale">
              <li className="heat-legend-item">
                <span className="heat-swatch heat-0" aria-hidden="true" />0
              </li>
              {bounds.map((b, i) => {
                const lo = i === 0 ? 1 : bounds[i - 1]! + 1;
                if (lo > b) return null;
                return (
                  <li key={b} className="heat-legend-item">
                    <span className={`heat-swatch heat-${i + 1}`} aria-hidden="true" />
                    {lo === b ? formatCount(b) : `${formatCount(lo)}–${formatCount(b)}`}
                  </li>
                );
              })}
              <li className="muted small">
                errors per{" "}
                {stepMs >= 3_600_000 ? `${stepMs / 3_600_000} h` : `${stepMs / 60_000} min`}
              </li>
            </ul>
            {totalAll === 0 && (
              <p className="heat-empty muted">
                No errors in this range: no failed operations, error replies or down polls.
              </p>
            )}
          </>
        )}
      </div>
    </figure>
  );
}
