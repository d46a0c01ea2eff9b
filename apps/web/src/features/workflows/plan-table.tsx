import { useId, useState } from "react";
import type { PlanPage } from "../../api/types.ts";
import { formatCount } from "../../lib/format.ts";
import { PadRow, useVirtualRows } from "../../ui/virtual-list.tsx";
import { changeText, showValue, ttlWord } from "./wf-format.ts";

export const PAGE_SIZES = [50, 100, 250, 500, 1000] as const;
const ROW_HEIGHT = 28;

export function ParamsDiff({ diff }: { diff: { param: string; from: unknown; to: unknown }[] }) {
  return (
    <table className="table compact-table wf-diff" aria-label="Changed params">
      <thead>
        <tr>
          <th scope="col">Param</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {diff.map((d) => (
          <tr key={d.param}>
            <td className="mono">{d.param}</td>
            <td className="mono wf-diff-from">{showValue(d.from)}</td>
            <td className="mono wf-diff-to">{showValue(d.to)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The page's planned keys; only the visible rows are in the DOM (pages hold up to 1,000). */
export function PlanTable({ plan, stale }: { plan: PlanPage; stale: boolean }) {
  const items = plan.items;
  const {
    scrollRef,
    items: virtual,
    padTop,
    padBottom,
  } = useVirtualRows(items.length, ROW_HEIGHT, 10);
  const offset = (plan.page - 1) * plan.pageSize;
  const warmup = plan.builtin === "warmup-set";
  const label = `Planned changes, page ${plan.page} of ${formatCount(plan.pages)}`;

  if (items.length === 0) {
    return (
      <div className="wf-table-empty muted">
        {plan.status === "building"
          ? "The first keys are being listed…"
          : plan.matched === 0
            ? "No key would change: nothing matches, or every key is already as asked."
            : "This page is empty: go back to an earlier page."}
      </div>
    );
  }

  return (
    <div ref={scrollRef} className={stale ? "wf-table-scroll is-stale" : "wf-table-scroll"}>
      <table
        className="table wf-table"
        aria-label={label}
        aria-rowcount={items.length + 1}
        aria-busy={stale || undefined}
      >
        <colgroup>
          <col className="wf-col-n" />
          <col />
          <col className="wf-col-type" />
          <col className="wf-col-now" />
          <col className="wf-col-change" />
          <col className="wf-col-note" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Key</th>
            <th scope="col">Type</th>
            <th scope="col" className="num">
              {warmup ? "Now" : "TTL now"}
            </th>
            <th scope="col">Change</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          <PadRow height={padTop} columns={6} />
          {virtual.map((v) => {
            const item = items[v.index]!;
            const c = changeText(item);
            return (
              <tr
                key={`${v.index}-${item.keyBase64}`}
                aria-rowindex={v.index + 2}
                style={{ height: ROW_HEIGHT }}
              >
                <td className="num muted">{formatCount(offset + v.index + 1)}</td>
                <td className="mono wf-key" title={item.key}>
                  {item.key}
                </td>
                <td>
                  <span className={`type-badge type-${item.type}`}>{item.type}</span>
                </td>
                <td className="num muted">
                  {warmup
                    ? item.exists === undefined
                      ? ""
                      : item.exists
                        ? "exists"
                        : "absent"
                    : ttlWord(item.ttl)}
                </td>
                <td>
                  <span className={`wf-change wf-tone-${c.tone}`} title={c.title}>
                    {c.text}
                  </span>
                </td>
                <td className="muted small wf-note" title={item.note ?? item.node}>
                  {item.note ??
                    (warmup && item.change === "set"
                      ? item.ttlAfter !== undefined && item.ttlAfter >= 0
                        ? `TTL ${ttlWord(item.ttlAfter)} s`
                        : "no expiry"
                      : "")}
                  {item.node ? ` on ${item.node}` : ""}
                </td>
              </tr>
            );
          })}
          <PadRow height={padBottom} columns={6} />
        </tbody>
      </table>
    </div>
  );
}

/** First / previous / page N of M (type to jump) / next / last, and the page size. */
export function Pager({
  page,
  pages,
  pageSize,
  loading,
  onPage,
  onPageSize,
}: {
  page: number;
  pages: number;
  pageSize: number;
  loading: boolean;
  onPage: (p: number) => void;
  onPageSize: (n: number) => void;
}) {
  const [typed, setTyped] = useState<string | undefined>();
  const ids = { jump: useId(), size: useId() };
  const go = (p: number) => {
    setTyped(undefined);
    onPage(Math.min(pages, Math.max(1, p)));
  };
  const typedPage = typed === undefined ? page : Number(typed);
  const typedOk = Number.isInteger(typedPage) && typedPage >= 1 && typedPage <= pages;
  return (
    <nav className="wf-pager" aria-label="Plan pages">
      <button type="button" className="btn btn-small" onClick={() => go(1)} disabled={page <= 1}>
        First page
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => go(page - 1)}
        disabled={page <= 1}
      >
        Previous page
      </button>
      <form
        className="wf-jump"
        onSubmit={(e) => {
          e.preventDefault();
          if (typedOk) go(typedPage);
        }}
      >
        <label htmlFor={ids.jump}>Page</label>
        <input
          id={ids.jump}
          className="mono"
          inputMode="numeric"
          value={typed ?? String(page)}
          onChange={(e) => setTyped(e.target.value.replace(/[^\d]/g, ""))}
          aria-invalid={!typedOk || undefined}
          aria-label={`Page number, 1 to ${pages}`}
        />
        <span>of {formatCount(pages)}</span>
        <button type="submit" className="btn btn-small" disabled={!typedOk || typedPage === page}>
          Go to page
        </button>
      </form>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => go(page + 1)}
        disabled={page >= pages}
      >
        Next page
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => go(pages)}
        disabled={page >= pages}
      >
        Last page
      </button>
      <label className="field-inline push-right" htmlFor={ids.size}>
        Rows per page
        <select id={ids.size} value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {formatCount(n)}
            </option>
          ))}
        </select>
      </label>
      {loading && <span className="muted small">Loading…</span>}
    </nav>
  );
}
