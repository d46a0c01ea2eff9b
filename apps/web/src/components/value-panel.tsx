import { useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { api } from "../api/client.ts";
import { editLoadedKeys, qk, useKeyValue } from "../api/hooks.ts";
import type { CollectionType, KeyRow, KeyValue, ProfileView } from "../api/types.ts";
import {
  base64ToBytes,
  decodeUtf8,
  hexDump,
  looksBinary,
  prettyJson,
  textToBytes,
} from "../lib/bytes.ts";
import { formatBytes, formatCount, formatTtl } from "../lib/format.ts";
import { readOnlyReason } from "../lib/profile.ts";
import { ActionButton } from "./action-button.tsx";
import { CollectionView } from "./collection-view.tsx";
import { EmptyState } from "./empty-state.tsx";
import { ErrorNotice } from "./error-notice.tsx";
import { useGuardedMutation } from "./guard.tsx";
import { LockIcon } from "./icons.tsx";
import { RenameDialog, TtlDialog } from "./key-dialogs.tsx";
import { RollbackDialog } from "./rollback/rollback-dialog.tsx";

type View = "text" | "json" | "hex";
const HEX_LIMIT = 64 * 1024;
const TEXT_LIMIT = 512 * 1024;

interface Decoded {
  bytes: Uint8Array;
  text: string | undefined;
  json: string | undefined;
  binary: boolean;
}

function decode(v: KeyValue): Decoded | undefined {
  if (v.valueBase64 !== undefined) {
    const bytes = base64ToBytes(v.valueBase64);
    const text = typeof v.value === "string" ? v.value : decodeUtf8(bytes);
    const binary = text === undefined || looksBinary(text);
    return {
      bytes,
      text: binary ? undefined : text,
      json: binary ? undefined : prettyJson(text!),
      binary,
    };
  }
  if (typeof v.value === "string") {
    const binary = looksBinary(v.value);
    return {
      bytes: textToBytes(v.value),
      text: binary ? undefined : v.value,
      json: binary ? undefined : prettyJson(v.value),
      binary,
    };
  }
  return undefined;
}

const COLLECTIONS: readonly string[] = ["hash", "list", "set", "zset", "stream"];
/** Editing as text in a textarea gets sluggish beyond this. */
const EDIT_LIMIT = 1024 * 1024;

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
      {del.isError && (
        <ErrorNotice
          compact
          title={`Could not delete ${row.key}`}
          error={del.error}
          onDismiss={() => del.reset()}
        />
      )}
      {value.isPending ? (
        <p className="muted pad">Reading…</p>
      ) : value.isError ? (
        <ErrorNotice
          title={`Could not read ${row.key}`}
          error={value.error}
          onRetry={() => void value.refetch()}
        />
      ) : (
        <ValueBody
          profile={profile}
          row={current}
          v={value.data}
          lock={lock}
          memory={row.sizeBytes}
        />
      )}
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

function StringValue({
  profile,
  row,
  decoded,
  lock,
}: {
  profile: ProfileView;
  row: KeyRow;
  decoded: Decoded;
  lock: string | undefined;
}) {
  const qc = useQueryClient();
  const [choice, setChoice] = useState<View>("text");
  const [editing, setEditing] = useState<string | undefined>();
  const view: View = decoded.binary ? "hex" : choice === "json" && !decoded.json ? "text" : choice;
  const name = useId();
  const editorId = useId();

  const save = useGuardedMutation({
    describe: () => ({
      title: "Save value",
      effect: (
        <>
          The value of <code>{row.key}</code> will be replaced ({formatBytes(decoded.bytes.length)}{" "}
          → {formatBytes(textToBytes(editing ?? "").length)}); its TTL is kept.
        </>
      ),
    }),
    send: (text: string, confirm) => api.setString(profile.id, row.keyBase64, text, confirm),
    onDone: () => {
      setEditing(undefined);
      void qc.invalidateQueries({ queryKey: qk.value(profile.id, row.keyBase64) });
    },
  });

  const editLock =
    lock ??
    (decoded.binary
      ? "Binary value: editing it as text would change its bytes"
      : decoded.bytes.length > EDIT_LIMIT
        ? `Larger than ${formatBytes(EDIT_LIMIT)}: too large to edit here`
        : undefined);

  const options: { view: View; label: string; enabled: boolean; hint?: string }[] = [
    {
      view: "text",
      label: "Text",
      enabled: !decoded.binary,
      hint: decoded.binary ? "Binary value: not valid text" : undefined,
    },
    {
      view: "json",
      label: "JSON",
      enabled: decoded.json !== undefined,
      hint: decoded.json ? undefined : "Not JSON",
    },
    { view: "hex", label: "Hex", enabled: true },
  ];

  if (editing !== undefined) {
    return (
      <form
        className="stringvalue"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(editing);
        }}
      >
        <div className="valuebar">
          <label htmlFor={editorId} className="field-label">
            Editing as text
          </label>
          <span className="muted">{formatBytes(textToBytes(editing).length)}</span>
          <span className="valuebar-actions">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setEditing(undefined);
                save.reset();
              }}
            >
              Cancel
            </button>
            <button type="submit" className="btn btn-small btn-primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save value"}
            </button>
          </span>
        </div>
        {save.isError && <ErrorNotice compact title="The value was not saved" error={save.error} />}
        <textarea
          id={editorId}
          className="value-editor mono"
          value={editing}
          onChange={(e) => setEditing(e.target.value)}
          spellCheck={false}
          onKeyDown={(e) => {
            if (e.key === "s" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              save.mutate(editing);
            }
            if (e.key === "Escape") setEditing(undefined);
          }}
        />
      </form>
    );
  }

  let body: string;
  let truncated = false;
  if (view === "hex") {
    body = hexDump(decoded.bytes, HEX_LIMIT);
    truncated = decoded.bytes.length > HEX_LIMIT;
  } else {
    const full = view === "json" ? decoded.json! : decoded.text!;
    truncated = full.length > TEXT_LIMIT;
    body = truncated ? full.slice(0, TEXT_LIMIT) : full;
  }

  return (
    <div className="stringvalue">
      <div className="valuebar">
        <fieldset className="segmented">
          <legend className="sr-only">Show value as</legend>
          {options.map((o) => (
            <label key={o.view} className={o.enabled ? undefined : "disabled"} title={o.hint}>
              <input
                className="segmented-radio"
                type="radio"
                name={name}
                value={o.view}
                checked={view === o.view}
                disabled={!o.enabled}
                onChange={() => setChoice(o.view)}
              />
              <span>{o.label}</span>
            </label>
          ))}
        </fieldset>
        {decoded.binary && <span className="muted">Binary value: shown as hex</span>}
        {truncated && (
          <span className="muted">
            Showing the first{" "}
            {view === "hex" ? formatBytes(HEX_LIMIT) : `${formatCount(TEXT_LIMIT)} characters`}
          </span>
        )}
        <span className="valuebar-actions">
          <ActionButton lock={editLock} onClick={() => setEditing(decoded.text ?? "")}>
            Edit value
          </ActionButton>
        </span>
      </div>
      <section className="value-scroll" aria-label="Value">
        <pre className={`value value-${view}`}>{body}</pre>
      </section>
    </div>
  );
}
