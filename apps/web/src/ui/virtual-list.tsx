import { useVirtualizer, type VirtualItem } from "@tanstack/react-virtual";
import { type HTMLAttributes, type ReactNode, type RefObject, useEffect, useRef } from "react";

/** Rows that fit in the scroll box, less one: how far Page Up / Page Down move. */
export function pageOf(scroll: RefObject<HTMLElement | null>, rowHeight: number): number {
  return Math.max(1, Math.floor((scroll.current?.clientHeight ?? 280) / rowHeight) - 1);
}

/** A virtualizer over a scroll box of fixed-height rows (only the visible rows are rendered). */
export function useVirtualRows(count: number, rowHeight: number, overscan = 12) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0));
  return { scrollRef, virtualizer, items, padTop, padBottom };
}

/** The spacer row above or below a virtualized table's rendered rows. */
export function PadRow({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    <tr className="wf-pad" style={{ height }}>
      <td colSpan={columns} />
    </tr>
  );
}

/**
 * A virtualized list box (keys, the namespace tree): a header line, a focusable scroll box (its
 * role, label and keyboard come from `box`) and absolutely placed rows of one height. The row at
 * `scrollTo.index` is scrolled into view whenever it changes.
 */
export function VirtualList({
  count,
  rowHeight,
  head,
  box,
  scrollTo,
  pageRef,
  renderRow,
}: {
  count: number;
  rowHeight: number;
  head: ReactNode;
  box: HTMLAttributes<HTMLDivElement>;
  scrollTo: { index: number; align: () => "auto" | "center" };
  /** Receives the scroll box, for Page Up / Page Down. */
  pageRef?: (el: HTMLDivElement | null) => void;
  renderRow: (item: VirtualItem) => ReactNode;
}) {
  const { scrollRef, virtualizer, items } = useVirtualRows(count, rowHeight);
  const { index } = scrollTo;
  const align = useRef(scrollTo.align);
  align.current = scrollTo.align;
  useEffect(() => {
    if (index >= 0) virtualizer.scrollToIndex(index, { align: align.current() });
  }, [index, virtualizer]);
  return (
    <div className="keylist">
      <div className="keylist-head" aria-hidden="true">
        {head}
      </div>
      <div
        ref={(el) => {
          scrollRef.current = el;
          pageRef?.(el);
        }}
        className="keylist-scroll"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: `box` gives it its role (listbox, tree)
        tabIndex={0}
        {...box}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map(renderRow)}
        </div>
      </div>
    </div>
  );
}
