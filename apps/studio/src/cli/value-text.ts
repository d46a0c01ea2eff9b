import { bytesFromBase64, displayKey } from "@cachify/core";
import type { CollectionPageOut, CollectionType, ValuePages } from "../app/values/value-pages.ts";
import { table } from "./io.ts";

export const ttlText = (ttl: number) =>
  ttl === -1 ? "no expiry" : ttl === -2 ? "missing" : `${ttl}s`;

const NOUN: Record<CollectionType, [string, string]> = {
  hash: ["field", "fields"],
  list: ["element", "elements"],
  set: ["member", "members"],
  zset: ["member", "members"],
  stream: ["entry", "entries"],
};

/**
 * A stored byte string on one line: text as is, anything else (binary, control characters,
 * newlines) escaped as keys are displayed, so one item stays one line. Empty as the studio shows it.
 */
function shown(base64: string): string {
  const text = displayKey(bytesFromBase64(base64));
  return text === "" ? "(empty)" : text;
}

/** A cursor as it can be pasted back into a shell: stream cursors start with "(". */
function shellWord(s: string): string {
  return /^[\w.:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

type Items<T extends CollectionType> = Awaited<ReturnType<ValuePages[`${T}Page`]>>["items"];

function rows(type: CollectionType, page: CollectionPageOut): string[] {
  switch (type) {
    case "hash":
      return table(
        (page.items as Items<"hash">).map((i) => [shown(i.fieldBase64), shown(i.valueBase64)]),
      ).split("\n");
    case "list":
      return table(
        (page.items as Items<"list">).map((i) => [String(i.index), shown(i.valueBase64)]),
      ).split("\n");
    case "set":
      return (page.items as Items<"set">).map((i) => shown(i.memberBase64));
    case "zset":
      return table(
        (page.items as Items<"zset">).map((i) => [
          String(i.rank),
          shown(i.memberBase64),
          String(i.score),
        ]),
      ).split("\n");
    case "stream":
      return (page.items as Items<"stream">).map(
        (e) =>
          `${e.id}  ${e.fields.map((f) => `${shown(f.fieldBase64)}=${shown(f.valueBase64)}`).join(" ")}`,
      );
  }
}

/** A collection page for people: a header (type, length, TTL), one line per item, then the cursor. */
export function collectionText(type: CollectionType, ttl: number, page: CollectionPageOut): string {
  const [one, many] = NOUN[type];
  const header = `${type} · ${page.length} ${page.length === 1 ? one : many} · ${ttl === -1 ? "no expiry" : `ttl ${ttlText(ttl)}`}`;
  const body = page.items.length ? rows(type, page).join("\n") : `no ${many} on this page`;
  const footer = page.done ? "(end)" : `(more: --cursor ${shellWord(page.cursor)})`;
  return `${header}\n${body}\n${footer}`;
}
