import { useId } from "react";
import { isApiError } from "../../api/client.ts";
import type { ValueView } from "../../api/value-view.ts";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { Select } from "../../ui/field.tsx";
import { InfoNote } from "../../ui/notices.tsx";
import { DecodedTree } from "./decoded-tree.tsx";
import { formatLabel } from "./plain-node.ts";

export const AUTO = "auto";
export const RAW = "raw";

/** "View as": Auto, Raw (text, JSON, hex as before) and each format the studio can decode. */
export function ViewAs({
  value,
  formats,
  onChange,
}: {
  value: string;
  formats: readonly string[];
  onChange: (view: string) => void;
}) {
  const id = useId();
  const names =
    formats.includes(value) || value === AUTO || value === RAW ? formats : [...formats, value];
  return (
    <span className="field-inline viewas">
      <label htmlFor={id}>View as</label>
      <Select
        id={id}
        value={value}
        options={[
          { value: AUTO, label: "Auto" },
          { value: RAW, label: "Raw" },
          ...names.map((f) => ({ value: f, label: formatLabel(f) })),
        ]}
        onValue={onChange}
      />
    </span>
  );
}

/** The decoders applied, outermost first: "base64 › pickle". */
export function ChainCrumbs({ chain }: { chain: readonly string[] }) {
  return (
    <nav className="chain" aria-label="Decoded as">
      <ol>
        {chain.map((step, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a chain may repeat a step (base64 twice)
          <li key={i}>
            {i > 0 && (
              <span className="chain-sep" aria-hidden="true">
                {" › "}
              </span>
            )}
            {formatLabel(step)}
          </li>
        ))}
      </ol>
    </nav>
  );
}

const DATA_ONLY: Record<string, string> = {
  pickle:
    "Shown as data: this pickle was read opcode by opcode and nothing in it was run. No function was called and no class was imported, whatever it names.",
  java: "Shown as data: this Java stream was read field by field. No class was loaded or instantiated.",
};

/** The decoded value: the data-only note for pickle and Java, then the tree. Read only. */
export function DecodedView({ view }: { view: ValueView }) {
  const last = view.chain[view.chain.length - 1] ?? "";
  const note = DATA_ONLY[last];
  return (
    <>
      {note && <InfoNote text={note} />}
      <section className="value-scroll dtree-scroll" aria-label="Decoded value">
        <DecodedTree value={view.value} />
      </section>
    </>
  );
}

/** The server's answer when the value is not that format or a limit stopped the decode. */
export function ViewError({
  view,
  error,
  onRaw,
}: {
  view: string;
  error: unknown;
  onRaw: () => void;
}) {
  const limit = isApiError(error) ? error.details?.limit : undefined;
  const message = isApiError(error) ? error.message : "";
  const title =
    view === AUTO
      ? "The value could not be decoded"
      : `Not readable as ${view.split(",").map(formatLabel).join(" › ")}`;
  return (
    <div className="viewer-error">
      <ErrorNotice compact title={title} error={error} />
      {typeof limit === "string" && !message.includes(limit) && (
        <p className="muted viewer-limit">
          Stopped by the <code>{limit}</code> decode limit.
        </p>
      )}
      <p className="viewer-error-actions">
        <button type="button" className="btn btn-small" onClick={onRaw}>
          Show the raw value
        </button>
      </p>
    </div>
  );
}
