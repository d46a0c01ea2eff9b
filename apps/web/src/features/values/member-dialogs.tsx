import { useState } from "react";
import { api, memberPath } from "../../api/client.ts";
import type { HashItem, KeyRow, ListItem, ProfileView, ZsetItem } from "../../api/types.ts";
import { Field, TextArea, TextInput } from "../../ui/field.tsx";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { useGuardedMutation } from "../../ui/guard.tsx";

interface Base {
  profile: ProfileView;
  row: KeyRow;
  onClose: () => void;
  onDone: () => void;
}

/** Repeated field/value pairs (a stream entry). */
export function StreamFieldsInput({
  fields,
  onChange,
}: {
  fields: { field: string; value: string }[];
  onChange: (f: { field: string; value: string }[]) => void;
}) {
  const set = (i: number, patch: Partial<{ field: string; value: string }>) =>
    onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <fieldset className="pairs">
      <legend className="field-label">Entry fields</legend>
      {fields.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional and never reordered
        <div className="pair" key={i}>
          {(["field", "value"] as const).map((part) => (
            <TextInput
              key={part}
              aria-label={`Field ${i + 1} ${part === "field" ? "name" : "value"}`}
              placeholder={part}
              value={f[part]}
              onValue={(v) => set(i, { [part]: v })}
              autoComplete={undefined}
            />
          ))}
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label={`Remove field ${i + 1}`}
            onClick={() => onChange(fields.filter((_, j) => j !== i))}
            disabled={fields.length === 1}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => onChange([...fields, { field: "", value: "" }])}
      >
        Add another field
      </button>
    </fieldset>
  );
}

function TextField({
  label,
  value,
  onChange,
  readOnly = false,
  multiline = false,
}: {
  label: string;
  value: string;
  onChange?: (v: string) => void;
  readOnly?: boolean;
  multiline?: boolean;
}) {
  return (
    <Field label={label}>
      {({ id }) =>
        multiline ? (
          <TextArea id={id} rows={5} value={value} readOnly={readOnly} onValue={onChange} />
        ) : (
          <TextInput id={id} value={value} readOnly={readOnly} onValue={onChange} />
        )
      }
    </Field>
  );
}

export function HashFieldDialog({
  profile,
  row,
  existing,
  onClose,
  onDone,
}: Base & { existing?: HashItem }) {
  const [field, setField] = useState(existing?.field ?? "");
  const [value, setValue] = useState(existing?.value ?? "");
  const m = useGuardedMutation({
    describe: () => ({
      title: existing ? "Save field" : "Add field",
      effect: (
        <>
          Field <code>{field}</code> of hash <code>{row.key}</code> will be set
          {existing ? ", replacing its current value." : " (replacing it if it already exists)."}
        </>
      ),
    }),
    send: (_: undefined, confirm) =>
      api.send(
        "PUT",
        memberPath(profile.id, "hash/field"),
        {
          keyBase64: row.keyBase64,
          ...(existing ? { fieldBase64: existing.fieldBase64 } : { field }),
          value,
        },
        confirm,
      ),
    onDone,
  });
  return (
    <FormDialog
      title={existing ? `Edit field of ${row.key}` : `Add a field to ${row.key}`}
      submitLabel={existing ? "Save field" : "Add field"}
      busy={m.isPending}
      error={m.error}
      canSubmit={field !== ""}
      onClose={onClose}
      onSubmit={() => m.mutate(undefined)}
      wide
    >
      <TextField label="Field" value={field} onChange={setField} readOnly={!!existing} />
      <TextField label="Value" value={value} onChange={setValue} multiline />
    </FormDialog>
  );
}

export function ListItemDialog({
  profile,
  row,
  existing,
  onClose,
  onDone,
}: Base & { existing?: ListItem }) {
  const [value, setValue] = useState(existing?.value ?? "");
  const [end, setEnd] = useState<"head" | "tail">("tail");
  const m = useGuardedMutation({
    describe: () =>
      existing
        ? {
            title: "Save element",
            effect: (
              <>
                The element at index {existing.index} of list <code>{row.key}</code> will be
                replaced (only if it still holds what you loaded).
              </>
            ),
          }
        : {
            title: "Push element",
            effect: (
              <>
                A new element will be added at the {end} of list <code>{row.key}</code>.
              </>
            ),
            danger: false,
          },
    send: (_: undefined, confirm) =>
      existing
        ? api.send(
            "PUT",
            memberPath(profile.id, "list/item"),
            {
              keyBase64: row.keyBase64,
              index: existing.index,
              value,
              expectedBase64: existing.valueBase64,
            },
            confirm,
          )
        : api.send(
            "POST",
            memberPath(profile.id, "list/items"),
            { keyBase64: row.keyBase64, value, end },
            confirm,
          ),
    onDone,
  });
  return (
    <FormDialog
      title={existing ? `Edit element ${existing.index} of ${row.key}` : `Push to ${row.key}`}
      submitLabel={existing ? "Save element" : "Push element"}
      busy={m.isPending}
      error={m.error}
      onClose={onClose}
      onSubmit={() => m.mutate(undefined)}
      wide
    >
      <TextField label="Value" value={value} onChange={setValue} multiline />
      {!existing && (
        <fieldset className="radios">
          <legend className="field-label">Where</legend>
          {(["head", "tail"] as const).map((e) => (
            <label key={e} className="check">
              <input type="radio" name="list-end" checked={end === e} onChange={() => setEnd(e)} />
              <span>{e === "head" ? "At the head (LPUSH)" : "At the tail (RPUSH)"}</span>
            </label>
          ))}
        </fieldset>
      )}
    </FormDialog>
  );
}

export function SetMemberDialog({ profile, row, onClose, onDone }: Base) {
  const [member, setMember] = useState("");
  const m = useGuardedMutation({
    describe: () => ({
      title: "Add member",
      effect: (
        <>
          <code>{member}</code> will be added to set <code>{row.key}</code>.
        </>
      ),
      danger: false,
    }),
    send: (_: undefined, confirm) =>
      api.send(
        "POST",
        memberPath(profile.id, "set/member"),
        { keyBase64: row.keyBase64, member },
        confirm,
      ),
    onDone,
  });
  return (
    <FormDialog
      title={`Add a member to ${row.key}`}
      submitLabel="Add member"
      busy={m.isPending}
      error={m.error}
      canSubmit={member !== ""}
      onClose={onClose}
      onSubmit={() => m.mutate(undefined)}
    >
      <TextField label="Member" value={member} onChange={setMember} />
    </FormDialog>
  );
}

export function ZsetMemberDialog({
  profile,
  row,
  existing,
  onClose,
  onDone,
}: Base & { existing?: ZsetItem }) {
  const [member, setMember] = useState(existing?.member ?? "");
  const [score, setScore] = useState(existing ? String(existing.score) : "0");
  const valid = /^[+-]?(inf|\d+(\.\d+)?([eE][+-]?\d+)?|\.\d+)$/i.test(score.trim());
  const m = useGuardedMutation({
    describe: () => ({
      title: existing ? "Save score" : "Add member",
      effect: (
        <>
          <code>{member}</code> will be {existing ? "given" : "added to"} sorted set{" "}
          <code>{row.key}</code>
          {existing ? ` the score ${score}` : ` with score ${score}`} (an existing member's score is
          replaced).
        </>
      ),
    }),
    send: (_: undefined, confirm) =>
      api.send(
        "PUT",
        memberPath(profile.id, "zset/member"),
        {
          keyBase64: row.keyBase64,
          ...(existing ? { memberBase64: existing.memberBase64 } : { member }),
          score: /inf/i.test(score) ? score.trim() : Number(score),
        },
        confirm,
      ),
    onDone,
  });
  return (
    <FormDialog
      title={existing ? `Edit score in ${row.key}` : `Add a member to ${row.key}`}
      submitLabel={existing ? "Save score" : "Add member"}
      busy={m.isPending}
      error={m.error}
      canSubmit={member !== "" && valid}
      onClose={onClose}
      onSubmit={() => m.mutate(undefined)}
    >
      <TextField label="Member" value={member} onChange={setMember} readOnly={!!existing} />
      <TextField label="Score" value={score} onChange={setScore} />
      {!valid && <p className="hint">A score is a number, inf or -inf.</p>}
    </FormDialog>
  );
}

export function StreamEntryDialog({ profile, row, onClose, onDone }: Base) {
  const [id, setId] = useState("*");
  const [fields, setFields] = useState([{ field: "", value: "" }]);
  const m = useGuardedMutation({
    describe: () => ({
      title: "Add entry",
      effect: (
        <>
          A new entry will be appended to stream <code>{row.key}</code>.
        </>
      ),
      danger: false,
    }),
    send: (_: undefined, confirm) =>
      api.send(
        "POST",
        memberPath(profile.id, "stream/entries"),
        {
          keyBase64: row.keyBase64,
          id: id.trim() || "*",
          fields: fields.filter((f) => f.field !== ""),
        },
        confirm,
      ),
    onDone,
  });
  return (
    <FormDialog
      title={`Add an entry to ${row.key}`}
      submitLabel="Add entry"
      busy={m.isPending}
      error={m.error}
      canSubmit={fields.some((f) => f.field !== "")}
      onClose={onClose}
      onSubmit={() => m.mutate(undefined)}
      wide
    >
      <TextField label="Entry ID (* lets the server choose)" value={id} onChange={setId} />
      <StreamFieldsInput fields={fields} onChange={setFields} />
    </FormDialog>
  );
}
