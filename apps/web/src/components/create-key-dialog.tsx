import { useId, useState } from "react";
import { api } from "../api/client.ts";
import type { KeyRow, NewKeyInput, ProfileView, ValueType } from "../api/types.ts";
import { FormDialog } from "./form-dialog.tsx";
import { useGuardedMutation } from "./guard.tsx";
import { StreamFieldsInput } from "./member-dialogs.tsx";

const ALL: ValueType[] = ["string", "hash", "list", "set", "zset", "stream"];
const FIRST: Record<string, string> = {
  hash: "A hash needs a first field",
  list: "A list needs a first element",
  set: "A set needs a first member",
  zset: "A sorted set needs a first member and its score",
  stream: "A stream needs a first entry (its ID is chosen by the server)",
};

/** New key of any type the engine stores; an existing name is refused by the server (409). */
export function CreateKeyDialog({
  profile,
  initialName,
  types,
  typesReason,
  onClose,
  onCreated,
}: {
  profile: ProfileView;
  initialName: string;
  types: readonly ValueType[];
  typesReason: string | undefined;
  onClose: () => void;
  onCreated: (row: KeyRow) => void;
}) {
  const [name, setName] = useState(initialName);
  const [type, setType] = useState<ValueType>("string");
  const [value, setValue] = useState("");
  const [field, setField] = useState("");
  const [member, setMember] = useState("");
  const [score, setScore] = useState("0");
  const [ttl, setTtl] = useState("");
  const [fields, setFields] = useState([{ field: "", value: "" }]);
  const ids = {
    name: useId(),
    type: useId(),
    value: useId(),
    field: useId(),
    member: useId(),
    score: useId(),
    ttl: useId(),
    hint: useId(),
  };

  const create = useGuardedMutation({
    describe: (v: { name: string; input: NewKeyInput }) => ({
      title: "Create key",
      effect: (
        <>
          A new {v.input.type} key <code>{v.name}</code> will be created in {profile.name}.
        </>
      ),
      danger: false,
    }),
    send: (v, confirm) => api.createKey(profile.id, v.name, v.input, confirm),
    onDone: (r, v) =>
      onCreated({
        key: r.key,
        keyBase64: r.keyBase64,
        type: r.type,
        ttl: v.input.type === "string" && v.input.ttl ? v.input.ttl : -1,
      }),
  });

  const ttlNumber = ttl.trim() === "" ? undefined : Number(ttl);
  const ttlBad = ttlNumber !== undefined && (!Number.isInteger(ttlNumber) || ttlNumber < 1);
  const input = (): NewKeyInput => {
    switch (type) {
      case "hash":
        return { type, field, value };
      case "list":
        return { type, value };
      case "set":
        return { type, member };
      case "zset":
        return { type, member, score: score.trim() };
      case "stream":
        return { type, fields: fields.filter((f) => f.field !== "") };
      default:
        return { type: "string", value, ...(ttlNumber ? { ttl: ttlNumber } : {}) };
    }
  };
  const complete =
    name !== "" &&
    !ttlBad &&
    (type !== "hash" || field !== "") &&
    (type !== "set" || member !== "") &&
    (type !== "zset" || (member !== "" && score.trim() !== "")) &&
    (type !== "stream" || fields.some((f) => f.field !== ""));

  return (
    <FormDialog
      title={`New key in ${profile.name}`}
      submitLabel="Create key"
      busy={create.isPending}
      error={create.error}
      canSubmit={complete}
      onClose={onClose}
      onSubmit={() => create.mutate({ name, input: input() })}
      wide
    >
      <div className="field-row">
        <div className="field grow2">
          <label className="field-label" htmlFor={ids.name}>
            Key name
          </label>
          <input
            id={ids.name}
            className="mono"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.type}>
            Type
          </label>
          <select
            id={ids.type}
            value={type}
            onChange={(e) => setType(e.target.value as ValueType)}
            aria-describedby={types.length < ALL.length ? ids.hint : undefined}
          >
            {ALL.map((t) => (
              <option key={t} value={t} disabled={!types.includes(t)}>
                {t}
                {types.includes(t) ? "" : " (not available)"}
              </option>
            ))}
          </select>
        </div>
      </div>
      {types.length < ALL.length && (
        <p className="hint" id={ids.hint}>
          {typesReason ?? `${profile.engine} stores strings only.`}
        </p>
      )}
      {FIRST[type] && <p className="hint">{FIRST[type]}.</p>}
      {(type === "hash" || type === "zset" || type === "set") && (
        <div className="field-row">
          {type === "hash" ? (
            <div className="field">
              <label className="field-label" htmlFor={ids.field}>
                Field
              </label>
              <input
                id={ids.field}
                className="mono"
                value={field}
                onChange={(e) => setField(e.target.value)}
                autoComplete="off"
                spellCheck={false}
              />
            </div>
          ) : (
            <div className="field grow2">
              <label className="field-label" htmlFor={ids.member}>
                Member
              </label>
              <input
                id={ids.member}
                className="mono"
                value={member}
                onChange={(e) => setMember(e.target.value)}
                autoComplete="off"
                spellCheck={false}
              />
            </div>
          )}
          {type === "zset" && (
            <div className="field">
              <label className="field-label" htmlFor={ids.score}>
                Score
              </label>
              <input
                id={ids.score}
                className="mono"
                inputMode="decimal"
                value={score}
                onChange={(e) => setScore(e.target.value)}
              />
            </div>
          )}
        </div>
      )}
      {(type === "string" || type === "hash" || type === "list") && (
        <div className="field">
          <label className="field-label" htmlFor={ids.value}>
            {type === "list" ? "First element" : "Value"}
          </label>
          <textarea
            id={ids.value}
            className="mono"
            rows={type === "string" ? 6 : 3}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            spellCheck={false}
          />
        </div>
      )}
      {type === "stream" && <StreamFieldsInput fields={fields} onChange={setFields} />}
      {type === "string" && (
        <div className="field narrow">
          <label className="field-label" htmlFor={ids.ttl}>
            TTL in seconds (empty: no expiry)
          </label>
          <input
            id={ids.ttl}
            type="number"
            min={1}
            inputMode="numeric"
            value={ttl}
            onChange={(e) => setTtl(e.target.value)}
            aria-invalid={ttlBad || undefined}
          />
        </div>
      )}
    </FormDialog>
  );
}
