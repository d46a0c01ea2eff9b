import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ApiError } from "../../api/client.ts";
import { type HealthCard, obsApi } from "../../api/observability.ts";
import {
  type LivePoint,
  latestValues,
  obsKeys,
  pointsOf,
  useLiveVersion,
} from "../../api/observability-hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { formatTime } from "../../lib/format.ts";
import { routeHref } from "../../lib/route.ts";
import { EnvBadge } from "../../ui/env-badge.tsx";
import {
  ago,
  formatAmount,
  formatBytesShort,
  formatMetric,
  formatMs,
  formatRatio,
} from "./format.ts";

export type HealthName = HealthCard["health"];

export const HEALTH_LABEL: Record<HealthName, string> = {
  ok: "OK",
  degraded: "Degraded",
  down: "Down",
  unknown: "Unknown",
};

/** The one-line health text: "Down: connection refused", used by the rail's dot and the cards. */
export function healthText(card: HealthCard | undefined): string {
  if (!card) return "Health unknown: no data from the collector yet";
  if (!card.watched) return "Not watched: the collector does not poll this connection";
  const head = HEALTH_LABEL[card.health];
  return card.reasons.length > 0 ? `${head}: ${card.reasons.join("; ")}` : head;
}

/** A small coloured dot; the text is for screen readers and the tooltip. */
export function HealthDot({ card }: { card: HealthCard | undefined }) {
  const h: HealthName | "unwatched" = card ? (card.watched ? card.health : "unwatched") : "unknown";
  const text = healthText(card);
  return (
    <span className="health-dot-wrap" title={text}>
      <span className={`health-dot health-${h}`} data-health={h} aria-hidden="true" />
      <span className="sr-only">, health: {HEALTH_LABEL[card?.health ?? "unknown"]}</span>
    </span>
  );
}

/** The points of the last few minutes as a tiny line (no axes). */
function Sparkline({
  points,
  metric,
  label,
}: {
  points: readonly LivePoint[];
  metric: "ping_ms" | "ops_per_sec";
  label: string;
}) {
  const now = points.at(-1)?.ts ?? 0;
  const xs = points
    .filter((p) => p.ts >= now - 120_000)
    .map((p) => ({ ts: p.ts, v: p.values[metric] }))
    .filter((p): p is { ts: number; v: number } => p.v !== undefined);
  const W = 96;
  const H = 26;
  // The last two minutes, or what has been pushed since the window opened (at least 20 s).
  const t0 = Math.min(xs[0]?.ts ?? now, now - 20_000);
  const span = Math.max(1, now - t0);
  if (xs.length < 2) return <span className="spark-empty muted small">collecting…</span>;
  const max = Math.max(...xs.map((p) => p.v), metric === "ping_ms" ? 1 : 1);
  const d = xs
    .map(
      (p, i) =>
        `${i === 0 ? "M" : "L"}${(((p.ts - t0) / span) * W).toFixed(1)} ${(H - 2 - (p.v / max) * (H - 4)).toFixed(1)}`,
    )
    .join("");
  return (
    <svg
      className="spark"
      width={W}
      height={H}
      role="img"
      aria-label={`${label} over the last ${Math.round(span / 1000)} s, up to ${formatMetric(metric, max)}`}
    >
      <line x1={0} x2={W} y1={H - 1.5} y2={H - 1.5} className="spark-base" />
      <path d={d} fill="none" stroke="currentColor" strokeWidth={1.3} />
    </svg>
  );
}

function Stat({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div className="stat" title={title}>
      <dt>{label}</dt>
      <dd className="mono">{value}</dd>
    </div>
  );
}

/** One connection's health: state with the reason, PING, key metrics, alerts, live sparkline. */
export function HealthCardView({
  card,
  profile,
  link = true,
  live: listening = true,
}: {
  card: HealthCard;
  profile: ProfileView | undefined;
  link?: boolean;
  /** Follow pushed values (off while the screen is hidden). */
  live?: boolean;
}) {
  useLiveVersion(listening);
  const qc = useQueryClient();
  const live = latestValues(card.profileId);
  // Pushed values are newer than the card's (the card only changes when the health does).
  const m = live && live.ts >= (card.lastPollAt ?? 0) ? live.values : card.metrics;
  const ping = live && live.ts >= (card.lastPollAt ?? 0) ? live.values.ping_ms : card.pingMs;
  const watch = useMutation<HealthCard, ApiError, boolean>({
    mutationFn: (watched) => obsApi.setWatched(card.profileId, watched),
    onSuccess: () => void qc.invalidateQueries({ queryKey: obsKeys.health }),
  });
  const h = card.watched ? card.health : "unknown";
  const memory =
    m.used_memory_bytes !== undefined
      ? `${formatBytesShort(m.used_memory_bytes)}${m.memory_used_ratio !== undefined && m.memory_used_ratio > 0 ? ` · ${formatRatio(m.memory_used_ratio)}` : ""}`
      : "–";
  // The hit ratio exists only for polls with reads: show the newest one pushed.
  let hitRatio = m.hit_ratio;
  if (hitRatio === undefined) {
    const pts = pointsOf(card.profileId);
    for (let i = pts.length - 1; i >= 0 && hitRatio === undefined; i--)
      hitRatio = pts[i]!.values.hit_ratio;
  }

  return (
    <article
      className={`health-card health-card-${h} env-${card.environment}`}
      aria-label={card.profileName}
    >
      <header className="health-card-head">
        <span className={`health-pill health-${card.watched ? card.health : "unwatched"}`}>
          {card.watched ? HEALTH_LABEL[card.health] : "Not watched"}
        </span>
        <h3 className="health-card-name">
          {link ? (
            <a href={routeHref({ profileId: card.profileId, tab: "dashboard" })}>
              {card.profileName}
            </a>
          ) : (
            card.profileName
          )}
        </h3>
        <EnvBadge env={card.environment} />
      </header>
      <p className="health-card-sub muted small">
        {card.engine}
        {card.version ? ` ${card.version}` : ""}
        {card.role ? ` · ${card.role}` : ""}
        {profile?.readOnly || profile?.forcedReadOnly ? " · read-only" : ""}
        {card.since
          ? ` · ${HEALTH_LABEL[card.health].toLowerCase()} since ${formatTime(card.since)}`
          : ""}
      </p>
      {card.reasons.length > 0 && (
        <ul className="health-reasons" aria-label="Reasons">
          {card.reasons.map((r) => (
            <li key={r} title={r}>
              {r}
            </li>
          ))}
        </ul>
      )}
      <dl className="stats">
        <Stat label="PING" value={ping === undefined ? "–" : formatMs(ping)} />
        <Stat
          label="ops/s"
          value={m.ops_per_sec === undefined ? "–" : formatAmount(m.ops_per_sec)}
          title={
            card.engine === "memcached"
              ? "Memcached does not report operations per second"
              : undefined
          }
        />
        <Stat
          label="hit ratio"
          value={hitRatio !== undefined ? formatRatio(hitRatio) : "–"}
          title="Hits / (hits + misses) of the newest poll with reads since this window opened"
        />
        <Stat label="memory" value={memory} />
        <Stat label="clients" value={m.clients === undefined ? "–" : formatAmount(m.clients)} />
        <Stat label="keys" value={m.keys === undefined ? "–" : formatAmount(m.keys)} />
      </dl>
      <div className="health-card-foot">
        <Sparkline points={pointsOf(card.profileId)} metric="ping_ms" label="PING" />
        <span
          className="muted small polled"
          title={card.lastPollAt ? new Date(card.lastPollAt).toISOString() : undefined}
        >
          {card.watched ? `polled ${ago(live?.ts ?? card.lastPollAt)}` : ""}
        </span>
        {(card.alerts.firing > 0 || card.alerts.pending > 0) && (
          <a className="alert-chip" href="#/alerts">
            {card.alerts.firing > 0 ? `${card.alerts.firing} firing` : ""}
            {card.alerts.firing > 0 && card.alerts.pending > 0 ? " · " : ""}
            {card.alerts.pending > 0 ? `${card.alerts.pending} pending` : ""}
          </a>
        )}
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={watch.isPending}
          onClick={() => watch.mutate(!card.watched)}
          title={
            card.watched
              ? "Stop polling this connection (no health, trends or alerts for it)"
              : "Poll this connection again"
          }
        >
          {card.watched ? "Unwatch" : "Watch"}
        </button>
      </div>
      {watch.isError && (
        <p className="field-error" role="alert">
          {watch.error.message}
        </p>
      )}
    </article>
  );
}
