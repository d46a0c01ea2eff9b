import type { PlainJson } from "@cachify/core";

/**
 * How the decoded tree reads the core's plain JSON (packages/core/src/decoders/plain-json.ts):
 * scalars as they are, and each `$`-tagged object (`$bytes`, `$object`, `$enum`, `$ref`, `$map`,
 * `$tuple`, `$set`, ...) as what it stands for. A tag counts only in its exact shape, so a JSON
 * document that merely has a `$bytes` key among others stays an ordinary object.
 */

export type Shown =
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  | { kind: "number"; value: number }
  | { kind: "string"; value: string }
  | { kind: "bytes"; base64: string; ext?: number }
  | { kind: "enum"; name: string }
  | { kind: "ref"; target: PlainJson }
  | { kind: "unknown"; reason: string; base64?: string }
  | Branch;

export interface Branch {
  kind: "branch";
  /** What it is: "map", "list", "tuple", "set", "object" ... */
  tag: string;
  /** The class of an object (PHP, Java, pickle) or of a Java array. */
  className?: string;
  /** The id other parts point at (`$ref`), when something does. */
  id?: number;
  /** How the source would have built it (pickle reduce, PHP custom): shown, never done. */
  construct?: string;
  /** "3 items", "2 fields". */
  size: string;
  children: Child[];
}

export interface Child {
  label: string;
  /** key: a map key or field name; index: a list position; meta: args, state, raw. */
  labelKind: "key" | "index" | "meta";
  value: PlainJson;
}

const LIST_TAGS = ["$tuple", "$set", "$frozenset", "$array"] as const;

type Obj = { [key: string]: PlainJson };
const isObj = (v: PlainJson): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const keysAre = (o: Obj, required: string[], optional: string[] = []) =>
  required.every((k) => k in o) &&
  Object.keys(o).every((k) => required.includes(k) || optional.includes(k));

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** A map key or field name as a label: strings as they are (NULs of PHP's private names shown). */
export function keyLabel(k: PlainJson): string {
  if (typeof k === "string") return k.replace(/\0/g, "\\0");
  if (isScalar(k)) return String(k);
  return JSON.stringify(k);
}

export const isScalar = (v: PlainJson) => v === null || typeof v !== "object";

function entriesOf(v: PlainJson): Child[] {
  if (isObj(v) && keysAre(v, ["$map"]) && Array.isArray(v.$map)) return pairs(v.$map);
  if (isObj(v))
    return Object.entries(v).map(([k, value]) => ({ label: keyLabel(k), labelKind: "key", value }));
  return [{ label: "value", labelKind: "meta", value: v }];
}

function pairs(list: PlainJson[]): Child[] {
  const out: Child[] = [];
  list.forEach((pair, i) => {
    const [k, value] = Array.isArray(pair) ? pair : [i, pair];
    if (k === undefined || value === undefined) return;
    if (isScalar(k)) out.push({ label: keyLabel(k), labelKind: "key", value });
    else {
      // A key that is itself a structure (msgpack allows it): the key, then its value.
      out.push({ label: `key ${i}`, labelKind: "meta", value: k });
      out.push({ label: `value ${i}`, labelKind: "meta", value });
    }
  });
  return out;
}

const items = (list: PlainJson[]): Child[] =>
  list.map((value, i) => ({ label: String(i), labelKind: "index", value }));

/** What one plain JSON value stands for. */
export function shown(v: PlainJson): Shown {
  if (v === null) return { kind: "null" };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (typeof v === "number") return { kind: "number", value: v };
  if (typeof v === "string") return { kind: "string", value: v };
  if (Array.isArray(v))
    return { kind: "branch", tag: "list", size: plural(v.length, "item"), children: items(v) };
  if (keysAre(v, ["$bytes"], ["$ext"]) && typeof v.$bytes === "string")
    return typeof v.$ext === "number"
      ? { kind: "bytes", base64: v.$bytes, ext: v.$ext }
      : { kind: "bytes", base64: v.$bytes };
  if (keysAre(v, ["$enum"]) && typeof v.$enum === "string") return { kind: "enum", name: v.$enum };
  if (keysAre(v, ["$ref"])) return { kind: "ref", target: v.$ref ?? null };
  if (keysAre(v, ["$unknown"], ["$bytes"]) && typeof v.$unknown === "string")
    return typeof v.$bytes === "string"
      ? { kind: "unknown", reason: v.$unknown, base64: v.$bytes }
      : { kind: "unknown", reason: v.$unknown };
  if (keysAre(v, ["$map"]) && Array.isArray(v.$map)) {
    const children = pairs(v.$map);
    return {
      kind: "branch",
      tag: "map",
      size: plural(v.$map.length, "entry", "entries"),
      children,
    };
  }
  for (const tag of LIST_TAGS) {
    const list = v[tag];
    if (keysAre(v, [tag]) && Array.isArray(list))
      return {
        kind: "branch",
        tag: tag.slice(1),
        size: plural(list.length, "item"),
        children: items(list),
      };
  }
  if (typeof v.$object === "string" && "$fields" in v) return object(v);
  const children = entriesOf(v);
  return { kind: "branch", tag: "map", size: plural(children.length, "key"), children };
}

function object(v: Obj): Branch {
  const meta: Child[] = [];
  if (v.$args !== undefined) meta.push({ label: "args", labelKind: "meta", value: v.$args });
  if (v.$state !== undefined) meta.push({ label: "state", labelKind: "meta", value: v.$state });
  if (typeof v.$raw === "string")
    meta.push({ label: "raw", labelKind: "meta", value: { $bytes: v.$raw } });
  const fields = v.$fields === undefined ? [] : entriesOf(v.$fields);
  const b: Branch = {
    kind: "branch",
    tag: "object",
    className: v.$object as string,
    size: plural(fields.length, "field"),
    children: [...meta, ...fields],
  };
  if (typeof v.$id === "number") b.id = v.$id;
  if (typeof v.$construct === "string") b.construct = v.$construct;
  return b;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** The first `limit` bytes as spaced hex ("00 ff 1a"), with "…" when there are more. */
export function hexPreview(bytes: Uint8Array, limit = 48): string {
  const head = Array.from(bytes.subarray(0, limit), (b) => HEX[b]).join(" ");
  return bytes.length > limit ? `${head} …` : head;
}

/** The format names the server uses, as people read them in the breadcrumb and the menu. */
const LABELS: Record<string, string> = {
  json: "JSON",
  msgpack: "MessagePack",
  php: "PHP serialize",
  java: "Java serialization",
  pickle: "pickle",
  protobuf: "protobuf",
  base64: "base64",
  hex: "hex",
  gzip: "gzip",
  zlib: "zlib",
  deflate: "deflate",
  brotli: "brotli",
  zstd: "zstd",
  lz4: "LZ4",
  "lz4-block": "LZ4 block",
  snappy: "Snappy",
  "snappy-framed": "Snappy framed",
};
export const formatLabel = (name: string) => LABELS[name] ?? name;
