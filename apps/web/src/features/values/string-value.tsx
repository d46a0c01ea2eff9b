import { bytesFromBase64, keyFromText } from "@cachify/core/shared";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api } from "../../api/client.ts";
import { qk } from "../../api/hooks.ts";
import type { KeyRow, KeyValue, ProfileView } from "../../api/types.ts";
import { useValueView } from "../../api/value-view.ts";
import { formatBytes, formatCount } from "../../lib/format.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { FormActions } from "../../ui/form-actions.tsx";
import { useGuardedMutation } from "../../ui/guard.tsx";
import { Segmented } from "../../ui/segmented.tsx";
import { formatLabel } from "./plain-node.ts";
import { decodeUtf8, hexDump, looksBinary, prettyJson } from "./value-bytes.ts";
import { AUTO, ChainCrumbs, DecodedView, RAW, ViewAs, ViewError } from "./value-viewer.tsx";

/** Editing as text in a textarea gets sluggish beyond this. */
const EDIT_LIMIT = 1024 * 1024;

type View = "text" | "json" | "hex";
const HEX_LIMIT = 64 * 1024;
const TEXT_LIMIT = 512 * 1024;
/** Up to this size a text value is also tried with "auto", to say what it decodes as. */
const DETECT_LIMIT = 1024 * 1024;

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
  // "View as": Auto when the raw value is not text, Raw (text / JSON / hex) otherwise.
  const [viewAs, setViewAs] = useState<string>(decoded.binary ? AUTO : RAW);
  const auto = useValueView(
    profile.id,
    row.keyBase64,
    AUTO,
    viewAs === AUTO || decoded.bytes.length <= DETECT_LIMIT,
  );
  const picked = useValueView(profile.id, row.keyBase64, viewAs, viewAs !== AUTO && viewAs !== RAW);
  const seen = viewAs === AUTO ? auto : picked;
  const formats = seen.data?.formats ?? auto.data?.formats ?? [];
  // Auto that recognised nothing shows the raw value, saying so.
  const nothingFound = viewAs === AUTO && auto.data?.chain.length === 0;
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

  const viewAsControl = <ViewAs value={viewAs} formats={formats} onChange={setViewAs} />;
  if (viewAs !== RAW && !nothingFound) {
    return (
      <div className="stringvalue">
        <div className="valuebar">
          {viewAsControl}
          {seen.data && <ChainCrumbs chain={seen.data.chain} />}
          {seen.isFetching && <span className="muted">Decoding…</span>}
        </div>
        {seen.isError ? (
          <ViewError view={viewAs} error={seen.error} onRaw={() => setViewAs(RAW)} />
        ) : seen.data ? (
          <DecodedView view={seen.data} />
        ) : null}
      </div>
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
  const detected = viewAs === RAW && auto.data?.chain.length ? auto.data.chain : undefined;

  return (
    <div className="stringvalue">
      <div className="valuebar">
        {viewAsControl}
        <Segmented
          legend="Show value as"
          value={view}
          options={options.map((o) => [o.view, o.label, { disabled: !o.enabled, title: o.hint }])}
          onChange={setChoice}
        />
        {nothingFound ? (
          <span className="muted">No format recognised: the raw value</span>
        ) : (
          decoded.binary && <span className="muted">Binary value: shown as hex</span>
        )}
        {detected && (
          <button type="button" className="btn btn-small" onClick={() => setViewAs(AUTO)}>
            Decodes as {detected.map(formatLabel).join(" › ")}
          </button>
        )}
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
