import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useMemo, useState } from "react";
import { api, memberPath } from "../api/client.ts";
import { qk, useMembers } from "../api/hooks.ts";
import type {
  CollectionItems,
  CollectionType,
  HashItem,
  KeyRow,
  ListItem,
  ProfileView,
  SetItem,
  StreamItem,
  ZsetItem,
} from "../api/types.ts";
import { base64ToBytes, decodeUtf8, displayBytes, looksBinary } from "../lib/bytes.ts";
import { formatCount } from "../lib/format.ts";
import { ActionButton } from "./action-button.tsx";
import { EmptyState } from "./empty-state.tsx";
import { ErrorNotice } from "./error-notice.tsx";
import { type GuardAction, useGuardedMutation } from "./guard.tsx";
import {
  HashFieldDialog,
  ListItemDialog,
  SetMemberDialog,
  StreamEntryDialog,
  ZsetMemberDialog,
} from "./member-dialogs.tsx";

type Item = CollectionItems[CollectionType];

/**
 * A cell shows at most this many bytes. The server's text forms are not used: names arrive
 * escaped for display, so whether a value is text is told from its bytes.
 */
const CELL_BASE64 = 5460; // 4,095 bytes: a multiple of 4 characters cuts base64 cleanly
function cellOf(base64: string): { text: string; binary: boolean } {
  const cut = base64.length > CELL_BASE64;
  const bytes = base64ToBytes(cut ? base64.slice(0, CELL_BASE64) : base64);
  // A cut may split a UTF-8 character: drop up to 3 trailing bytes before calling it binary.
  for (let drop = 0; drop <= (cut ? 3 : 0); drop++) {
    const t = decodeUtf8(bytes.subarray(0, bytes.length - drop));
    if (t !== undefined) {
      return looksBinary(t)
        ? { text: displayBytes(bytes), binary: true }
        : { text: t, binary: false };
    }
  }
  return { text: displayBytes(bytes), binary: true };
}

const NOUN: Record<CollectionType, [string, string]> = {
  hash: ["field", "fields"],
  list: ["element", "elements"],
  set: ["member", "members"],
  zset: ["member", "members"],
  stream: ["entry", "entries"],
};
const ADD_LABEL: Record<CollectionType, string> = {
  hash: "Add field",
  list: "Push element",
  set: "Add member",
  zset: "Add member",
  stream: "Add entry",
};
/** Types whose server-side scan takes a MATCH pattern (HSCAN, SSCAN). */
const FILTERABLE: readonly CollectionType[] = ["hash", "set"];

function identity(type: CollectionType, item: Item): string {
  switch (type) {
    case "hash":
      return (item as HashItem).fieldBase64;
    case "list":
      return String((item as ListItem).index);
    case "set":
    case "zset":
      return (item as SetItem).memberBase64;
    case "stream":
      return (item as StreamItem).id;
  }
}

/** How an item is named in labels and dialogs. */
function nameOf(type: CollectionType, item: Item): string {
  switch (type) {
    case "hash":
      return (item as HashItem).field;
    case "list":
      return `index ${(item as ListItem).index}`;
    case "set":
    case "zset":
      return (item as SetItem).member;
    case "stream":
      return (item as StreamItem).id;
  }
}

/** A stored byte string for a table cell: its text, or its bytes escaped (in the warning colour). */
function Cell({ base64 }: { text?: string | null; base64: string }) {
  const c = useMemo(() => cellOf(base64), [base64]);
  return (
    <span
      className={c.binary ? "cell-value mono binary" : "cell-value mono"}
      title={c.text.length > 2000 ? `${c.text.slice(0, 2000)}…` : c.text}
    >
      {c.text === "" ? <em className="muted">(empty)</em> : c.text}
    </span>
  );
}

/**
 * A hash, list, set, sorted set or stream: a paged table ("load more"), with add, edit and
 * delete per member. Each change goes through the guard (the server decides what to ask).
 */
export function CollectionView({
  profile,
  row,
  type,
  lock,
}: {
  profile: ProfileView;
  row: KeyRow;
  type: CollectionType;
  lock: string | undefined;
}) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState("");
  const [match, setMatch] = useState("");
  const [dialog, setDialog] = useState<{ edit?: Item } | undefined>();
  const members = useMembers(profile.id, row.keyBase64, type, match);
  const pages = members.data?.pages;
  const items = useMemo(() => {
    const seen = new Set<string>();
    const out: Item[] = [];
    for (const p of pages ?? []) {
      for (const it of p.items as Item[]) {
        const id = identity(type, it);
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(it);
      }
    }
    return out;
  }, [pages, type]);
  const length = pages?.[pages.length - 1]?.length;
  const [one, many] = NOUN[type];
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: qk.value(profile.id, row.keyBase64) });
  };

  const remove = useGuardedMutation({
    describe: (item: Item): GuardAction => ({
      title: type === "list" ? "Remove element" : `Delete ${one}`,
      effect:
        type === "list" ? (
          <>
            The element at index {(item as ListItem).index} of list <code>{row.key}</code> will be
            removed (only if it still holds what you loaded).
          </>
        ) : (
          <>
            {one[0]!.toUpperCase() + one.slice(1)} <code>{nameOf(type, item)}</code> will be deleted
            from {type} <code>{row.key}</code>.
          </>
        ),
    }),
    send: (item: Item, confirm) => {
      const key = { keyBase64: row.keyBase64 };
      switch (type) {
        case "hash":
          return api.send(
            "DELETE",
            memberPath(profile.id, "hash/field"),
            { ...key, fieldBase64: (item as HashItem).fieldBase64 },
            confirm,
          );
        case "list":
          return api.send(
            "DELETE",
            memberPath(profile.id, "list/item"),
            {
              ...key,
              index: (item as ListItem).index,
              expectedBase64: (item as ListItem).valueBase64,
            },
            confirm,
          );
        case "set":
        case "zset":
          return api.send(
            "DELETE",
            memberPath(profile.id, `${type}/member`),
            { ...key, memberBase64: (item as SetItem).memberBase64 },
            confirm,
          );
        case "stream":
          return api.send(
            "DELETE",
            memberPath(profile.id, "stream/entry"),
            { ...key, id: (item as StreamItem).id },
            confirm,
          );
      }
    },
    onDone: refresh,
  });

  const onFilter = (e: FormEvent) => {
    e.preventDefault();
    setMatch(draft.trim() === "*" ? "" : draft.trim());
  };

  const editLock = (item: Item): string | undefined => {
    if (lock) return lock;
    const v = type === "hash" || type === "list" ? (item as HashItem | ListItem) : undefined;
    if (v && (v.value === null || looksBinary(v.value)))
      return "Binary value: editing it as text would change its bytes";
    return undefined;
  };

  const columns: { head: string; className?: string; cell: (it: Item) => ReactNode }[] =
    type === "hash"
      ? [
          {
            head: "Field",
            className: "col-name",
            cell: (it) => (
              <Cell text={(it as HashItem).field} base64={(it as HashItem).fieldBase64} />
            ),
          },
          {
            head: "Value",
            cell: (it) => (
              <Cell text={(it as HashItem).value} base64={(it as HashItem).valueBase64} />
            ),
          },
        ]
      : type === "list"
        ? [
            {
              head: "Index",
              className: "num col-index",
              cell: (it) => formatCount((it as ListItem).index),
            },
            {
              head: "Element",
              cell: (it) => (
                <Cell text={(it as ListItem).value} base64={(it as ListItem).valueBase64} />
              ),
            },
          ]
        : type === "set"
          ? [
              {
                head: "Member",
                cell: (it) => (
                  <Cell text={(it as SetItem).member} base64={(it as SetItem).memberBase64} />
                ),
              },
            ]
          : type === "zset"
            ? [
                {
                  head: "Rank",
                  className: "num col-index",
                  cell: (it) => formatCount((it as ZsetItem).rank),
                },
                {
                  head: "Member",
                  cell: (it) => (
                    <Cell text={(it as ZsetItem).member} base64={(it as ZsetItem).memberBase64} />
                  ),
                },
                {
                  head: "Score",
                  className: "num col-score",
                  cell: (it) => <span className="mono">{String((it as ZsetItem).score)}</span>,
                },
              ]
            : [
                {
                  head: "ID",
                  className: "col-id",
                  cell: (it) => {
                    const ms = Number((it as StreamItem).id.split("-")[0]);
                    return (
                      <span
                        className="mono"
                        title={
                          Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined
                        }
                      >
                        {(it as StreamItem).id}
                      </span>
                    );
                  },
                },
                {
                  head: "Fields",
                  cell: (it) => (
                    <span className="stream-fields">
                      {(it as StreamItem).fields.map((f) => (
                        <span key={f.fieldBase64} className="stream-field">
                          <Cell text={f.field} base64={f.fieldBase64} />
                          <span className="muted">=</span>
                          <Cell text={f.value} base64={f.valueBase64} />
                        </span>
                      ))}
                    </span>
                  ),
                },
              ];
  const editable = type !== "set" && type !== "stream";

  const close = () => setDialog(undefined);
  const done = () => {
    setDialog(undefined);
    refresh();
  };
  const dialogProps = { profile, row, onClose: close, onDone: done };

  return (
    <div className="collection">
      <div className="valuebar">
        <span className="count" aria-live="polite">
          {members.isPending
            ? "Loading…"
            : `${formatCount(items.length)} of ${formatCount(length ?? items.length)} ${
                (length ?? items.length) === 1 ? one : many
              } loaded${match ? ` matching ${match}` : ""}`}
        </span>
        {FILTERABLE.includes(type) && (
          <form className="member-filter" onSubmit={onFilter} aria-label={`Filter ${many}`}>
            <input
              type="search"
              className="mono"
              aria-label={`${one[0]!.toUpperCase()}${one.slice(1)} pattern`}
              placeholder="pattern, e.g. user*"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              spellCheck={false}
            />
          </form>
        )}
        <span className="valuebar-actions">
          <ActionButton lock={lock} onClick={() => setDialog({})}>
            {ADD_LABEL[type]}
          </ActionButton>
        </span>
      </div>
      {remove.isError && (
        <ErrorNotice
          compact
          title={`Could not delete the ${one}`}
          error={remove.error}
          onDismiss={() => remove.reset()}
        />
      )}
      {members.isError ? (
        <ErrorNotice
          title={`Could not read the ${many} of ${row.key}`}
          error={members.error}
          onRetry={() => void members.refetch()}
        />
      ) : items.length === 0 && members.isSuccess ? (
        <EmptyState title={match ? `No ${many} match ${match}` : `No ${many}`}>
          <p>
            {match
              ? "Try a wider pattern."
              : "An empty collection no longer exists in Redis: it may have just been emptied."}
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll member-scroll">
          <table className="table members" aria-label={`${many} of ${row.key}`}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.head} scope="col" className={c.className}>
                    {c.head}
                  </th>
                ))}
                <th scope="col" className="col-actions">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => {
                const label = nameOf(type, it);
                return (
                  <tr key={identity(type, it)}>
                    {columns.map((c) => (
                      <td key={c.head} className={c.className}>
                        {c.cell(it)}
                      </td>
                    ))}
                    <td className="col-actions">
                      {editable && (
                        <ActionButton
                          lock={editLock(it)}
                          className="btn btn-small btn-ghost"
                          aria-label={`Edit ${one} ${label}`}
                          onClick={() => setDialog({ edit: it })}
                        >
                          Edit
                        </ActionButton>
                      )}
                      <ActionButton
                        lock={lock}
                        className="btn btn-small btn-ghost btn-danger-quiet"
                        aria-label={`Delete ${one} ${label}`}
                        onClick={() => remove.mutate(it)}
                        disabled={remove.isPending}
                      >
                        Delete
                      </ActionButton>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {members.hasNextPage && (
        <div className="loadmore">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void members.fetchNextPage()}
            disabled={members.isFetchingNextPage}
          >
            {members.isFetchingNextPage ? "Loading…" : `Load more ${many}`}
          </button>
        </div>
      )}

      {dialog && type === "hash" && (
        <HashFieldDialog {...dialogProps} existing={dialog.edit as HashItem | undefined} />
      )}
      {dialog && type === "list" && (
        <ListItemDialog {...dialogProps} existing={dialog.edit as ListItem | undefined} />
      )}
      {dialog && type === "set" && <SetMemberDialog {...dialogProps} />}
      {dialog && type === "zset" && (
        <ZsetMemberDialog {...dialogProps} existing={dialog.edit as ZsetItem | undefined} />
      )}
      {dialog && type === "stream" && <StreamEntryDialog {...dialogProps} />}
    </div>
  );
}
