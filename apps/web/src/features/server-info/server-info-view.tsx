import { useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { isApiError } from "../../api/client.ts";
import { qk, useServerInfo, useSlowlog } from "../../api/hooks.ts";
import type { ProfileView, ServerInfo, SlowlogEntry } from "../../api/types.ts";
import { formatBytes, formatCount, formatTime, formatTtl } from "../../lib/format.ts";
import { durationColumn, textColumn, timeColumn } from "../../ui/columns.tsx";
import { DataTable } from "../../ui/data-table.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { InfoNote, QueryView } from "../../ui/notices.tsx";

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
        <QueryView
          q={info}
          loading="Reading server info…"
          errorTitle="Could not read the server info"
        >
          {(data) => (
            <>
              <section aria-label="Summary" className="cards">
                {cardsOf(data).map((c) => (
                  <div key={c.label} className="card">
                    <div className="card-label">{c.label}</div>
                    <div className="card-value">{c.value}</div>
                    {c.detail && <div className="card-detail muted">{c.detail}</div>}
                  </div>
                ))}
              </section>

              {data.engine === "redis" && (
                <section className="info-block" aria-labelledby={ids.ks}>
                  <h3 id={ids.ks}>Keys per database</h3>
                  {data.keyspace.length === 0 ? (
                    <p className="muted">Every database is empty.</p>
                  ) : (
                    <DataTable
                      className="table compact-table"
                      label="Keys per database"
                      rows={data.keyspace}
                      rowKey={(k) => String(k.db)}
                      rowClassName={(k) => (k.db === data.db ? "row-current" : undefined)}
                      columns={[
                        {
                          header: "Database",
                          cell: (k) => (
                            <>
                              db{k.db}
                              {k.db === data.db && (
                                <span className="muted small"> · this connection</span>
                              )}
                            </>
                          ),
                        },
                        {
                          header: "Keys (DBSIZE)",
                          className: "num",
                          cell: (k) => formatCount(k.keys),
                        },
                        {
                          header: "With a TTL",
                          className: "num",
                          cell: (k) => formatCount(k.expires),
                        },
                        {
                          header: "Average TTL",
                          className: "num",
                          cell: (k) =>
                            k.avgTtlMs > 0 ? formatTtl(Math.round(k.avgTtlMs / 1000)) : "–",
                        },
                      ]}
                    />
                  )}
                </section>
              )}
            </>
          )}
        </QueryView>

        <section className="info-block" aria-labelledby={ids.slow}>
          <h3 id={ids.slow}>Slow log</h3>
          {slowCapability ? (
            <InfoNote text={slow.error?.message} />
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
              <DataTable
                className="table compact-table"
                label="Slow log"
                rows={slow.data}
                rowKey={(e) => `${e.node ?? ""}:${e.id}`}
                columns={[
                  {
                    header: "ID",
                    className: "num col-id",
                    cellClassName: "num mono",
                    cell: (e) => e.id,
                  },
                  timeColumn<SlowlogEntry>((e) => e.ts),
                  durationColumn<SlowlogEntry>((e) => micros(e.durationMicros)),
                  textColumn<SlowlogEntry>("Command", (e) => e.command.join(" ")),
                  {
                    header: "Client",
                    cellClassName: "muted mono nowrap",
                    cell: (e) => e.client ?? e.node ?? "",
                  },
                ]}
              />
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
