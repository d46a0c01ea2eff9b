import type { DecodeResult } from "./format.ts";
import { Budget, DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./limits.ts";
import type { DecodedNode, MapEntry } from "./node.ts";
import { ascii, Reader, stringFromBytes } from "./reader.ts";

/**
 * PHP `serialize()` output read as data: no class is looked up and no `__wakeup` / `__unserialize`
 * exists here, objects are just their class name and properties. References keep PHP's numbering
 * (every value is a slot, counted from 1, except `R:` itself and array keys) so `r:3;` points at the
 * node whose `ref` is 3, and encoding writes them back as they were.
 */
const FORMAT = "PHP serialize";
const DIGITS = /^-?[0-9]+$/;

interface State {
  r: Reader;
  b: Budget;
  slots: DecodedNode[];
  refs: number[];
}

export function decodePhp(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodeResult {
  const b = new Budget(FORMAT, limits);
  b.checkInput(bytes.length);
  const s: State = { r: new Reader(bytes, FORMAT), b, slots: [], refs: [] };
  const node = value(s);
  // Mark the targets so a viewer can link a reference to what it names.
  for (const target of s.refs) {
    const t = s.slots[target - 1];
    if (t) t.ref = target;
  }
  return { node, consumed: s.r.pos };
}

/** Reads digits (and a sign) up to `end`, the way PHP's own parser accepts them. */
function integer(r: Reader, end: number): string {
  const at = r.pos;
  const t = ascii(r.until(end));
  if (!DIGITS.test(t)) r.fail(`expected an integer, found "${t.slice(0, 20)}"`, at);
  return t;
}

function count(s: State, end: number): number {
  const at = s.r.pos;
  const n = Number(integer(s.r, end));
  if (n < 0) s.r.fail("negative length", at);
  s.b.announce(n, s.r.remaining, at);
  return n;
}

/** `N:"bytes"` as used by strings and class names: the length counts bytes, not characters. */
function quoted(s: State): Uint8Array {
  const n = count(s, 0x3a);
  s.r.expect(0x22);
  const bytes = s.r.take(n);
  s.r.expect(0x22);
  return bytes;
}

function value(s: State, isKey = false): DecodedNode {
  const { r, b } = s;
  const at = r.pos;
  const tag = r.u8();
  b.node();
  // PHP numbers values in the order it starts them (a container before its members).
  const slot = isKey || tag === 0x52 ? -1 : s.slots.push({ kind: "null" }) - 1;
  let node: DecodedNode;
  if (tag === 0x4e) {
    r.expect(0x3b);
    node = { kind: "null" };
  } else {
    r.expect(0x3a);
    node = tagged(s, tag, at);
  }
  if (slot >= 0) s.slots[slot] = node;
  return node;
}

function tagged(s: State, tag: number, at: number): DecodedNode {
  const { r, b } = s;
  switch (String.fromCharCode(tag)) {
    case "b": {
      const v = integer(r, 0x3b);
      if (v !== "0" && v !== "1") r.fail("a boolean is 0 or 1", at);
      return { kind: "bool", value: v === "1" };
    }
    case "i":
      return { kind: "int", value: integer(r, 0x3b) };
    case "d": {
      const text = ascii(r.until(0x3b));
      const value =
        text === "INF"
          ? Infinity
          : text === "-INF"
            ? -Infinity
            : text === "NAN"
              ? NaN
              : Number(text);
      if (Number.isNaN(value) && text !== "NAN") r.fail(`invalid float "${text.slice(0, 20)}"`, at);
      return { kind: "float", value, text };
    }
    case "s": {
      const bytes = quoted(s);
      r.expect(0x3b);
      b.node(bytes.length);
      return stringFromBytes(bytes);
    }
    case "a": {
      const n = count(s, 0x3a);
      return { kind: "map", entries: members(s, n) };
    }
    case "O": {
      const className = stringFromBytes(quoted(s)).value;
      r.expect(0x3a);
      const n = count(s, 0x3a);
      return { kind: "object", className, fields: members(s, n) };
    }
    case "C": {
      const className = stringFromBytes(quoted(s)).value;
      r.expect(0x3a);
      const n = count(s, 0x3a);
      r.expect(0x7b);
      const raw = r.take(n).slice();
      r.expect(0x7d);
      b.node(n);
      return { kind: "object", className, fields: [], construct: "custom", raw };
    }
    case "E": {
      const name = stringFromBytes(quoted(s)).value;
      r.expect(0x3b);
      const colon = name.indexOf(":");
      if (colon < 0) r.fail('an enum is "Class:Case"', at);
      return { kind: "enum", className: name.slice(0, colon), name: name.slice(colon + 1) };
    }
    case "r":
    case "R": {
      const target = Number(integer(r, 0x3b));
      if (target < 1 || target > s.slots.length)
        r.fail(`reference to value ${target}, which does not exist`, at);
      s.refs.push(target);
      return { kind: "reference", target, flavor: tag === 0x52 ? "value" : "object" };
    }
    default:
      return r.fail(`unknown type "${String.fromCharCode(tag)}"`, at);
  }
}

function members(s: State, n: number): MapEntry[] {
  const { r, b } = s;
  r.expect(0x7b);
  b.enter();
  const entries: MapEntry[] = [];
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const key = value(s, true);
    if (key.kind !== "int" && key.kind !== "string")
      r.fail("an array key is an integer or a string", at);
    entries.push({ key, value: value(s) });
  }
  b.leave();
  r.expect(0x7d);
  return entries;
}
