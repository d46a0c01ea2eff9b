import { useId, useMemo, useState } from "react";
import { useKeyValue } from "../api/hooks.ts";
import type { KeyRow, KeyValue, ProfileView } from "../api/types.ts";
import {
  base64ToBytes,
  decodeUtf8,
  hexDump,
  looksBinary,
  prettyJson,
  textToBytes,
} from "../lib/bytes.ts";
import { formatBytes, formatCount, formatTtl } from "../lib/format.ts";
import { EmptyState } from "./empty-state.tsx";
import { ErrorNotice } from "./error-notice.tsx";

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

export function ValuePanel({ profile, row }: { profile: ProfileView; row: KeyRow }) {
  const value = useKeyValue(profile.id, row.keyBase64);
  const titleId = useId();

  return (
    <section className="valuepanel" aria-labelledby={titleId}>
      <header className="valuepanel-head">
        <h2 id={titleId} className="mono valuepanel-key" title={row.key}>
          {row.key}
        </h2>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void value.refetch()}
          disabled={value.isFetching}
        >
          Reload value
        </button>
      </header>
      {value.isPending ? (
        <p className="muted pad">Reading…</p>
      ) : value.isError ? (
        <ErrorNotice
          title={`Could not read ${row.key}`}
          error={value.error}
          onRetry={() => void value.refetch()}
        />
      ) : (
        <ValueBody v={value.data} />
      )}
    </section>
  );
}

function ValueBody({ v }: { v: KeyValue }) {
  const decoded = useMemo(() => decode(v), [v]);
  const size = v.sizeBytes ?? decoded?.bytes.length;

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
            <dt>Size</dt>
            <dd>{formatBytes(size)}</dd>
          </div>
        )}
      </dl>
      {v.ttl === -2 || v.type === "none" ? (
        <EmptyState title="This key no longer exists">
          <p>
            It expired or was deleted after the list was loaded. Filter again to refresh the list.
          </p>
        </EmptyState>
      ) : v.type !== "string" ? (
        <EmptyState title={`Viewing ${v.type} values is not available yet`}>
          <p>This build shows string values only. The key's type and TTL are above.</p>
        </EmptyState>
      ) : decoded ? (
        <StringValue decoded={decoded} />
      ) : (
        <EmptyState title="No value was returned">
          <p>The studio sent no value for this key. Reload it to try again.</p>
        </EmptyState>
      )}
    </>
  );
}

function StringValue({ decoded }: { decoded: Decoded }) {
  const [choice, setChoice] = useState<View>("text");
  const view: View = decoded.binary ? "hex" : choice === "json" && !decoded.json ? "text" : choice;
  const name = useId();

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
      </div>
      <section className="value-scroll" aria-label="Value">
        <pre className={`value value-${view}`}>{body}</pre>
      </section>
    </div>
  );
}
