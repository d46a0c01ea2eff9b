import { useQuery } from "@tanstack/react-query";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { api, isApiError } from "../../api/client.ts";
import type { CommandClass, ConsoleReply, ProfileView } from "../../api/types.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { GuardCancelled, useGuard } from "../../ui/guard.tsx";

interface Entry {
  id: number;
  line: string;
  klass?: CommandClass;
  state: "running" | "done" | "error" | "cancelled";
  reply?: ConsoleReply;
  error?: string;
}

const HISTORY_LIMIT = 200;

/**
 * Console lines and output per connection, for as long as this window is open (switching
 * connections unmounts the view). Never stored: a command line may hold a value.
 */
const memory = new Map<string, { entries: Entry[]; history: string[] }>();
const CLASS_LABEL: Record<CommandClass["class"], string> = {
  read: "read",
  write: "write",
  destructive: "destructive",
  admin: "admin",
};

/** The command and its subcommand word (CONFIG GET): what classification needs, no more. */
function commandName(line: string): string {
  const m = /^\s*"?([^\s"]+)"?(?:\s+"?([^\s"]+))?/.exec(line);
  return m ? [m[1], m[2]].filter(Boolean).join(" ").toLowerCase() : "";
}

function guardText(c: CommandClass, profile: ProfileView): string {
  if (c.readOnly) return "refused: read-only connection";
  switch (c.guard) {
    case "plan-required":
      return "whole-database change: run it as a workflow";
    case "typed-name":
      return `asks for "${profile.name}" typed`;
    case "confirm":
      return "asks for confirmation";
    default:
      return "runs at once";
  }
}

/** The class badge with what will happen when the command runs. */
function ClassBadge({ c, profile }: { c: CommandClass; profile: ProfileView }) {
  return (
    <span className="classify" title={c.reason}>
      <span className={`class-badge class-${c.class}`}>{CLASS_LABEL[c.class]}</span>
      <span className="muted small">{guardText(c, profile)}</span>
    </span>
  );
}

/**
 * Raw Redis commands, one line at a time, through the gate: each is classified from the
 * server's own command table (shown while typing), guarded like any other change, and answered
 * the way redis-cli prints replies. History is kept in this window only (lines may hold values).
 */
export function ConsoleView({ profile, active }: { profile: ProfileView; active: boolean }) {
  const guard = useGuard();
  const [line, setLine] = useState("");
  const [entries, setEntries] = useState<Entry[]>(() => memory.get(profile.id)?.entries ?? []);
  const [history, setHistory] = useState<string[]>(() => memory.get(profile.id)?.history ?? []);
  useEffect(() => {
    memory.set(profile.id, { entries, history });
  }, [profile.id, entries, history]);
  const [cursor, setCursor] = useState<number | undefined>();
  const [stash, setStash] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const nextId = useRef(1);
  const inputId = useId();
  const lock = readOnlyReason(profile);
  const name = commandName(line);
  const [debounced, setDebounced] = useState(name);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(name), 200);
    return () => clearTimeout(t);
  }, [name]);
  const klass = useQuery({
    queryKey: ["command-class", profile.id, debounced],
    queryFn: ({ signal }) => api.commandClass(profile.id, debounced, signal),
    enabled: debounced !== "" && profile.engine === "redis",
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

  useEffect(() => {
    if (active) inputRef.current?.focus();
  }, [active]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the log grows
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries]);

  if (profile.engine !== "redis") {
    return (
      <EmptyState title="The console speaks Redis commands">
        <p>
          <strong>{profile.name}</strong> is a Memcached connection: use the key browser to read,
          set, delete and touch keys, and Server info for its stats.
        </p>
      </EmptyState>
    );
  }

  const update = (id: number, patch: Partial<Entry>) =>
    setEntries((all) => all.map((e) => (e.id === id ? { ...e, ...patch } : e)));

  const run = async () => {
    const text = line.trim();
    if (text === "") return;
    const id = nextId.current++;
    let c = debounced === commandName(text) ? klass.data : undefined;
    setEntries((all) => [
      ...all.slice(-499),
      { id, line: text, state: "running", ...(c ? { klass: c } : {}) },
    ]);
    setHistory((h) => [...h.filter((x) => x !== text), text].slice(-HISTORY_LIMIT));
    setCursor(undefined);
    setLine("");
    if (!c) {
      c = await api.commandClass(profile.id, commandName(text)).catch(() => undefined);
      if (c) update(id, { klass: c });
    }
    try {
      const reply = await guard(
        {
          title: "Run command",
          effect: (
            <>
              <code>{text.length > 200 ? `${text.slice(0, 200)}…` : text}</code> will run on{" "}
              {profile.name}
              {c ? ` (a ${c.class} command${c.reason ? `: ${c.reason}` : ""})` : ""}.
            </>
          ),
        },
        (confirm) => api.command(profile.id, text, confirm),
      );
      update(id, { state: "done", reply });
    } catch (e) {
      if (e instanceof GuardCancelled) update(id, { state: "cancelled" });
      else
        update(id, {
          state: "error",
          error: isApiError(e)
            ? `${e.code === "engine" ? "(error) " : ""}${e.message}`
            : "The command could not be sent. Try again.",
        });
    } finally {
      inputRef.current?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      void run();
    } else if (e.key === "ArrowUp") {
      if (history.length === 0) return;
      e.preventDefault();
      const next = cursor === undefined ? history.length - 1 : Math.max(0, cursor - 1);
      if (cursor === undefined) setStash(line);
      setCursor(next);
      setLine(history[next]!);
    } else if (e.key === "ArrowDown") {
      if (cursor === undefined) return;
      e.preventDefault();
      if (cursor >= history.length - 1) {
        setCursor(undefined);
        setLine(stash);
      } else {
        setCursor(cursor + 1);
        setLine(history[cursor + 1]!);
      }
    } else if (e.key === "l" && e.ctrlKey) {
      e.preventDefault();
      setEntries([]);
    }
  };

  const live = name !== "" && debounced === name ? klass.data : undefined;

  return (
    <div className="console">
      <div className="consolebar">
        <span className="muted small">
          Commands are classified by {profile.name}'s own command table. ↑/↓ history · Ctrl+L
          clears.
        </span>
        {lock && <span className="muted small">{lock}: write commands are refused.</span>}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setEntries([])}
          disabled={entries.length === 0}
        >
          Clear output
        </button>
      </div>
      <div ref={logRef} className="console-log" role="log" aria-label="Console output">
        {entries.length === 0 && (
          <p className="muted console-empty">
            Type a command below, for example <code>INFO server</code> or <code>TYPE mykey</code>.
          </p>
        )}
        {entries.map((e) => (
          <div key={e.id} className={`console-entry state-${e.state}`}>
            <div className="console-cmd">
              <span className="prompt" aria-hidden="true">
                {profile.name}&gt;
              </span>
              <span className="mono">{e.line}</span>
              {e.klass && <ClassBadge c={e.klass} profile={profile} />}
            </div>
            {e.state === "running" && <p className="muted small">Running…</p>}
            {e.state === "cancelled" && (
              <p className="muted small">Not run: the confirmation was cancelled.</p>
            )}
            {e.state === "error" && <p className="console-error">{e.error}</p>}
            {e.reply && (
              <pre
                className={
                  e.reply.reply !== null &&
                  typeof e.reply.reply === "object" &&
                  "error" in e.reply.reply
                    ? "console-reply console-error"
                    : "console-reply"
                }
              >
                {e.reply.text}
              </pre>
            )}
          </div>
        ))}
      </div>
      <form
        className="console-input"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label htmlFor={inputId} className="prompt">
          {profile.name}&gt;
        </label>
        <input
          id={inputId}
          ref={inputRef}
          className="mono"
          aria-label="Command"
          value={line}
          onChange={(e) => {
            setLine(e.target.value);
            setCursor(undefined);
          }}
          onKeyDown={onKeyDown}
          placeholder="GET mykey"
          spellCheck={false}
          autoComplete="off"
        />
        <span className="console-class" aria-live="polite">
          {live && <ClassBadge c={live} profile={profile} />}
          {klass.isError && name !== "" && (
            <span className="muted small">
              {isApiError(klass.error) ? klass.error.message : "Could not classify"}
            </span>
          )}
        </span>
        <button type="submit" className="btn btn-small btn-primary" disabled={line.trim() === ""}>
          Run
        </button>
      </form>
    </div>
  );
}
