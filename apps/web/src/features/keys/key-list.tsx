import { type KeyboardEvent, useMemo, useRef } from "react";
import type { KeyRow } from "../../api/types.ts";
import { formatBytes } from "../../lib/format.ts";
import { pageOf, VirtualList } from "../../ui/virtual-list.tsx";
import { KeyTypeCells } from "./key-cells.tsx";

const ROW_HEIGHT = 28;
const AUTO = () => "auto" as const;

/**
 * The loaded keys as a virtualized listbox (only the visible rows are in the DOM, so 100k loaded
 * keys scroll like 100). Arrow keys, Page Up/Down, Home and End move the selection.
 */
export function KeyList({
  rows,
  selected,
  onSelect,
  label,
}: {
  rows: KeyRow[];
  selected: string | undefined;
  onSelect: (row: KeyRow) => void;
  label: string;
}) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const selectedIndex = useMemo(
    () => (selected === undefined ? -1 : rows.findIndex((r) => r.keyBase64 === selected)),
    [rows, selected],
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (rows.length === 0) return;
    const page = pageOf(scrollRef, ROW_HEIGHT);
    const moves: Record<string, number> = {
      ArrowDown: selectedIndex + 1,
      ArrowUp: selectedIndex - 1,
      PageDown: selectedIndex + page,
      PageUp: selectedIndex - page,
      Home: 0,
      End: rows.length - 1,
    };
    const target = moves[e.key];
    if (target === undefined) return;
    e.preventDefault();
    const row = rows[Math.min(rows.length - 1, Math.max(0, target))];
    if (row) onSelect(row);
  };

  return (
    <VirtualList
      count={rows.length}
      rowHeight={ROW_HEIGHT}
      head={
        <>
          <span>Key</span>
          <span>Type</span>
          <span className="num">TTL</span>
          <span className="num" title="Memory the key uses on the server (MEMORY USAGE)">
            Memory
          </span>
        </>
      }
      box={{
        role: "listbox",
        "aria-label": label,
        "aria-activedescendant": selectedIndex >= 0 ? `key-row-${selectedIndex}` : undefined,
        onKeyDown,
      }}
      scrollTo={{ index: selectedIndex, align: AUTO }}
      pageRef={(el) => {
        scrollRef.current = el;
      }}
      renderRow={(item) => {
        const row = rows[item.index]!;
        const isSelected = item.index === selectedIndex;
        return (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keyboard
          <div
            key={row.keyBase64}
            id={`key-row-${item.index}`}
            role="option"
            tabIndex={-1}
            aria-selected={isSelected}
            aria-label={row.key}
            aria-setsize={rows.length}
            aria-posinset={item.index + 1}
            className={isSelected ? "keyrow selected" : "keyrow"}
            style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
            onClick={() => onSelect(row)}
            title={row.key}
          >
            <span className="keyrow-key mono">{row.key}</span>
            <KeyTypeCells row={row} />
            <span className="num muted">
              {row.sizeBytes !== undefined ? formatBytes(row.sizeBytes) : ""}
            </span>
          </div>
        );
      }}
    />
  );
}
