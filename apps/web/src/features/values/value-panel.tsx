import { useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { api } from "../../api/client.ts";
import { editLoadedKeys, qk, useKeyValue } from "../../api/hooks.ts";
import type { CollectionType, KeyRow, KeyValue, ProfileView } from "../../api/types.ts";
import { formatBytes, formatCount, formatTtl } from "../../lib/format.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { useGuardedMutation } from "../../ui/guard.tsx";
import { LockIcon } from "../../ui/icons.tsx";
import { MutationError, QueryView } from "../../ui/notices.tsx";
import { RenameDialog, TtlDialog } from "../keys/key-dialogs.tsx";
import { RollbackDialog } from "../rollback/rollback-dialog.tsx";
import { CollectionView } from "./collection-view.tsx";
import { decode, StringValue } from "./string-value.tsx";

const COLLECTIONS: readonly string[] = ["hash", "list", "set", "zset", "stream"];

export function ValuePanel({
  profile,
  row,
  onSelect,
}: {
  profile: ProfileView;
  row: KeyRow;
  onSelect: (row: KeyRow | undefined) => void;
}) {
  const qc = useQueryClient();
  const value = useKeyValue(profile.id, row.keyBase64);
  const titleId = useId();
  const [dialog, setDialog] = useState<"rename" | "ttl" | "undo" | undefined>();
  const lock = readOnlyReason(profile);
  const current: KeyRow = value.data ? { ...row, type: value.data.type, ttl: value.data.ttl } : row;
  const missing = value.data && (value.data.ttl === -2 || value.data.type === "none");
  const renameLock =
    lock ??
    (profile.engine === "memcached"
      ? "Memcached has no RENAME: set the value under the new key, then delete the old key."
      : undefined);

  const del = useGuardedMutation({
    describe: () => ({
      title: "Delete key",
      effect: (
        <>
          <code>{row.key}</code> ({current.type}) will be deleted from {profile.name}.
        </>
      ),
    }),
    send: (_: undefined, confirm) => api.deleteKey(profile.id, row.keyBase64, confirm),
    onDone: () => {
      editLoadedKeys(
        qc,
        profile.id,
        (keys) => keys.filter((k) => k.keyBase64 !== row.keyBase64),
        -1,
      );
      onSelect(undefined);
    },
  });

  return (
    <section className="valuepanel" aria-labelledby={titleId}>
      <header className="valuepanel-head">
        <h2 id={titleId} className="mono valuepanel-key" title={row.key}>
          {row.key}
        </h2>
        <div className="valuepanel-actions">
          <ActionButton lock={renameLock} onClick={() => setDialog("rename")} disabled={missing}>
            Rename
          </ActionButton>
          <ActionButton lock={lock} onClick={() => setDialog("ttl")} disabled={missing}>
            TTL
          </ActionButton>
          <ActionButton
            lock={lock}
            className="btn btn-small btn-danger-quiet"
            onClick={() => del.mutate(undefined)}
            disabled={missing || del.isPending}
          >
            Delete
          </ActionButton>
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              void qc.invalidateQueries({ queryKey: qk.value(profile.id, row.keyBase64) })
            }
            disabled={value.isFetching}
          >
            Reload value
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setDialog("undo")}
            title="This key's snapshots: compare with now, restore one"
          >
            History / undo
          </button>
        </div>
      </header>
      {lock && (
        <p className="lockbar" role="note">
          <LockIcon /> {lock}. Editing is off for this connection.
        </p>
      )}
      <MutationError m={del} title={`Could not delete ${row.key}`} />
      <QueryView q={value} loading="Reading…" errorTitle={`Could not read ${row.key}`}>
        {(data) => (
          <ValueBody profile={profile} row={current} v={data} lock={lock} memory={row.sizeBytes} />
        )}
      </QueryView>
      {dialog === "rename" && (
        <RenameDialog
          profile={profile}
          row={current}
          onClose={() => setDialog(undefined)}
          onRenamed={(next) => {
            setDialog(undefined);
            const renamed = { ...current, key: next.key, keyBase64: next.keyBase64 };
            editLoadedKeys(qc, profile.id, (keys) =>
              keys
                .filter((k) => k.keyBase64 !== next.keyBase64)
                .map((k) => (k.keyBase64 === row.keyBase64 ? { ...k, ...renamed } : k)),
            );
            onSelect(renamed);
          }}
        />
      )}
      {dialog === "undo" && (
        <RollbackDialog
          profile={profile}
          scope={{ kind: "key", key: row.key, keyBase64: row.keyBase64 }}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === "ttl" && (
        <TtlDialog
          profile={profile}
          row={current}
          onClose={() => setDialog(undefined)}
          onChanged={(ttl) => {
            setDialog(undefined);
            editLoadedKeys(qc, profile.id, (keys) =>
              keys.map((k) => (k.keyBase64 === row.keyBase64 ? { ...k, ttl } : k)),
            );
            void qc.invalidateQueries({ queryKey: qk.value(profile.id, row.keyBase64) });
          }}
        />
      )}
    </section>
  );
}

function ValueBody({
  profile,
  row,
  v,
  lock,
  memory,
}: {
  profile: ProfileView;
  row: KeyRow;
  v: KeyValue;
  lock: string | undefined;
  /** MEMORY USAGE from the key list, when it was listed. */
  memory: number | undefined;
}) {
  const decoded = useMemo(() => decode(v), [v]);
  const size = decoded?.bytes.length ?? v.sizeBytes;
  const used = memory;

  return (
    <>
      <dl className="facts">
        <div>
          <dt>Type</dt>
          <dd>
            <span className={`type-badge type-${v.type}`}>{v.type}</span>
          </dd>
        </div>
        <div>
          <dt>TTL</dt>
          <dd title={v.ttl >= 0 ? `${formatCount(v.ttl)} seconds when read` : undefined}>
            {formatTtl(v.ttl)}
          </dd>
        </div>
        {size !== undefined && (
          <div>
            <dt>Value size</dt>
            <dd>{formatBytes(size)}</dd>
          </div>
        )}
        {used !== undefined && (
          <div title="Memory the key uses on the server, when the key list was read">
            <dt>Memory</dt>
            <dd>{formatBytes(used)}</dd>
          </div>
        )}
      </dl>
      {v.ttl === -2 || v.type === "none" ? (
        <EmptyState title="This key no longer exists">
          <p>
            It expired or was deleted after the list was loaded. Filter again to refresh the list.
          </p>
        </EmptyState>
      ) : COLLECTIONS.includes(v.type) ? (
        <CollectionView profile={profile} row={row} type={v.type as CollectionType} lock={lock} />
      ) : v.type !== "string" ? (
        <EmptyState title={`The studio cannot show ${v.type} values`}>
          <p>The key's type and TTL are above; use the console to inspect it.</p>
        </EmptyState>
      ) : decoded ? (
        <StringValue profile={profile} row={row} decoded={decoded} lock={lock} />
      ) : (
        <EmptyState title="No value was returned">
          <p>The studio sent no value for this key. Reload it to try again.</p>
        </EmptyState>
      )}
    </>
  );
}
