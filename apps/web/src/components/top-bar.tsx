import { useMutation } from "@tanstack/react-query";
import { type ApiError, api } from "../api/client.ts";
import type { ProfileView } from "../api/types.ts";
import { formatCount, formatDuration } from "../lib/format.ts";
import { profileAddress } from "../lib/profile.ts";
import { EnvBadge } from "./env-badge.tsx";
import { ErrorNotice } from "./error-notice.tsx";
import { ReadOnlyLock } from "./read-only-lock.tsx";

export function TopBar({ profile }: { profile: ProfileView }) {
  const test = useMutation<{ ok: true; latencyMs: number }, ApiError>({
    mutationFn: () => api.testProfile(profile.id),
  });
  const retries = profile.retry.maxAttempts - 1;

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
