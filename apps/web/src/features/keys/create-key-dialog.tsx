import { useId, useState } from "react";
import { api } from "../../api/client.ts";
import type { KeyRow, NewKeyInput, ProfileView, ValueType } from "../../api/types.ts";
import { Field, SecondsInput, Select, TextArea, TextInput } from "../../ui/field.tsx";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { useGuardedMutation } from "../../ui/guard.tsx";
import { StreamFieldsInput } from "../values/member-dialogs.tsx";

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
  const hintId = useId();

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
        <Field label="Key name" className="grow2">
          {({ id }) => <TextInput id={id} value={name} onValue={setName} />}
        </Field>
        <Field label="Type">
          {({ id }) => (
            <Select
              id={id}
              value={type}
              onValue={setType}
              aria-describedby={types.length < ALL.length ? hintId : undefined}
              options={ALL.map((t) => ({
                value: t,
                label: `${t}${types.includes(t) ? "" : " (not available)"}`,
                disabled: !types.includes(t),
              }))}
            />
          )}
        </Field>
      </div>
      {types.length < ALL.length && (
        <p className="hint" id={hintId}>
          {typesReason ?? `${profile.engine} stores strings only.`}
        </p>
      )}
      {FIRST[type] && <p className="hint">{FIRST[type]}.</p>}
      {(type === "hash" || type === "zset" || type === "set") && (
        <div className="field-row">
          {type === "hash" ? (
            <Field label="Field">
              {({ id }) => <TextInput id={id} value={field} onValue={setField} />}
            </Field>
          ) : (
            <Field label="Member" className="grow2">
              {({ id }) => <TextInput id={id} value={member} onValue={setMember} />}
            </Field>
          )}
          {type === "zset" && (
            <Field label="Score">
              {({ id }) => (
                <input
                  id={id}
                  className="mono"
                  inputMode="decimal"
                  value={score}
                  onChange={(e) => setScore(e.target.value)}
                />
              )}
            </Field>
          )}
        </div>
      )}
      {(type === "string" || type === "hash" || type === "list") && (
        <Field label={type === "list" ? "First element" : "Value"}>
          {({ id }) => (
            <TextArea id={id} rows={type === "string" ? 6 : 3} value={value} onValue={setValue} />
          )}
        </Field>
      )}
      {type === "stream" && <StreamFieldsInput fields={fields} onChange={setFields} />}
      {type === "string" && (
        <Field label="TTL in seconds (empty: no expiry)" className="narrow">
          {({ id }) => <SecondsInput id={id} value={ttl} onValue={setTtl} invalid={ttlBad} />}
        </Field>
      )}
    </FormDialog>
  );
}
