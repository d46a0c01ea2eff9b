import { useState } from "react";
import { api } from "../../api/client.ts";
import type { KeyRow, ProfileView } from "../../api/types.ts";
import { formatCount, formatTtl } from "../../lib/format.ts";
import { Check } from "../../ui/check.tsx";
import { Field, SecondsInput, TextInput } from "../../ui/field.tsx";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { useGuardedMutation } from "../../ui/guard.tsx";

export function RenameDialog({
  profile,
  row,
  onClose,
  onRenamed,
}: {
  profile: ProfileView;
  row: KeyRow;
  onClose: () => void;
  onRenamed: (next: { key: string; keyBase64: string }) => void;
}) {
  const [name, setName] = useState(row.key);
  const [overwrite, setOverwrite] = useState(false);
  const m = useGuardedMutation({
    describe: () => ({
      title: "Rename key",
      effect: (
        <>
          <code>{row.key}</code> will be renamed to <code>{name}</code>
          {overwrite ? ", replacing any key already named so." : "."}
        </>
      ),
    }),
    send: (_: undefined, confirm) =>
      api.renameKey(profile.id, row.keyBase64, name, overwrite, confirm),
    onDone: (r) => onRenamed(r),
  });
  return (
    <FormDialog
      title={`Rename ${row.key}`}
      submitLabel="Rename key"
      busy={m.isPending}
      error={m.error}
      canSubmit={name !== "" && name !== row.key}
      onClose={onClose}
      onSubmit={() => m.mutate(undefined)}
      wide
    >
      <Field label="New name">
        {({ id }) => <TextInput id={id} value={name} onValue={setName} />}
      </Field>
      <Check checked={overwrite} onChange={setOverwrite}>
        <span>Replace the target if it exists (RENAME instead of RENAMENX)</span>
      </Check>
    </FormDialog>
  );
}

const PRESETS = [60, 3600, 86_400, 604_800];

export function TtlDialog({
  profile,
  row,
  onClose,
  onChanged,
}: {
  profile: ProfileView;
  row: KeyRow;
  onClose: () => void;
  onChanged: (ttl: number) => void;
}) {
  const [seconds, setSeconds] = useState(row.ttl > 0 ? String(row.ttl) : "3600");
  const n = Number(seconds);
  const valid = Number.isInteger(n) && n >= 1;
  const m = useGuardedMutation({
    describe: (ttl: number) =>
      ttl === -1
        ? {
            title: "Remove TTL",
            effect: (
              <>
                <code>{row.key}</code> will no longer expire.
              </>
            ),
            danger: false,
          }
        : {
            title: "Set TTL",
            effect: (
              <>
                <code>{row.key}</code> will expire in {formatTtl(ttl)} ({formatCount(ttl)} s)
                {row.ttl > 0 ? `, instead of ${formatTtl(row.ttl)}` : ""}
                {row.ttl === -1 ? "; it has no expiry now" : ""}.
              </>
            ),
          },
    send: (ttl, confirm) => api.setTtl(profile.id, row.keyBase64, ttl, confirm),
    onDone: (_, ttl) => onChanged(ttl),
  });
  return (
    <FormDialog
      title={`TTL of ${row.key}`}
      submitLabel="Set TTL"
      busy={m.isPending}
      error={m.error}
      canSubmit={valid}
      onClose={onClose}
      onSubmit={() => m.mutate(n)}
    >
      <p className="hint">
        Now: <strong>{formatTtl(row.ttl)}</strong>
      </p>
      <Field label="Expire in (seconds)">
        {({ id }) => <SecondsInput id={id} value={seconds} onValue={setSeconds} invalid={!valid} />}
      </Field>
      <div className="presets">
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            className="btn btn-small"
            onClick={() => setSeconds(String(p))}
          >
            {formatTtl(p)}
          </button>
        ))}
        {row.ttl !== -1 && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => m.mutate(-1)}
            disabled={m.isPending}
          >
            Remove TTL
          </button>
        )}
      </div>
    </FormDialog>
  );
}
