import { type Budget, limitExceeded } from "./limits.ts";
import type { DecodedNode, MapEntry } from "./node.ts";
import { ascii, type Reader, stringFromBytes } from "./reader.ts";

/**
 * Helpers of the pickle reader: the text forms of protocol 0, little-endian longs, and the final
 * pass that turns the object graph a pickle builds (shared and even cyclic) into a finite tree.
 */

/** Python's two's-complement little-endian long (LONG1 / LONG4). */
export function longFromBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return "0";
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) n -= 1n << BigInt(bytes.length * 8);
  return n.toString();
}

/** A protocol-0 integer line (INT / LONG): "01"/"00" are how protocol 0 spells True / False. */
export function intLine(r: Reader, long: boolean): DecodedNode {
  const at = r.pos;
  let t = ascii(r.until(0x0a));
  if (!long && t === "01") return { kind: "bool", value: true };
  if (!long && t === "00") return { kind: "bool", value: false };
  if (long && t.endsWith("L")) t = t.slice(0, -1);
  if (!/^[-+]?[0-9]+$/.test(t)) r.fail(`invalid integer "${t.slice(0, 20)}"`, at);
  return { kind: "int", value: BigInt(t).toString() };
}

const ESCAPES: Record<string, number> = {
  n: 10,
  r: 13,
  t: 9,
  "\\": 92,
  "'": 39,
  '"': 34,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
};

/** STRING: a Python 2 `repr()` of a byte string, quotes included. */
export function quotedLine(r: Reader): DecodedNode {
  const at = r.pos;
  const line = r.until(0x0a);
  const q = line[0];
  if (line.length < 2 || (q !== 0x27 && q !== 0x22) || line[line.length - 1] !== q)
    r.fail("STRING argument is not quoted", at);
  const out: number[] = [];
  for (let i = 1; i < line.length - 1; i++) {
    const c = line[i]!;
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const e = String.fromCharCode(line[++i] ?? 0);
    if (e === "x") {
      out.push(Number.parseInt(ascii(line.subarray(i + 1, i + 3)), 16) || 0);
      i += 2;
    } else out.push(ESCAPES[e] ?? c);
  }
  return stringFromBytes(Uint8Array.from(out));
}

/** UNICODE: "raw-unicode-escape", Latin-1 bytes where only \uXXXX and \UXXXXXXXX are escapes. */
export function rawUnicodeLine(r: Reader): DecodedNode {
  const line = r.until(0x0a);
  let s = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const n = line[i + 1] === 0x75 ? 4 : line[i + 1] === 0x55 ? 8 : 0;
    if (c === 0x5c && n > 0) {
      const hex = ascii(line.subarray(i + 2, i + 2 + n));
      const cp = /^[0-9a-fA-F]+$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
      if (hex.length === n && cp <= 0x10ffff) {
        s += String.fromCodePoint(cp);
        i += 1 + n;
        continue;
      }
    }
    s += String.fromCharCode(c);
  }
  return { kind: "string", value: s };
}

const isContainer = (n: DecodedNode) =>
  n.kind === "list" || n.kind === "map" || n.kind === "object";

/**
 * Walks the graph from the root and returns a tree: the first time a container is met it is kept,
 * every later meeting (a shared value, or a cycle back to an ancestor) becomes a `reference` to it.
 * Depth, node count and output size are enforced here because pickle nesting is built on a stack,
 * not by recursion, so this is the one place that sees how deep the value really is.
 */
export function toTree(root: DecodedNode, b: Budget): DecodedNode {
  const seen = new Set<DecodedNode>();
  let nextRef = 1;
  const visit = (n: DecodedNode, depth: number): DecodedNode => {
    b.node(n.kind === "string" ? n.value.length : n.kind === "bytes" ? n.value.length : 0);
    if (!isContainer(n)) return n;
    if (seen.has(n)) {
      n.ref ??= nextRef++;
      return { kind: "reference", target: n.ref };
    }
    if (depth >= b.limits.maxDepth)
      throw limitExceeded(b.format, "maxDepth", b.limits.maxDepth, "nesting depth");
    seen.add(n);
    const entries = (list: MapEntry[]) =>
      list.map((e) => ({ key: visit(e.key, depth + 1), value: visit(e.value, depth + 1) }));
    if (n.kind === "list") n.items = n.items.map((i) => visit(i, depth + 1));
    else if (n.kind === "map") n.entries = entries(n.entries);
    else if (n.kind === "object") {
      n.fields = entries(n.fields);
      if (n.args) n.args = visit(n.args, depth + 1);
      if (n.state) n.state = visit(n.state, depth + 1);
    }
    return n;
  };
  return visit(root, 0);
}
