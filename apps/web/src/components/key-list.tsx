import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, useEffect, useMemo, useRef } from "react";
import type { KeyRow } from "../api/types.ts";
import { formatBytes, formatTtl } from "../lib/format.ts";

const ROW_HEIGHT = 28;

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
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const selectedIndex = useMemo(
    () => (selected === undefined ? -1 : rows.findIndex((r) => r.keyBase64 === selected)),
    [rows, selected],
  );

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (rows.length === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 280) / ROW_HEIGHT) - 1);
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
    <div className="keylist">
      <div className="keylist-head" aria-hidden="true">
        <span>Key</span>
        <span>Type</span>
        <span className="num">TTL</span>
        <span className="num" title="Memory the key uses on the server (MEMORY USAGE)">
          Memory
        </span>
      </div>
      <div
        ref={scrollRef}
        className="keylist-scroll"
        role="listbox"
        aria-label={label}
        tabIndex={0}
        aria-activedescendant={selectedIndex >= 0 ? `key-row-${selectedIndex}` : undefined}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
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
                <span className={`type-badge type-${row.type}`}>{row.type}</span>
                <span className={row.ttl === -2 ? "num muted strike" : "num muted"}>
                  {formatTtl(row.ttl)}
                </span>
                <span className="num muted">
                  {row.sizeBytes !== undefined ? formatBytes(row.sizeBytes) : ""}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
