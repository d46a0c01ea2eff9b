import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { useKeys } from "../api/hooks.ts";
import type { KeyRow, ProfileView, ValueType } from "../api/types.ts";
import { formatCount } from "../lib/format.ts";
import { EmptyState } from "./empty-state.tsx";
import { ErrorNotice } from "./error-notice.tsx";
import { KeyList } from "./key-list.tsx";
import { ValuePanel } from "./value-panel.tsx";

const TYPES: readonly ValueType[] = ["string", "hash", "list", "set", "zset", "stream"];
/** Keep scanning on our own until a screenful matched or this many pages came back. */
const AUTO_FILL_ROWS = 60;
const AUTO_FILL_PAGES = 20;
const FILTER_DEBOUNCE_MS = 350;

export function KeyBrowser({ profile, active }: { profile: ProfileView; active: boolean }) {
  const [draft, setDraft] = useState("*");
  const [match, setMatch] = useState("*");
  const [type, setType] = useState<ValueType | "">("");
  const [selected, setSelected] = useState<KeyRow | undefined>();
  const filterRef = useRef<HTMLInputElement>(null);

  const keys = useKeys(profile.id, match, type);
  const rows = useMemo(() => {
    const seen = new Map<string, KeyRow>();
    for (const page of keys.data?.pages ?? []) {
      for (const k of page.keys) if (!seen.has(k.keyBase64)) seen.set(k.keyBase64, k);
    }
    return [...seen.values()];
  }, [keys.data]);
  const pages = keys.data?.pages ?? [];
  const last = pages[pages.length - 1];
  const total = last?.total;
  const bestEffort = pages.find((p) => p.bestEffort)?.bestEffort;

  // SCAN with a pattern often returns empty pages: keep going a little before asking the user.
  const { hasNextPage, isFetching, fetchNextPage } = keys;
  useEffect(() => {
    if (
      hasNextPage &&
      !isFetching &&
      rows.length < AUTO_FILL_ROWS &&
      pages.length < AUTO_FILL_PAGES
    ) {
      void fetchNextPage();
    }
  }, [hasNextPage, isFetching, rows.length, pages.length, fetchNextPage]);

  // Typing filters after a short pause; Enter applies at once.
  useEffect(() => {
    const next = draft.trim() === "" ? "*" : draft.trim();
    if (next === match) return;
    const t = setTimeout(() => setMatch(next), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [draft, match]);

  // "/" jumps to the filter from anywhere in the browser tab.
  useEffect(() => {
    if (!active) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing =
        t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next = draft.trim() === "" ? "*" : draft.trim();
    if (next === match) void keys.refetch();
    else setMatch(next);
  };

  const scanning = keys.isFetching && !keys.isFetchingNextPage ? "Scanning…" : "Loading more…";
  const countText = `${formatCount(rows.length)} ${rows.length === 1 ? "key" : "keys"} loaded${
    total !== undefined ? ` of ${formatCount(total)}` : ""
  }`;

  return (
    <div className="browser">
      <div className="browser-list">
        <form className="filterbar" onSubmit={onSubmit} aria-label="Filter keys">
          <label className="field-inline grow">
            <span>Pattern</span>
            <input
              ref={filterRef}
              type="search"
              className="mono"
              aria-label="Key pattern"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="*"
              spellCheck={false}
              autoComplete="off"
              title="Glob pattern: * any run, ? one character, [abc] a set. Press / to focus."
            />
          </label>
          <label className="field-inline">
            <span>Type</span>
            <select value={type} onChange={(e) => setType(e.target.value as ValueType | "")}>
              <option value="">any</option>
              {TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="btn btn-small">
            Filter
          </button>
        </form>

        <div className="listbar">
          <span
            className="count"
            aria-live="polite"
            title={
              total !== undefined
                ? `The database holds ${formatCount(total)} keys; the pattern is matched while scanning them.`
                : undefined
            }
          >
            {keys.isPending
              ? "Scanning…"
              : keys.isError && rows.length === 0
                ? "No keys loaded"
                : countText}
          </span>
          {keys.isFetching && !keys.isPending && <span className="muted">{scanning}</span>}
        </div>
        {bestEffort && (
          <div className="notice notice-info compact" role="note">
            <div className="notice-body">
              <p>{bestEffort}</p>
            </div>
          </div>
        )}

        {keys.isError && (
          <ErrorNotice
            compact
            title={`Could not list keys matching ${match}`}
            error={keys.error}
            onRetry={() => void keys.refetch()}
          />
        )}

        {rows.length > 0 ? (
          <KeyList
            rows={rows}
            selected={selected?.keyBase64}
            onSelect={setSelected}
            label={`Keys matching ${match}`}
          />
        ) : keys.isSuccess && !keys.hasNextPage ? (
          <EmptyState title="No keys match">
            <p>
              Nothing in <strong>{profile.name}</strong> matches <code>{match}</code>
              {type ? ` with type ${type}` : ""}. Try a wider pattern, such as <code>*</code>.
            </p>
          </EmptyState>
        ) : keys.isSuccess && !keys.isFetching ? (
          <EmptyState title="No matches yet">
            <p>The part of the keyspace scanned so far has no match. Load more to keep scanning.</p>
          </EmptyState>
        ) : (
          <div className="keylist-placeholder" />
        )}

        {keys.hasNextPage && (
          <div className="loadmore">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void keys.fetchNextPage()}
              disabled={keys.isFetchingNextPage}
            >
              {keys.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          </div>
        )}
      </div>

      <div className="browser-value">
        {selected ? (
          <ValuePanel key={selected.keyBase64} profile={profile} row={selected} />
        ) : (
          <EmptyState title="No key selected">
            <p>Pick a key on the left to see its type, TTL and value.</p>
          </EmptyState>
        )}
      </div>
    </div>
  );
}
