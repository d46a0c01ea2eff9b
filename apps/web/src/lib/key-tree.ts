import type { KeyRow } from "../api/types.ts";

/**
 * The loaded keys as a namespace tree (split on a delimiter, ":" by default). Built
 * incrementally: each newly loaded page is added without touching the keys already in, so a
 * 100k-key tree grows page by page at the cost of the new page only. Children are sorted lazily,
 * only for folders that are open and changed.
 */
export interface Folder {
  name: string;
  /** The key prefix this folder stands for, delimiter included ("app:users:"). */
  prefix: string;
  depth: number;
  parent: Folder | undefined;
  folders: Map<string, Folder>;
  keys: Entry[];
  /** Keys anywhere below. */
  count: number;
  sorted: boolean;
  sortedFolders: Folder[];
}

/** A key in its folder; `num` is set when its last segment is a plain number (natural order). */
interface Entry {
  name: string;
  num: number | undefined;
  row: KeyRow;
}

export type TreeItem =
  | { kind: "folder"; id: string; folder: Folder; depth: number; expanded: boolean }
  | { kind: "key"; id: string; name: string; row: KeyRow; depth: number; parentId: string };

function folder(name: string, prefix: string, parent: Folder | undefined): Folder {
  return {
    name,
    prefix,
    depth: parent ? parent.depth + 1 : -1,
    parent,
    folders: new Map(),
    keys: [],
    count: 0,
    sorted: true,
    sortedFolders: [],
  };
}

export const folderId = (f: Folder) => `f:${f.prefix}`;
export const keyId = (row: KeyRow) => `k:${row.keyBase64}`;

const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
/** Numbers in numeric order ("2" before "10"), before other names; the rest by code unit. */
const byEntry = (a: Entry, b: Entry) => {
  if (a.num !== undefined && b.num !== undefined) return a.num - b.num || byName(a, b);
  if (a.num !== undefined) return -1;
  if (b.num !== undefined) return 1;
  return byName(a, b);
};
const numberOf = (name: string) => (/^\d{1,15}$/.test(name) ? Number(name) : undefined);

export class KeyTree {
  readonly root: Folder;
  /** How many rows of the source array are in the tree. */
  added = 0;

  constructor(readonly delimiter: string) {
    this.root = folder("", "", undefined);
  }

  /** Adds rows[added..] (the source array only grows until the tree is rebuilt). */
  addFrom(rows: readonly KeyRow[]): void {
    const d = this.delimiter;
    for (let i = this.added; i < rows.length; i++) {
      const row = rows[i]!;
      let node = this.root;
      node.count++;
      if (d !== "") {
        const parts = row.key.split(d);
        let prefix = "";
        for (let p = 0; p < parts.length - 1; p++) {
          const name = parts[p]!;
          prefix += name + d;
          let child = node.folders.get(name);
          if (!child) {
            child = folder(name, prefix, node);
            node.folders.set(name, child);
          }
          node.sorted = false;
          node = child;
          node.count++;
        }
        const name = parts[parts.length - 1]!;
        node.keys.push({ name, num: numberOf(name), row });
      } else {
        node.keys.push({ name: row.key, num: undefined, row });
      }
      node.sorted = false;
    }
    this.added = rows.length;
  }

  private sort(f: Folder): void {
    if (f.sorted) return;
    f.sortedFolders = [...f.folders.values()].sort(byName);
    f.keys.sort(byEntry);
    f.sorted = true;
  }

  /** The visible rows: folders first, then keys, open folders expanded in place. */
  flatten(expanded: ReadonlySet<string>): TreeItem[] {
    const out: TreeItem[] = [];
    const walk = (f: Folder) => {
      this.sort(f);
      const parentId = folderId(f);
      for (const child of f.sortedFolders) {
        const id = folderId(child);
        const open = expanded.has(id);
        out.push({ kind: "folder", id, folder: child, depth: child.depth, expanded: open });
        if (open) walk(child);
      }
      for (const k of f.keys) {
        out.push({
          kind: "key",
          id: keyId(k.row),
          name: k.name,
          row: k.row,
          depth: f.depth + 1,
          parentId,
        });
      }
    };
    walk(this.root);
    return out;
  }
}

/** A glob matching every key under a folder prefix (glob metacharacters escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
}
