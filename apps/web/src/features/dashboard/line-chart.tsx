import {
  type MouseEvent,
  type ReactNode,
  type RefObject,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { axisTime, bucketTime } from "./format.ts";

export interface ChartLine {
  id: string;
  label: string;
  /** Index into the series palette (--series-N), so a connection keeps its colour everywhere. */
  color: number;
  /** One value per timestamp; null where there is no data. */
  values: (number | null)[];
  dashed?: boolean;
}

/** Measures an element's width (charts draw at their real size, text stays crisp). */
export function useWidth(ref: RefObject<HTMLElement | null>, fallback = 480): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth || fallback);
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w && w > 0) setWidth(Math.floor(w));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, fallback]);
  return width;
}

/** A round top for a byte axis: 1, 2, 4, 8… of KiB, MiB or GiB. */
export function niceBytes(max: number): number {
  if (!(max > 0)) return 1024;
  let unit = 1;
  while (max / unit >= 1024) unit *= 1024;
  let top = 1;
  while (top * unit < max) top *= 2;
  return top * unit;
}

function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(max));
  const f = max / exp;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * exp;
}

const PAD = { left: 56, right: 12, top: 10, bottom: 22 };
const HEIGHT = 150;

/**
 * A time series chart drawn as SVG: one line per series over the shared time range, a value
 * axis from 0, time labels, and the values of the bucket under the pointer. With no value at
 * all it shows its empty state instead.
 */
export function LineChart({
  title,
  subtitle,
  timestamps,
  stepMs,
  from,
  to,
  lines,
  format,
  yMax,
  nice = niceMax,
  empty,
  controls,
}: {
  title: string;
  subtitle?: string;
  timestamps: number[];
  stepMs: number;
  from: number;
  to: number;
  lines: ChartLine[];
  format: (v: number) => string;
  /** A fixed top of the value axis (1 for ratios). */
  yMax?: number;
  /** How to round the top of the value axis (default: 1, 2, 2.5, 5 × 10^n). */
  nice?: (max: number) => number;
  /** What to say when there is nothing to draw. */
  empty: ReactNode;
  controls?: ReactNode;
}) {
  const wrap = useRef<HTMLDivElement>(null);
  const width = useWidth(wrap);
  const titleId = useId();
  const [hover, setHover] = useState<number | undefined>();

  let max = 0;
  let any = false;
  for (const l of lines) {
    for (const v of l.values) {
      if (v === null || !Number.isFinite(v)) continue;
      any = true;
      if (v > max) max = v;
    }
  }
  const top = yMax ?? nice(max);
  const w = Math.max(10, width - PAD.left - PAD.right);
  const h = HEIGHT - PAD.top - PAD.bottom;
  const span = Math.max(1, to - from);
  const xOf = (ts: number) =>
    PAD.left + Math.min(1, Math.max(0, (ts + stepMs / 2 - from) / span)) * w;
  const yOf = (v: number) => PAD.top + h - (Math.min(v, top) / top) * h;

  const latest = (l: ChartLine) => {
    for (let i = l.values.length - 1; i >= 0; i--) {
      const v = l.values[i];
      if (v !== null && v !== undefined) return v;
    }
    return undefined;
  };
  const summary = any
    ? `${title}, latest: ${lines
        .map((l) => {
          const v = latest(l);
          return `${l.label} ${v === undefined ? "no data" : format(v)}`;
        })
        .join(", ")}`
    : `${title}: no data`;

  const onMove = (e: MouseEvent<SVGRectElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const ts = from + ((e.clientX - box.left) / box.width) * span - stepMs / 2;
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let i = 0; i < timestamps.length; i++) {
      const d = Math.abs(timestamps[i]! - ts);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    setHover(best >= 0 ? best : undefined);
  };

  const ticks = [0, top / 2, top];
  const labelCount = Math.max(2, Math.min(6, Math.floor(w / 110)));
  const timeLabels = Array.from(
    { length: labelCount },
    (_, i) => from + (span * i) / (labelCount - 1),
  );
  const hoverTs = hover !== undefined ? timestamps[hover] : undefined;

  return (
    <figure className="chart" aria-labelledby={titleId}>
      <div className="chart-head">
        <figcaption id={titleId} className="chart-title">
          {title}
          {subtitle && <span className="muted small"> · {subtitle}</span>}
        </figcaption>
        {controls}
      </div>
      <ul className="chart-legend" aria-label={`${title} legend`}>
        {lines.map((l) => {
          const v = latest(l);
          return (
            <li key={l.id}>
              <span
                className={l.dashed ? "legend-swatch dashed" : "legend-swatch"}
                style={{ ["--swatch" as string]: `var(--series-${l.color % 8})` }}
                aria-hidden="true"
              />
              <span className="legend-label">{l.label}</span>
              <span className="legend-value mono">{v === undefined ? "–" : format(v)}</span>
            </li>
          );
        })}
      </ul>
      <div className="chart-body" ref={wrap}>
        {!any ? (
          <div className="chart-empty">{empty}</div>
        ) : (
          <>
            <svg
              width={width}
              height={HEIGHT}
              role="img"
              aria-label={summary}
              className="chart-svg"
            >
              {ticks.map((t) => (
                <g key={t}>
                  <line
                    x1={PAD.left}
                    x2={PAD.left + w}
                    y1={yOf(t)}
                    y2={yOf(t)}
                    className={t === 0 ? "chart-axis" : "chart-gridline"}
                  />
                  <text x={PAD.left - 6} y={yOf(t) + 4} textAnchor="end" className="chart-tick">
                    {format(t)}
                  </text>
                </g>
              ))}
              {timeLabels.map((ts, i) => (
                <text
                  key={ts}
                  x={PAD.left + ((ts - from) / span) * w}
                  y={HEIGHT - 6}
                  textAnchor={i === 0 ? "start" : i === labelCount - 1 ? "end" : "middle"}
                  className="chart-tick"
                >
                  {axisTime(ts, span)}
                </text>
              ))}
              {lines.map((l) => (
                <Line key={l.id} line={l} timestamps={timestamps} xOf={xOf} yOf={yOf} />
              ))}
              {hoverTs !== undefined && (
                <line
                  x1={xOf(hoverTs)}
                  x2={xOf(hoverTs)}
                  y1={PAD.top}
                  y2={PAD.top + h}
                  className="chart-cursor"
                />
              )}
              {/* biome-ignore lint/a11y/noStaticElementInteractions: pointer detail only; the latest values are in the chart's label and legend */}
              <rect
                x={PAD.left}
                y={PAD.top}
                width={w}
                height={h}
                fill="transparent"
                onMouseMove={onMove}
                onMouseLeave={() => setHover(undefined)}
              />
            </svg>
            {hover !== undefined && hoverTs !== undefined && (
              <div
                className="chart-tip"
                style={
                  xOf(hoverTs) > width * 0.6
                    ? { right: width - xOf(hoverTs) + 8 }
                    : { left: xOf(hoverTs) + 8 }
                }
              >
                <div className="muted small">{bucketTime(hoverTs)}</div>
                {lines.map((l) => {
                  const v = l.values[hover];
                  return (
                    <div key={l.id} className="chart-tip-row">
                      <span
                        className="legend-swatch"
                        style={{ ["--swatch" as string]: `var(--series-${l.color % 8})` }}
                        aria-hidden="true"
                      />
                      <span>{l.label}</span>
                      <span className="mono">
                        {v === null || v === undefined ? "no data" : format(v)}
                      </span>
                    </div>
                  );
                })}
              </div>
            )}
          </>
        )}
      </div>
    </figure>
  );
}

function Line({
  line,
  timestamps,
  xOf,
  yOf,
}: {
  line: ChartLine;
  timestamps: number[];
  xOf: (ts: number) => number;
  yOf: (v: number) => number;
}) {
  let d = "";
  const dots: [number, number][] = [];
  const vs = line.values;
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    const ts = timestamps[i];
    if (v === null || v === undefined || ts === undefined || !Number.isFinite(v)) continue;
    const x = xOf(ts).toFixed(1);
    const y = yOf(v).toFixed(1);
    const prev = i > 0 ? vs[i - 1] : null;
    const next = i < vs.length - 1 ? vs[i + 1] : null;
    const startsRun = prev === null || prev === undefined;
    d += `${startsRun ? "M" : "L"}${x} ${y}`;
    // A lone bucket (or the newest one) gets a dot: a line needs two points to be seen.
    if ((startsRun && (next === null || next === undefined)) || i === vs.length - 1)
      dots.push([Number(x), Number(y)]);
  }
  const color = `var(--series-${line.color % 8})`;
  return (
    <g>
      {d && (
        <path
          d={d}
          fill="none"
          stroke={color}
          strokeWidth={1.6}
          strokeDasharray={line.dashed ? "4 3" : undefined}
          strokeLinejoin="round"
        />
      )}
      {dots.map(([x, y]) => (
        <circle key={`${x},${y}`} cx={x} cy={y} r={2.6} fill={color} />
      ))}
    </g>
  );
}
