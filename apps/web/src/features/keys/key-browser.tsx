import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api/client.ts";
import { editLoadedKeys, qk, SCAN_COUNT, useCapabilities, useKeys } from "../../api/hooks.ts";
import type { KeyRow, ProfileView, ValueType } from "../../api/types.ts";
import { formatCount } from "../../lib/format.ts";
import { prefixPattern } from "../../lib/key-tree.ts";
import { useOpenKeyRequests } from "../../lib/open-key.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { useViewRequest } from "../../lib/view-requests.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { PlusIcon } from "../../ui/icons.tsx";
import { InfoNote } from "../../ui/notices.tsx";
import { Segmented } from "../../ui/segmented.tsx";
import { ValuePanel } from "../values/value-panel.tsx";
import { CreateKeyDialog } from "./create-key-dialog.tsx";
import { FilterBar, TYPES } from "./filter-bar.tsx";
import { KeyList } from "./key-list.tsx";
import { KeyTreeView } from "./key-tree-view.tsx";
import { ListEmpty, LoadMore } from "./list-states.tsx";
import {
  DELIM_KEY,
  fitsPattern,
  store,
  stored,
  useKeyTree,
  useLoadedRows,
  VIEW_KEY,
  type View,
} from "./loaded-keys.ts";

/** Keep scanning on our own until a screenful matched or this many pages came back. */
const AUTO_FILL_ROWS = 60;
const AUTO_FILL_PAGES = 20;
const FILTER_DEBOUNCE_MS = 350;
/** "Load all" asks for bigger pages: fewer round trips for a large keyspace. */
const BULK_COUNT = 5000;

export function KeyBrowser({ profile, active }: { profile: ProfileView; active: boolean }) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState("*");
  const [match, setMatch] = useState("*");
  const [type, setType] = useState<ValueType | "">("");
  const [selected, setSelected] = useState<KeyRow | undefined>();
  const [view, setViewState] = useState<View>(() =>
    stored(VIEW_KEY, "list") === "tree" ? "tree" : "list",
  );
  const [delimiter, setDelimiterState] = useState(() => stored(DELIM_KEY, ":"));
  const [loadingAll, setLoadingAll] = useState(false);
  const [creating, setCreating] = useState<string | undefined>();
  const [goto, setGoto] = useState("");
  const [gotoState, setGotoState] = useState<{ busy?: boolean; missing?: string; error?: unknown }>(
    {},
  );
  const filterRef = useRef<HTMLInputElement>(null);
  const bulk = useRef(false);
  bulk.current = loadingAll;
  const caps = useCapabilities(profile.id);
  const lock = readOnlyReason(profile);

  const pageSize = useCallback(() => (bulk.current ? BULK_COUNT : SCAN_COUNT), []);
  const keys = useKeys(profile.id, match, type, pageSize);
  const pages = keys.data?.pages;
  const { rows, generation } = useLoadedRows(pages);
  const treeState = useKeyTree(rows, generation, delimiter, view === "tree");
  const last = pages?.[pages.length - 1];
  const total = last?.total;
  const bestEffort = pages?.find((p) => p.bestEffort)?.bestEffort;

  const setView = (v: View) => {
    setViewState(v);
    store(VIEW_KEY, v);
  };
  const setDelimiter = (d: string) => {
    setDelimiterState(d);
    store(DELIM_KEY, d);
  };

  // SCAN with a pattern often returns empty pages: keep going a little before asking the user;
  // "Load all" keeps going to the end (or until stopped).
  const { hasNextPage, isFetching, fetchNextPage, isError } = keys;
  const pageCount = pages?.length ?? 0;
  useEffect(() => {
    if (!hasNextPage || isFetching || isError) {
      if (loadingAll && !hasNextPage && !isFetching) setLoadingAll(false);
      return;
    }
    if (loadingAll || (rows.length < AUTO_FILL_ROWS && pageCount < AUTO_FILL_PAGES)) {
      void fetchNextPage();
    }
  }, [hasNextPage, isFetching, isError, rows.length, pageCount, fetchNextPage, loadingAll]);
  useEffect(() => {
    if (isError) setLoadingAll(false);
  }, [isError]);

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

  const applyMatch = (next: string) => {
    setLoadingAll(false);
    if (next === match) {
      // A fresh scan from the start (refetching every loaded page would re-walk them all).
      void qc.resetQueries({ queryKey: qk.keys(profile.id, match, type) });
    } else {
      setMatch(next);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next = draft.trim() === "" ? "*" : draft.trim();
    applyMatch(next);
  };
  const filterFolder = (prefix: string) => {
    const p = prefixPattern(prefix);
    setDraft(p);
    applyMatch(p);
  };

  const onGoto = async (e: FormEvent) => {
    e.preventDefault();
    await openByName(goto);
  };
  // The palette's "New key…": the same dialog as the button (a read-only connection refuses it
  // there too, with the reason on the button).
  useViewRequest(profile.id, "new-key", () => {
    if (!lock) setCreating("");
  });
  // The command palette's "Open key" lands here: the same exact lookup as the field.
  useOpenKeyRequests(profile.id, (name) => {
    setGoto(name);
    void openByName(name);
  });

  async function openByName(name: string) {
    if (name === "") return;
    setGotoState({ busy: true });
    try {
      const v = await api.keyByName(profile.id, name);
      if (v.type === "none" || v.ttl === -2) {
        setGotoState({ missing: name });
        return;
      }
      setGotoState({});
      setSelected({
        key: v.key,
        keyBase64: v.keyBase64,
        type: v.type,
        ttl: v.ttl,
      });
    } catch (err) {
      setGotoState({ error: err });
    }
  }

  const onCreated = (row: KeyRow) => {
    editLoadedKeys(
      qc,
      profile.id,
      (list, page, filter) =>
        page === 0 &&
        fitsPattern(filter.match, row.key) &&
        (filter.type === "" || filter.type === row.type) &&
        !list.some((k) => k.keyBase64 === row.keyBase64)
          ? [row, ...list]
          : list,
      1,
    );
    setSelected(row);
  };

  const scanning = keys.isFetching && !keys.isFetchingNextPage ? "Scanning…" : "Loading more…";
  const all = match === "*" && type === "";
  const done = keys.isSuccess && !keys.hasNextPage;
  let countText: string;
  if (total !== undefined && all) {
    countText = `${formatCount(rows.length)} of ${formatCount(total)} keys loaded`;
  } else {
    countText = `${formatCount(rows.length)} matching ${rows.length === 1 ? "key" : "keys"}${
      total !== undefined ? ` · ${formatCount(total)} in the database` : ""
    }`;
  }
  if (done && rows.length > 0) countText += " · scan complete";
  const progress =
    total !== undefined && total > 0 && all && !done ? Math.min(1, rows.length / total) : undefined;
  const listLabel = `Keys matching ${match}`;

  return (
    <div className="browser">
      <div className="browser-list">
        <FilterBar
          draft={draft}
          onDraft={setDraft}
          type={type}
          onType={setType}
          onSubmit={onSubmit}
          inputRef={filterRef}
        />

        <div className="gotobar">
          <form className="goto" onSubmit={(e) => void onGoto(e)} aria-label="Go to key">
            <label className="field-inline grow">
              <span>Go to</span>
              <input
                className="mono"
                aria-label="Go to key (exact name)"
                value={goto}
                onChange={(e) => {
                  setGoto(e.target.value);
                  if (gotoState.missing || gotoState.error) setGotoState({});
                }}
                placeholder="exact key name, no scan"
                spellCheck={false}
                autoComplete="off"
              />
            </label>
            <button
              type="submit"
              className="btn btn-small"
              disabled={goto === "" || gotoState.busy}
            >
              Open key
            </button>
          </form>
          <ActionButton lock={lock} onClick={() => setCreating("")} aria-label="New key">
            <PlusIcon />
            New key
          </ActionButton>
        </div>
        {gotoState.missing !== undefined && (
          <div className="notice notice-info compact" role="status">
            <div className="notice-body">
              <p>
                No key named <code>{gotoState.missing}</code> in {profile.name}.
              </p>
            </div>
            <ActionButton lock={lock} onClick={() => setCreating(gotoState.missing)}>
              Create it
            </ActionButton>
          </div>
        )}
        {gotoState.error !== undefined && (
          <ErrorNotice
            compact
            title="Could not look the key up"
            error={gotoState.error}
            onDismiss={() => setGotoState({})}
          />
        )}

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
          <span className="listbar-tools">
            <Segmented
              legend="Show keys as"
              value={view}
              options={[
                ["list", "List"],
                ["tree", "Tree"],
              ]}
              onChange={setView}
            />
            {view === "tree" && (
              <label className="field-inline" title="Splits key names into folders">
                <span>Delimiter</span>
                <input
                  className="mono delim"
                  aria-label="Namespace delimiter"
                  value={delimiter}
                  maxLength={4}
                  onChange={(e) => setDelimiter(e.target.value)}
                  spellCheck={false}
                />
              </label>
            )}
          </span>
        </div>
        {progress !== undefined && loadingAll && (
          <progress
            className="scan-progress"
            aria-label="Scan progress"
            value={rows.length}
            max={total}
          />
        )}
        {bestEffort && <InfoNote text={bestEffort} />}
        {caps.data && !caps.data.scan && !bestEffort && caps.data.reasons.keyListing && (
          <InfoNote text={caps.data.reasons.keyListing} />
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
          view === "tree" && treeState ? (
            <KeyTreeView
              tree={treeState.tree}
              version={treeState.version}
              selected={selected}
              onSelect={setSelected}
              onFilterFolder={filterFolder}
              label={listLabel}
            />
          ) : (
            <KeyList
              rows={rows}
              selected={selected?.keyBase64}
              onSelect={setSelected}
              label={listLabel}
            />
          )
        ) : (
          <ListEmpty profile={profile} keys={keys} match={match} type={type} lock={lock} />
        )}

        <LoadMore keys={keys} loadingAll={loadingAll} onLoadingAll={setLoadingAll} />
      </div>

      <div className="browser-value">
        {selected ? (
          <ValuePanel
            key={selected.keyBase64}
            profile={profile}
            row={selected}
            onSelect={setSelected}
          />
        ) : (
          <EmptyState title="No key selected">
            <p>
              Pick a key on the left to see its type, TTL and value, or open one by its exact name
              with <em>Go to</em>.
            </p>
          </EmptyState>
        )}
      </div>

      {creating !== undefined && (
        <CreateKeyDialog
          profile={profile}
          initialName={creating}
          types={caps.data?.types ?? (profile.engine === "memcached" ? ["string"] : TYPES)}
          typesReason={caps.data?.reasons.types}
          onClose={() => setCreating(undefined)}
          onCreated={(row) => {
            setCreating(undefined);
            setGotoState({});
            onCreated(row);
          }}
        />
      )}
    </div>
  );
}
