import { Fragment, type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import type { ProfileView } from "../../api/types.ts";
import { requestOpenKey } from "../../lib/open-key.ts";
import { navigate, type Route, routeHref } from "../../lib/route.ts";
import { useTheme } from "../../lib/theme.ts";
import { buildCommands, type Command, score } from "./palette-commands.ts";

/**
 * Ctrl/Cmd+K: every screen, every connection and its tabs, a few actions, and a key of the open
 * connection by its exact name. Keyboard first: arrows move, Enter runs, Escape closes; focus
 * stays inside while open and returns where it was (or to the new screen) after.
 */
export function CommandPalette({
  profiles,
  route,
  onAddConnection,
}: {
  profiles: ProfileView[];
  route: Route;
  onAddConnection: () => void;
}) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    const onOpen = () => setOpen(true);
    window.addEventListener("keydown", onKey);
    window.addEventListener("cachify:palette", onOpen);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("cachify:palette", onOpen);
    };
  }, []);
  if (!open) return null;
  return (
    <Palette
      profiles={profiles}
      route={route}
      onAddConnection={onAddConnection}
      onClose={() => setOpen(false)}
    />
  );
}

/** Opens the palette from a button (the rail's search field). */
export function openPalette(): void {
  window.dispatchEvent(new Event("cachify:palette"));
}

function Palette({
  profiles,
  route,
  onAddConnection,
  onClose,
}: {
  profiles: ProfileView[];
  route: Route;
  onAddConnection: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [, setTheme] = useTheme();
  const ids = { title: useId(), list: useId(), opt: useId() };
  /** The hash a command navigated to (focus follows it), or "" when it stayed. */
  const moved = useRef("");

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const back = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    input.current?.focus();
    return () => {
      if (d.open) d.close();
      // After a command that changed the screen, focus goes to its heading once it is drawn;
      // otherwise back where it was.
      const target = moved.current;
      if (target) {
        const deadline = performance.now() + 1500;
        const tick = () => {
          const h1 = document.querySelector<HTMLElement>("main h1");
          if (location.hash === target && h1) {
            setTimeout(() => {
              const el = document.querySelector<HTMLElement>("main h1") ?? h1;
              if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
              el.focus();
            }, 60);
          } else if (performance.now() < deadline) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      } else back?.focus?.();
    };
  }, []);

  const current = profiles.find((p) => p.id === route.profileId);
  const commands = useMemo(
    () => buildCommands({ profiles, current, onAddConnection, setTheme, moved }),
    [profiles, current, onAddConnection, setTheme],
  );

  const results = useMemo(() => {
    const tokens = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const scored = commands.map((c, i) => ({ c, s: score(c, tokens), i })).filter((x) => x.s > 0);
    // Without a query: screens and each connection's first entry; tabs come when typed for.
    const shown =
      tokens.length === 0
        ? scored.filter((x) => x.c.group !== "Connections" || x.c.id.endsWith(":browser"))
        : scored.sort((a, b) => b.s - a.s || a.i - b.i);
    const list = shown.slice(0, 60).map((x) => x.c);
    const name = query.trim();
    if (name && current) {
      list.push({
        id: `key:${name}`,
        group: "Keys",
        label: `Open key "${name}" in ${current.name}`,
        hint: "exact name, no scan",
        run: () => {
          const r: Route = { profileId: current.id, tab: "browser" };
          moved.current = routeHref(r);
          requestOpenKey(current.id, name);
          navigate(r);
        },
      });
    }
    return list;
  }, [commands, query, current]);

  const index = Math.min(active, Math.max(0, results.length - 1));
  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${index}"]`)?.scrollIntoView({ block: "nearest" });
  }, [index]);

  const run = (c: Command | undefined) => {
    if (!c) return;
    onClose();
    c.run();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((index + 1) % Math.max(1, results.length));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((index - 1 + results.length) % Math.max(1, results.length));
    } else if (e.key === "Home" && e.ctrlKey) {
      setActive(0);
    } else if (e.key === "Enter") {
      e.preventDefault();
      run(results[index]);
    } else if (e.key === "Tab") {
      // One field and one list: Tab stays on the field (the list is navigated with arrows).
      e.preventDefault();
    }
  };

  let lastGroup: string | undefined;
  return (
    <dialog
      ref={ref}
      className="dialog palette"
      aria-labelledby={ids.title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <h2 id={ids.title} className="sr-only">
        Command palette
      </h2>
      <input
        ref={input}
        className="palette-input"
        role="combobox"
        aria-expanded="true"
        aria-controls={ids.list}
        aria-autocomplete="list"
        aria-activedescendant={results.length ? `${ids.opt}-${index}` : undefined}
        aria-label="Go to a screen, connection or key"
        placeholder="Go to a screen, connection or key…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        autoComplete="off"
        spellCheck={false}
      />
      <div
        ref={listRef}
        id={ids.list}
        className="palette-list"
        role="listbox"
        aria-label="Commands"
      >
        {results.length === 0 && (
          <p className="palette-empty muted">
            Nothing matches.{" "}
            {current ? "" : "Open a connection to look up a key by its exact name."}
          </p>
        )}
        {results.map((c, i) => {
          const head = c.group !== lastGroup ? c.group : undefined;
          lastGroup = c.group;
          return (
            <Fragment key={c.id}>
              {head && (
                <div className="palette-group" aria-hidden="true">
                  {head}
                </div>
              )}
              {/* biome-ignore lint/a11y/useKeyWithClickEvents: the combobox handles the keys */}
              <div
                id={`${ids.opt}-${i}`}
                data-index={i}
                role="option"
                aria-selected={i === index}
                tabIndex={-1}
                className={i === index ? "palette-item active" : "palette-item"}
                onMouseMove={() => setActive(i)}
                onClick={() => run(c)}
              >
                <span className="palette-label">{c.label}</span>
                {c.hint && <span className="palette-hint muted small">{c.hint}</span>}
              </div>
            </Fragment>
          );
        })}
      </div>
      <p className="palette-foot muted small">
        <kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close
      </p>
    </dialog>
  );
}
