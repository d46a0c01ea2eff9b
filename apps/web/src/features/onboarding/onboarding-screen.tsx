import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useCreateProfile } from "../../api/hooks.ts";
import { type DetectFinding, onboardingApi } from "../../api/onboarding.ts";
import type { ProfileView } from "../../api/types.ts";
import { formatCount, formatDuration } from "../../lib/format.ts";
import { routeHref } from "../../lib/route.ts";
import { EnvBadge } from "../../ui/env-badge.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { TextInput } from "../../ui/field.tsx";
import { DatabaseIcon, LockIcon, PlusIcon } from "../../ui/icons.tsx";
import { MutationError } from "../../ui/notices.tsx";
import type { ConnectionDraft } from "../connections/add-connection-dialog.tsx";
import { ImportSection } from "./import-section.tsx";

const ENGINE_LABEL = { redis: "Redis", memcached: "Memcached" } as const;

/**
 * The first-run screen (and "Get started" in the palette later): servers answering on this
 * machine, one click to save one as a dev connection; imports of connection files (ours, other
 * tools', URL lists); and what environments and read-only mean here.
 */
export function OnboardingScreen({
  profiles,
  firstRun,
  onAdd,
}: {
  profiles: ProfileView[];
  firstRun: boolean;
  onAdd: (initial?: ConnectionDraft) => void;
}) {
  return (
    <div className="screen onboarding">
      <div className="dash-bar">
        <h1 className="dash-title">Get started</h1>
        <span className="muted small">
          {firstRun
            ? "No connections yet: pick a server found here, import your list, or add one by hand."
            : `${formatCount(profiles.length)} connection${profiles.length === 1 ? "" : "s"} saved`}
        </span>
        <button
          type="button"
          className="btn btn-primary btn-small push-right"
          onClick={() => onAdd()}
        >
          <PlusIcon />
          Add a connection by hand
        </button>
      </div>
      <div className="ob-grid">
        <DetectSection onAdd={onAdd} />
        <ImportSection />
        <ExplainSection />
      </div>
    </div>
  );
}

function DetectSection({ onAdd }: { onAdd: (initial?: ConnectionDraft) => void }) {
  const titleId = useId();
  const addressId = useId();
  const [typed, setTyped] = useState<string[]>([]);
  const [address, setAddress] = useState("");
  const detect = useQuery({
    queryKey: ["onboarding", "detect", typed],
    queryFn: ({ signal }) => onboardingApi.detect(typed, signal),
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const found = (detect.data?.candidates ?? []).filter((c) => c.status !== "not-found");
  const missing = (detect.data?.candidates ?? []).filter((c) => c.status === "not-found");

  const look = (e: FormEvent) => {
    e.preventDefault();
    const a = address.trim();
    if (a !== "" && !typed.includes(a)) setTyped([...typed, a]);
    else void detect.refetch();
  };

  return (
    <section className="ob-section ob-detect" aria-labelledby={titleId}>
      <h2 id={titleId} className="ob-title">
        Servers on this machine
      </h2>
      <p className="muted small">
        The studio looks at the default ports (Redis 6379, Memcached 11211) and the addresses in
        REDIS_URL-style variables, with the same test as “Test connection” (a PING, 0.8 s at most).
        Nothing is saved until you choose.
      </p>
      {detect.isFetching ? (
        <div className="ob-looking" role="status">
          <progress className="wf-progress" aria-label="Looking for servers" />
          <span className="muted small">Looking for Redis and Memcached…</span>
        </div>
      ) : detect.isError ? (
        <ErrorNotice
          title="Could not look for servers"
          error={detect.error}
          onRetry={() => void detect.refetch()}
        />
      ) : (
        <>
          {found.length === 0 ? (
            <div className="ob-none">
              <DatabaseIcon size={28} />
              <p>
                <strong>Nothing answered.</strong> Start a server (<code>redis-server</code>,{" "}
                <code>memcached</code>), look at another address below, or add a connection by hand.
              </p>
            </div>
          ) : (
            <ul className="ob-found" aria-label="Servers found">
              {found.map((f) => (
                <FoundServer key={`${f.host}:${f.port}`} f={f} onAdd={onAdd} />
              ))}
            </ul>
          )}
          {missing.length > 0 && (
            <p className="muted small ob-missing">
              Nothing at{" "}
              {missing.map((m, i) => (
                <span key={m.address} title={m.message}>
                  {i > 0 ? ", " : ""}
                  <span className="mono">{m.address}</span> ({ENGINE_LABEL[m.engine]},{" "}
                  {m.reason ?? "no answer"})
                </span>
              ))}
              .
            </p>
          )}
        </>
      )}
      <form className="ob-look" onSubmit={look}>
        <label className="field-label" htmlFor={addressId}>
          Look at another address
        </label>
        <div className="ob-look-row">
          <TextInput
            id={addressId}
            className="mono ob-look-input"
            value={address}
            onValue={setAddress}
            placeholder="127.0.0.1:6380 or redis://host:port"
          />
          <button type="submit" className="btn" disabled={detect.isFetching}>
            {address.trim() === "" ? "Look again" : "Look"}
          </button>
        </div>
      </form>
    </section>
  );
}

function FoundServer({
  f,
  onAdd,
}: {
  f: DetectFinding;
  onAdd: (initial?: ConnectionDraft) => void;
}) {
  const create = useCreateProfile();
  const saved = create.data ?? f.existing;
  const label = `${ENGINE_LABEL[f.engine]}${f.version ? ` ${f.version}` : ""}`;
  return (
    <li className={`ob-server engine-${f.engine}`}>
      <div className="ob-server-head">
        <strong>{label}</strong>
        <span className="mono">{f.address}</span>
      </div>
      <p className="muted small">
        {f.status === "auth-required"
          ? "Answers, and asks for a password"
          : `Answered in ${formatDuration(f.latencyMs)}`}{" "}
        · {f.source === "typed" ? "the address you gave" : `from ${f.source}`}
      </p>
      <MutationError m={create} title="Could not save it" />
      <div className="ob-server-actions">
        {saved ? (
          <>
            <span className="ok small">
              {create.data ? "Added" : "Saved"} as <strong>{saved.name}</strong>
            </span>
            <a className="btn btn-small" href={routeHref({ profileId: saved.id, tab: "browser" })}>
              Open {saved.name}
            </a>
          </>
        ) : f.status === "auth-required" ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => onAdd({ name: f.suggestedName, url: f.url })}
          >
            Add with password…
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={create.isPending}
            aria-label={`Add ${label} at ${f.address} as a dev connection`}
            onClick={() =>
              create.mutate({
                name: f.suggestedName,
                url: f.url,
                environment: "dev",
                readOnly: false,
              })
            }
          >
            {create.isPending ? "Adding…" : "Add as dev connection"}
          </button>
        )}
      </div>
    </li>
  );
}

function ExplainSection() {
  const titleId = useId();
  return (
    <section className="ob-section ob-explain" aria-labelledby={titleId}>
      <h2 id={titleId} className="ob-title">
        Environments and read-only
      </h2>
      <ul className="ob-envs">
        <li className="env-dev">
          <EnvBadge env="dev" />
          <span>
            <strong>Development</strong>: neutral grey. Overwrites and deletes ask for a
            confirmation.
          </span>
        </li>
        <li className="env-staging">
          <EnvBadge env="staging" />
          <span>
            <strong>Staging</strong>: amber. The same confirmations, and raw write commands in the
            console are confirmed too.
          </span>
        </li>
        <li className="env-prod">
          <EnvBadge env="prod" />
          <span>
            <strong>Production</strong>: red, with a bar across the top of the window. Destructive
            actions ask you to type the connection's name; workflows the name and the key count.
          </span>
        </li>
      </ul>
      <p className="hint">
        These are the defaults: Settings → Guardrails changes them for development and staging.
      </p>
      <p className="ob-readonly">
        <LockIcon />
        <span>
          <strong>Read-only</strong> refuses every change through a connection, in the studio, its
          API and the command line, while browsing and history keep working. Set it on a connection,
          force it for a while (“Force read-only” in the connection's top bar), or have a managed
          policy file impose it. The lock beside a name says why.
        </span>
      </p>
      <p className="muted small">
        Every command goes through one gate that applies these rules; it is enforced by the studio's
        server, not only by the buttons you see.
      </p>
    </section>
  );
}
