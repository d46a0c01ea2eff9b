import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { api, memberPath } from "../../api/client.ts";
import { qk, useMembers } from "../../api/hooks.ts";
import type {
  CollectionType,
  HashItem,
  KeyRow,
  ListItem,
  ProfileView,
  SetItem,
  StreamItem,
  ZsetItem,
} from "../../api/types.ts";
import { formatCount } from "../../lib/format.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { type Column, DataTable } from "../../ui/data-table.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { type GuardAction, useGuardedMutation } from "../../ui/guard.tsx";
import { LoadMore } from "../../ui/load-more.tsx";
import { MutationError } from "../../ui/notices.tsx";
import { columnsOf, type Item, identity, nameOf } from "./collection-columns.tsx";
import {
  HashFieldDialog,
  ListItemDialog,
  SetMemberDialog,
  StreamEntryDialog,
  ZsetMemberDialog,
} from "./member-dialogs.tsx";
import { looksBinary } from "./value-bytes.ts";

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

  const columns: Column<Item>[] = [
    ...columnsOf(type),
    {
      header: <span className="sr-only">Actions</span>,
      className: "col-actions",
      cell: (it) => {
        const label = nameOf(type, it);
        return (
          <>
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
          </>
        );
      },
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
      <MutationError m={remove} title={`Could not delete the ${one}`} />
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
          <DataTable
            className="table members"
            label={`${many} of ${row.key}`}
            rows={items}
            rowKey={(it) => identity(type, it)}
            columns={columns}
          />
        </div>
      )}
      <LoadMore q={members} label={`Load more ${many}`} />

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
