import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from "react";
import type { KeyRow } from "../../api/types.ts";
import { formatCount } from "../../lib/format.ts";
import { type KeyTree, keyId, type TreeItem } from "../../lib/key-tree.ts";
import { pageOf, VirtualList } from "../../ui/virtual-list.tsx";
import { KeyTypeCells } from "./key-cells.tsx";

const ROW_HEIGHT = 28;
const INDENT = 16;

/**
 * The loaded keys as a namespace tree: a virtualized ARIA tree (only visible rows are in the
 * DOM). Arrows move, Right opens a folder or enters it, Left closes it or goes to its parent,
 * Enter toggles a folder; moving onto a key selects it, as in the list.
 */
export function KeyTreeView({
  tree,
  version,
  selected,
  onSelect,
  onFilterFolder,
  label,
}: {
  tree: KeyTree;
  /** Changes whenever the tree has grown (the tree itself is mutated in place). */
  version: string;
  selected: KeyRow | undefined;
  onSelect: (row: KeyRow) => void;
  onFilterFolder: (prefix: string) => void;
  label: string;
}) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [active, setActive] = useState<string | undefined>();
  const scrollRef = useRef<HTMLDivElement | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version stands for the tree's content
  const items = useMemo(() => tree.flatten(expanded), [tree, version, expanded]);
  const indexOf = useMemo(() => {
    const m = new Map<string, number>();
    for (let i = 0; i < items.length; i++) m.set(items[i]!.id, i);
    return m;
  }, [items]);

  // A key selected from elsewhere (Go to, a create, a rename, the list view) is revealed: its
  // folders open and the keyboard position moves to it. Selections made in the tree are not.
  const picked = useRef<string | undefined>(undefined);
  const centre = useRef(false);
  useEffect(() => {
    if (!selected || picked.current === selected.keyBase64) return;
    setActive(`k:${selected.keyBase64}`);
    centre.current = true;
    const d = tree.delimiter;
    if (d === "") return;
    const parts = selected.key.split(d);
    if (parts.length < 2) return;
    setExpanded((prev) => {
      let prefix = "";
      let next: Set<string> | undefined;
      for (const p of parts.slice(0, -1)) {
        prefix += p + d;
        const id = `f:${prefix}`;
        if (!prev.has(id)) {
          next ??= new Set(prev);
          next.add(id);
        }
      }
      return next ?? prev;
    });
  }, [selected, tree]);

  const selectedId = selected ? `k:${selected.keyBase64}` : undefined;
  const activeId = active && indexOf.has(active) ? active : selectedId;
  const activeIndex = activeId !== undefined ? (indexOf.get(activeId) ?? -1) : -1;

  // The keyboard scrolls only as far as needed; a key revealed from outside is centred.
  const align = () => {
    const a = centre.current ? ("center" as const) : ("auto" as const);
    centre.current = false;
    return a;
  };

  const toggle = (id: string, open?: boolean) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      const isOpen = next.has(id);
      if (open ?? !isOpen) next.add(id);
      else next.delete(id);
      return next;
    });
  };

  const pick = (row: KeyRow) => {
    picked.current = row.keyBase64;
    onSelect(row);
  };
  const moveTo = (item: TreeItem | undefined) => {
    if (!item) return;
    setActive(item.id);
    if (item.kind === "key") pick(item.row);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (items.length === 0) return;
    const cur = activeIndex >= 0 ? items[activeIndex] : undefined;
    const page = pageOf(scrollRef, ROW_HEIGHT);
    let handled = true;
    switch (e.key) {
      case "ArrowDown":
        moveTo(items[Math.min(items.length - 1, activeIndex + 1)]);
        break;
      case "ArrowUp":
        moveTo(items[Math.max(0, activeIndex - 1)]);
        break;
      case "PageDown":
        moveTo(items[Math.min(items.length - 1, activeIndex + page)]);
        break;
      case "PageUp":
        moveTo(items[Math.max(0, activeIndex - page)]);
        break;
      case "Home":
        moveTo(items[0]);
        break;
      case "End":
        moveTo(items[items.length - 1]);
        break;
      case "ArrowRight":
        if (cur?.kind === "folder") {
          if (!cur.expanded) toggle(cur.id, true);
          else moveTo(items[activeIndex + 1]);
        }
        break;
      case "ArrowLeft":
        if (cur?.kind === "folder" && cur.expanded) toggle(cur.id, false);
        else {
          const parent =
            cur?.kind === "key"
              ? cur.parentId
              : cur?.folder.parent
                ? `f:${cur.folder.parent.prefix}`
                : undefined;
          const i = parent !== undefined ? indexOf.get(parent) : undefined;
          if (i !== undefined) moveTo(items[i]);
        }
        break;
      case "Enter":
      case " ":
        if (cur?.kind === "folder") toggle(cur.id);
        else if (cur) pick(cur.row);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  return (
    <VirtualList
      count={items.length}
      rowHeight={ROW_HEIGHT}
      head={
        <>
          <span>Namespace</span>
          <span>Type</span>
          <span className="num">TTL</span>
          <span className="num">Keys</span>
        </>
      }
      box={{
        role: "tree",
        "aria-label": label,
        "aria-activedescendant": activeIndex >= 0 ? `tree-row-${activeIndex}` : undefined,
        onKeyDown,
      }}
      scrollTo={{ index: activeIndex, align }}
      pageRef={(el) => {
        scrollRef.current = el;
      }}
      renderRow={(v) => {
        const item = items[v.index]!;
        const isActive = v.index === activeIndex;
        const style = {
          height: ROW_HEIGHT,
          transform: `translateY(${v.start}px)`,
          paddingLeft: 8 + item.depth * INDENT,
        };
        if (item.kind === "folder") {
          const f = item.folder;
          return (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the tree handles the keyboard
            <div
              key={item.id}
              id={`tree-row-${v.index}`}
              role="treeitem"
              aria-level={item.depth + 1}
              aria-expanded={item.expanded}
              aria-selected={false}
              aria-label={`${f.name === "" ? "(empty)" : f.name}${tree.delimiter} (${formatCount(f.count)} keys)`}
              tabIndex={-1}
              className={isActive ? "keyrow treerow folder active" : "keyrow treerow folder"}
              style={style}
              onClick={() => {
                setActive(item.id);
                toggle(item.id);
              }}
              onDoubleClick={() => onFilterFolder(f.prefix)}
              title={`${f.prefix}* · ${formatCount(f.count)} keys loaded · double-click to filter to this folder`}
            >
              <span className="keyrow-key">
                <span className="chevron" aria-hidden="true">
                  {item.expanded ? "▾" : "▸"}
                </span>
                <span className="mono folder-name">
                  {f.name === "" ? <em className="muted">(empty)</em> : f.name}
                  <span className="muted">{tree.delimiter}</span>
                </span>
              </span>
              <span />
              <span />
              <span className="num muted">{formatCount(f.count)}</span>
            </div>
          );
        }
        const row = item.row;
        const isSelected = selected?.keyBase64 === row.keyBase64;
        return (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the tree handles the keyboard
          <div
            key={item.id}
            id={`tree-row-${v.index}`}
            role="treeitem"
            aria-level={item.depth + 1}
            aria-selected={isSelected}
            aria-label={row.key}
            tabIndex={-1}
            className={`keyrow treerow${isSelected ? " selected" : ""}${isActive ? " active" : ""}`}
            style={style}
            onClick={() => {
              setActive(keyId(row));
              pick(row);
            }}
            title={row.key}
          >
            <span className="keyrow-key mono">
              <span className="chevron" aria-hidden="true" />
              {item.name === "" ? <em className="muted">(empty)</em> : item.name}
            </span>
            <KeyTypeCells row={row} />
            <span />
          </div>
        );
      }}
    />
  );
}
