import type { KeyboardEvent, ReactNode, RefObject } from "react";

/** One tab's button: its id, the panel it controls, its label and why it is off. */
export interface TabSpec {
  id: string;
  controls: string;
  label: ReactNode;
  title?: string | undefined;
  disabled?: boolean;
  keyshortcuts?: string;
}

/**
 * An ARIA tab list with a roving tab stop: Left and Right move between the enabled tabs (Home
 * and End too when `homeEnd`), and the focus follows.
 */
export function TabList<T extends string>({
  label,
  className,
  tabClassName,
  tabs,
  current,
  spec,
  onSelect,
  homeEnd = false,
  refs,
}: {
  label: string;
  className: string;
  tabClassName: string;
  tabs: readonly T[];
  current: T;
  spec: (tab: T) => TabSpec;
  onSelect: (tab: T) => void;
  homeEnd?: boolean;
  /** The tab buttons, for a shortcut elsewhere that moves the focus to one. */
  refs: RefObject<Partial<Record<T, HTMLButtonElement | null>>>;
}) {
  const onKeyDown = (e: KeyboardEvent) => {
    const list = tabs.filter((t) => !spec(t).disabled);
    const i = list.indexOf(current);
    const moves: Record<string, T | undefined> = {
      ArrowRight: list[(i + 1) % list.length],
      ArrowLeft: list[(i - 1 + list.length) % list.length],
      ...(homeEnd ? { Home: list[0], End: list[list.length - 1] } : {}),
    };
    const next = moves[e.key];
    if (next) {
      e.preventDefault();
      onSelect(next);
      refs.current[next]?.focus();
    }
  };
  return (
    <div className={className} role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((t) => {
        const s = spec(t);
        return (
          <button
            key={t}
            ref={(el) => {
              refs.current[t] = el;
            }}
            type="button"
            role="tab"
            id={s.id}
            aria-selected={t === current}
            aria-controls={s.controls}
            tabIndex={t === current ? 0 : -1}
            aria-keyshortcuts={s.keyshortcuts}
            title={s.title}
            className={tabClassName}
            disabled={s.disabled}
            onClick={() => onSelect(t)}
          >
            {s.label}
          </button>
        );
      })}
    </div>
  );
}
