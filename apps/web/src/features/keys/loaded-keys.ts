import { keyFromText, keyMatcher } from "@cachify/core/shared";
import { useMemo, useRef } from "react";
import type { KeyRow, KeysPage } from "../../api/types.ts";
import { KeyTree } from "../../lib/key-tree.ts";

export type View = "list" | "tree";
export const VIEW_KEY = "cachify.keys.view";
export const DELIM_KEY = "cachify.keys.delimiter";

export function stored(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}
export function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // the choice still applies to this window
  }
}

/**
 * The loaded keys, de-duplicated (SCAN may return a key twice), built page by page: a new page
 * costs its own size, not the whole list again. Pages edited in place (a delete, a rename) make
 * it start over, with a new generation.
 */
export function useLoadedRows(pages: KeysPage[] | undefined): {
  rows: KeyRow[];
  generation: number;
} {
  const acc = useRef({
    pages: [] as KeysPage[],
    rows: [] as KeyRow[],
    seen: new Set<string>(),
    generation: 0,
  });
  return useMemo(() => {
    const list = pages ?? [];
    let a = acc.current;
    const extendsOld = a.pages.length <= list.length && a.pages.every((p, i) => p === list[i]);
    if (!extendsOld) a = { pages: [], rows: [], seen: new Set(), generation: a.generation + 1 };
    if (list.length === a.pages.length) {
      acc.current = a;
      return { rows: a.rows, generation: a.generation };
    }
    const rows = a.rows.slice();
    for (const page of list.slice(a.pages.length)) {
      for (const k of page.keys) {
        if (a.seen.has(k.keyBase64)) continue;
        a.seen.add(k.keyBase64);
        rows.push(k);
      }
    }
    acc.current = { pages: list, rows, seen: a.seen, generation: a.generation };
    return { rows, generation: a.generation };
  }, [pages]);
}

/** The namespace tree of the loaded rows, grown in place as pages arrive. */
export function useKeyTree(
  rows: KeyRow[],
  generation: number,
  delimiter: string,
  enabled: boolean,
) {
  const ref = useRef<{ tree: KeyTree; generation: number } | undefined>(undefined);
  return useMemo(() => {
    if (!enabled) return undefined;
    let cur = ref.current;
    if (!cur || cur.generation !== generation || cur.tree.delimiter !== delimiter) {
      cur = { tree: new KeyTree(delimiter), generation };
    }
    cur.tree.addFrom(rows);
    ref.current = cur;
    return { tree: cur.tree, version: `${generation}:${rows.length}` };
  }, [rows, generation, delimiter, enabled]);
}

/** Whether a key (as shown) fits a filter pattern: the core's glob, as SCAN MATCH reads it. */
export function fitsPattern(pattern: string, key: string): boolean {
  try {
    return keyMatcher(pattern)(keyFromText(key));
  } catch {
    // A malformed pattern matches nothing (the server refuses it too).
    return false;
  }
}
