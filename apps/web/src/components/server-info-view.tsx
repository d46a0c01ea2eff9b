import { useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { isApiError } from "../api/client.ts";
import { qk, useServerInfo, useSlowlog } from "../api/hooks.ts";
import type { ProfileView, ServerInfo } from "../api/types.ts";
import { formatBytes, formatCount, formatTime, formatTtl } from "../lib/format.ts";
import { EmptyState } from "./empty-state.tsx";
import { ErrorNotice } from "./error-notice.tsx";

interface Card {
  label: string;
  value: string;
  detail?: string;
}

const num = (v: string | undefined) => (v !== undefined && v !== "" ? Number(v) : undefined);

function ratio(hits: number | undefined, misses: number | undefined): string {
  if (hits === undefined || misses === undefined) return "–";
  const total = hits + misses;
  return total === 0 ? "no reads yet" : `${((hits / total) * 100).toFixed(1)}%`;
}

function cardsOf(info: ServerInfo): Card[] {
  const f: Record<string, string> = {};
  for (const s of info.sections) for (const [k, v] of s.fields) if (!(k in f)) f[k] = v;
  const uptime = num(f.uptime_in_seconds ?? f.uptime);
  if (info.engine === "memcached") {
    const bytes = num(f.bytes);
    const limit = num(f.limit_maxbytes);
    return [
      {
        label: "Version",
        value: info.version ?? "?",
        detail: f.servers ? `${f.servers} servers` : "memcached",
      },
      { label: "Uptime", value: uptime !== undefined ? formatTtl(uptime) : "–" },
      {
        label: "Connections",
        value: formatCount(num(f.curr_connections) ?? 0),
        detail: f.max_connections ? `of ${formatCount(Number(f.max_connections))}` : undefined,
      },
      {
        label: "Memory",
        value: bytes !== undefined ? formatBytes(bytes) : "–",
        detail: limit ? `of ${formatBytes(limit)}` : undefined,
      },
      { label: "Items", value: formatCount(num(f.curr_items) ?? 0) },
      {
        label: "Hit ratio",
        value: ratio(num(f.get_hits), num(f.get_misses)),
        detail: `${formatCount(num(f.get_hits) ?? 0)} hits`,
      },
      { label: "Evictions", value: formatCount(num(f.evictions) ?? 0) },
    ];
  }
  const maxmem = num(f.maxmemory);
  const db = info.keyspace.find((k) => k.db === info.db);
  return [
    {
      label: "Version",
      value: info.version ?? "?",
      detail: [f.redis_mode, f.role].filter(Boolean).join(" · "),
    },
    { label: "Uptime", value: uptime !== undefined ? formatTtl(uptime) : "–" },
    {
      label: "Clients",
      value: formatCount(num(f.connected_clients) ?? 0),
      detail: `${formatCount(num(f.blocked_clients) ?? 0)} blocked`,
    },
    {
      label: "Memory",
      value: f.used_memory_human ?? "–",
      detail: maxmem ? `of ${f.maxmemory_human ?? formatBytes(maxmem)}` : "no limit set",
    },
    { label: "Ops/sec", value: formatCount(num(f.instantaneous_ops_per_sec) ?? 0) },
    {
      label: "Hit ratio",
      value: ratio(num(f.keyspace_hits), num(f.keyspace_misses)),
      detail: `${formatCount(num(f.keyspace_hits) ?? 0)} hits`,
    },
    {
      label: `Keys in db${info.db}`,
      value: formatCount(db?.keys ?? info.keys ?? 0),
      detail: db ? `${formatCount(db.expires)} with a TTL` : undefined,
    },
    {
      label: "Evicted",
      value: formatCount(num(f.evicted_keys) ?? 0),
      detail: `${formatCount(num(f.expired_keys) ?? 0)} expired`,
    },
  ];
}

function micros(us: number): string {
  if (us < 1000) return `${formatCount(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

/** INFO / stats as cards, keys per database, the slow log, and every field by section. */
export function ServerInfoView({ profile, active }: { profile: ProfileView; active: boolean }) {
  const qc = useQueryClient();
  const info = useServerInfo(profile.id, active);
  const slow = useSlowlog(profile.id, active);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: qk.serverInfo(profile.id) });
    void qc.invalidateQueries({ queryKey: qk.slowlog(profile.id) });
  };
  const ids = { ks: useId(), slow: useId(), fields: useId() };
  const slowCapability = isApiError(slow.error) && slow.error.code === "capability";

  return (
    <div className="serverinfo">
      <div className="historybar">
        <span className="muted">
          {info.data
            ? `${info.data.engine === "redis" ? "Redis" : "Memcached"} ${info.data.version ?? ""} · read ${formatTime(info.dataUpdatedAt)}`
            : ""}
        </span>
        <button
          type="button"
          className="btn btn-small push-right"
          onClick={refresh}
          disabled={info.isFetching}
        >
          Refresh server info
        </button>
      </div>
      <div className="serverinfo-scroll">
        {info.isPending ? (
          <p className="muted pad">Reading server info…</p>
        ) : info.isError ? (
          <ErrorNotice
            title="Could not read the server info"
            error={info.error}
            onRetry={() => void info.refetch()}
          />
        ) : (
          <>
            <section aria-label="Summary" className="cards">
              {cardsOf(info.data).map((c) => (
                <div key={c.label} className="card">
                  <div className="card-label">{c.label}</div>
                  <div className="card-value">{c.value}</div>
                  {c.detail && <div className="card-detail muted">{c.detail}</div>}
                </div>
              ))}
            </section>

            {info.data.engine === "redis" && (
              <section className="info-block" aria-labelledby={ids.ks}>
                <h3 id={ids.ks}>Keys per database</h3>
                {info.data.keyspace.length === 0 ? (
                  <p className="muted">Every database is empty.</p>
                ) : (
                  <table className="table compact-table" aria-label="Keys per database">
                    <thead>
                      <tr>
                        <th scope="col">Database</th>
                        <th scope="col" className="num">
                          Keys (DBSIZE)
                        </th>
                        <th scope="col" className="num">
                          With a TTL
                        </th>
                        <th scope="col" className="num">
                          Average TTL
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {info.data.keyspace.map((k) => (
                        <tr
                          key={k.db}
                          className={k.db === info.data.db ? "row-current" : undefined}
                        >
                          <td>
                            db{k.db}
                            {k.db === info.data.db && (
                              <span className="muted small"> · this connection</span>
                            )}
                          </td>
                          <td className="num">{formatCount(k.keys)}</td>
                          <td className="num">{formatCount(k.expires)}</td>
                          <td className="num">
                            {k.avgTtlMs > 0 ? formatTtl(Math.round(k.avgTtlMs / 1000)) : "–"}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            )}
          </>
        )}

        <section className="info-block" aria-labelledby={ids.slow}>
          <h3 id={ids.slow}>Slow log</h3>
          {slowCapability ? (
            <div className="notice notice-info compact" role="note">
              <div className="notice-body">
                <p>{slow.error?.message}</p>
              </div>
            </div>
          ) : slow.isPending ? (
            <p className="muted">Reading the slow log…</p>
          ) : slow.isError ? (
            <ErrorNotice
              compact
              title="Could not read the slow log"
              error={slow.error}
              onRetry={() => void slow.refetch()}
            />
          ) : slow.data.length === 0 ? (
            <EmptyState title="The slow log is empty">
              <p>
                No command took longer than the server's <code>slowlog-log-slower-than</code>{" "}
                threshold.
              </p>
            </EmptyState>
          ) : (
            <>
              <p className="muted small">
                Arguments other than key names are hidden (shown as their size).
              </p>
              <table className="table compact-table" aria-label="Slow log">
                <thead>
                  <tr>
                    <th scope="col" className="num col-id">
                      ID
                    </th>
                    <th scope="col" className="col-time">
                      Time
                    </th>
                    <th scope="col" className="num col-duration">
                      Duration
                    </th>
                    <th scope="col">Command</th>
                    <th scope="col">Client</th>
                  </tr>
                </thead>
                <tbody>
                  {slow.data.map((e) => (
                    <tr key={`${e.node ?? ""}:${e.id}`}>
                      <td className="num mono">{e.id}</td>
                      <td className="mono nowrap" title={new Date(e.ts).toISOString()}>
                        {formatTime(e.ts)}
                      </td>
                      <td className="num mono nowrap">{micros(e.durationMicros)}</td>
                      <td className="mono cell-keys" title={e.command.join(" ")}>
                        {e.command.join(" ")}
                      </td>
                      <td className="muted mono nowrap">{e.client ?? e.node ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>

        {info.data && (
          <section className="info-block" aria-labelledby={ids.fields}>
            <h3 id={ids.fields}>All fields</h3>
            {info.data.sections.map((s) => (
              <details key={s.name} className="info-section">
                <summary>
                  {s.name} <span className="muted small">({s.fields.length})</span>
                </summary>
                <dl className="info-fields">
                  {s.fields.map(([k, v]) => (
                    <div key={k}>
                      <dt className="mono">{k}</dt>
                      <dd className="mono">{v}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            ))}
          </section>
        )}
      </div>
    </div>
  );
}
