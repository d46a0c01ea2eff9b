import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type ApiError, api } from "../../api/client.ts";
import { qk, usePolicies } from "../../api/hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { formatCount, formatDuration } from "../../lib/format.ts";
import { profileAddress } from "../../lib/profile.ts";
import { useViewRequest } from "../../lib/view-requests.ts";
import { EnvBadge } from "../../ui/env-badge.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { Field, TextInput } from "../../ui/field.tsx";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { GuardCancelled, useGuard } from "../../ui/guard.tsx";
import { ReadOnlyLock } from "../../ui/read-only-lock.tsx";

export function TopBar({ profile }: { profile: ProfileView }) {
  const test = useMutation<{ ok: true; latencyMs: number }, ApiError>({
    mutationFn: () => api.testProfile(profile.id),
  });
  const retries = profile.retry.maxAttempts - 1;
  useViewRequest(profile.id, "test-connection", () => test.mutate());

  return (
    <header className="topbar">
      <div className="topbar-title">
        <h1>{profile.name}</h1>
        <EnvBadge env={profile.environment} />
        <span className="muted mono" title={profile.url}>
          {profile.engine} · {profileAddress(profile)}
        </span>
      </div>
      <ul className="indicators" aria-label="Connection policy">
        {(profile.readOnly || profile.forcedReadOnly) && (
          <li className="chip chip-lock">
            <ReadOnlyLock profile={profile} withText />
          </li>
        )}
        <li className="chip" title="Each command fails after this long (profile timeout)">
          timeout {formatCount(profile.timeoutMs)} ms
        </li>
        <li
          className="chip"
          title={
            retries > 0
              ? `Safe commands are retried up to ${retries} time(s) (${profile.retry.backoff} backoff)`
              : "Failed commands are not retried"
          }
        >
          {retries > 0 ? `retry ×${retries}` : "no retry"}
        </li>
        {profile.tls && !profile.tls.rejectUnauthorized && (
          <li
            className="chip chip-warn"
            title="TLS certificates are not verified for this connection"
          >
            TLS unverified
          </li>
        )}
      </ul>
      <div className="topbar-actions">
        <ForceReadOnly profile={profile} />
        <span className="test-result" aria-live="polite">
          {test.isSuccess && (
            <span className="ok">Reachable · {formatDuration(test.data.latencyMs)}</span>
          )}
          {test.isError && <span className="bad">Unreachable</span>}
        </span>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => test.mutate()}
          disabled={test.isPending}
        >
          {test.isPending ? "Testing…" : "Test connection"}
        </button>
      </div>
      {test.isError && (
        <div className="topbar-notice">
          <ErrorNotice
            compact
            title="Connection test failed"
            error={test.error}
            onDismiss={() => test.reset()}
          />
        </div>
      )}
    </header>
  );
}

export function ProdBar({ profile }: { profile: ProfileView }) {
  if (profile.environment !== "prod") return null;
  return (
    <div className="prod-bar">PRODUCTION · {profile.name} · changes here affect live traffic</div>
  );
}

/**
 * The "Force read-only" switch: a policy kept by the studio (not a profile setting), so it also
 * binds the CLI and the API. Its state is the server's; a policy from the managed policy file
 * cannot be cleared from here.
 */
function ForceReadOnly({ profile }: { profile: ProfileView }) {
  const qc = useQueryClient();
  const policies = usePolicies();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const mine = policies.data?.policies.find((p) => p.profileId === profile.id);
  const managed = mine?.source === "managed";
  const forced = profile.forcedReadOnly;
  const guard = useGuard();
  const change = useMutation<unknown, ApiError, { on: boolean; reason?: string }>({
    // Lifting a lock lowers protection: the server may ask the environment's confirmation.
    mutationFn: (v) =>
      v.on
        ? api.forceReadOnly(profile.id, v.reason ?? "")
        : guard(
            {
              title: "Allow changes",
              effect: `${profile.name} will accept changes again from the UI, the API and the CLI.`,
              danger: true,
            },
            (c) => api.clearReadOnly(profile.id, c),
          ).catch((e) => {
            if (e instanceof GuardCancelled) return undefined;
            throw e;
          }),
    onSuccess: () => {
      setAsking(false);
      void qc.invalidateQueries({ queryKey: qk.profiles });
      void qc.invalidateQueries({ queryKey: qk.policies });
    },
  });
  const title = managed
    ? `Forced by the managed policy file (${policies.data?.managedPolicy.path ?? "managed policy"}): change it there`
    : forced
      ? "Allow changes again through this connection (clears the policy)"
      : "Refuse every change to this connection, from the UI, the API and the CLI";

  return (
    <>
      <button
        type="button"
        role="switch"
        aria-checked={forced}
        aria-disabled={managed || change.isPending || undefined}
        className={forced ? "switch on" : "switch"}
        title={title}
        onClick={() => {
          if (managed || change.isPending) return;
          if (forced) change.mutate({ on: false });
          else {
            setReason("");
            change.reset();
            setAsking(true);
          }
        }}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        Force read-only
      </button>
      {change.isError && !asking && (
        <span className="switch-error" role="alert" title={change.error.message}>
          {change.error.message}
        </span>
      )}
      {asking && (
        <FormDialog
          title={`Force ${profile.name} read-only`}
          submitLabel="Force read-only"
          busy={change.isPending}
          error={change.error}
          onClose={() => setAsking(false)}
          onSubmit={() => change.mutate({ on: true, reason: reason.trim() })}
        >
          <p className="hint">
            Every write, delete and raw write command on <strong>{profile.name}</strong> will be
            refused, whatever the UI, the API or the CLI asks, until the policy is cleared.
          </p>
          <Field label="Reason (shown with the lock)">
            {({ id }) => (
              <TextInput
                id={id}
                className=""
                spellCheck={undefined}
                value={reason}
                maxLength={200}
                onValue={setReason}
                placeholder="incident #123: freeze writes"
              />
            )}
          </Field>
        </FormDialog>
      )}
    </>
  );
}
