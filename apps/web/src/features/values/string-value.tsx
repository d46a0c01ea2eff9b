import { bytesFromBase64, keyFromText } from "@cachify/core/shared";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api } from "../../api/client.ts";
import { qk } from "../../api/hooks.ts";
import type { KeyRow, KeyValue, ProfileView } from "../../api/types.ts";
import { formatBytes, formatCount } from "../../lib/format.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { FormActions } from "../../ui/form-actions.tsx";
import { useGuardedMutation } from "../../ui/guard.tsx";
import { Segmented } from "../../ui/segmented.tsx";
import { decodeUtf8, hexDump, looksBinary, prettyJson } from "./value-bytes.ts";

/** Editing as text in a textarea gets sluggish beyond this. */
const EDIT_LIMIT = 1024 * 1024;

type View = "text" | "json" | "hex";
const HEX_LIMIT = 64 * 1024;
const TEXT_LIMIT = 512 * 1024;

export interface Decoded {
  bytes: Uint8Array;
  text: string | undefined;
  json: string | undefined;
  binary: boolean;
}

export function decode(v: KeyValue): Decoded | undefined {
  if (v.valueBase64 !== undefined) {
    const bytes = bytesFromBase64(v.valueBase64);
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
      bytes: keyFromText(v.value),
      text: binary ? undefined : v.value,
      json: binary ? undefined : prettyJson(v.value),
      binary,
    };
  }
  return undefined;
}

export function StringValue({
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
  const editorId = useId();

  const save = useGuardedMutation({
    describe: () => ({
      title: "Save value",
      effect: (
        <>
          The value of <code>{row.key}</code> will be replaced ({formatBytes(decoded.bytes.length)}{" "}
          → {formatBytes(keyFromText(editing ?? "").length)}); its TTL is kept.
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
          <span className="muted">{formatBytes(keyFromText(editing).length)}</span>
          <FormActions
            className="valuebar-actions"
            small
            submitLabel="Save value"
            busy={save.isPending}
            busyLabel="Saving…"
            onCancel={() => {
              setEditing(undefined);
              save.reset();
            }}
          />
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
        <Segmented
          legend="Show value as"
          value={view}
          options={options.map((o) => [o.view, o.label, { disabled: !o.enabled, title: o.hint }])}
          onChange={setChoice}
        />
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
