import type { DecodeResult } from "./format.ts";
import { Budget, DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./limits.ts";
import type { DecodedNode, MapEntry } from "./node.ts";
import { ascii, Reader, utf8OrUndefined } from "./reader.ts";

/**
 * Strict JSON (RFC 8259) by hand rather than JSON.parse: JSON.parse drops duplicate keys, rounds
 * integers past 2^53 and forgets how a number was spelled, and all three matter when the value is
 * saved back. Trailing whitespace is consumed; anything else after the value is an error.
 */
const FORMAT = "JSON";
const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

export function decodeJson(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodeResult {
  const budget = new Budget(FORMAT, limits);
  budget.checkInput(bytes.length);
  const r = new Reader(bytes, FORMAT);
  skipWs(r);
  const node = value(r, budget);
  skipWs(r);
  if (r.remaining > 0) r.fail("unexpected data after the JSON value");
  return { node, consumed: r.pos };
}

function skipWs(r: Reader): void {
  while (r.remaining > 0 && WS.has(r.bytes[r.pos]!)) r.pos++;
}

function literal(r: Reader, word: string): void {
  const at = r.pos;
  for (let i = 0; i < word.length; i++)
    if (r.bytes[r.pos + i] !== word.charCodeAt(i))
      r.fail(`unexpected token (expected ${word})`, at);
  r.pos += word.length;
}

function value(r: Reader, b: Budget): DecodedNode {
  if (r.remaining === 0) r.fail("input ends where a value was expected");
  const c = r.bytes[r.pos]!;
  b.node();
  switch (c) {
    case 0x7b:
      return object(r, b);
    case 0x5b:
      return array(r, b);
    case 0x22: {
      const s = string(r, b);
      return { kind: "string", value: s };
    }
    case 0x74:
      literal(r, "true");
      return { kind: "bool", value: true };
    case 0x66:
      literal(r, "false");
      return { kind: "bool", value: false };
    case 0x6e:
      literal(r, "null");
      return { kind: "null" };
    default:
      return number(r);
  }
}

function number(r: Reader): DecodedNode {
  const at = r.pos;
  while (r.remaining > 0 && /[-+.eE0-9]/.test(String.fromCharCode(r.bytes[r.pos]!))) r.pos++;
  const text = ascii(r.bytes.subarray(at, r.pos));
  if (!NUMBER.test(text))
    r.fail(text === "" ? "unexpected character" : `invalid number "${text}"`, at);
  if (/^-?(0|[1-9][0-9]*)$/.test(text)) return { kind: "int", value: text };
  return { kind: "float", value: Number(text), text };
}

function string(r: Reader, b: Budget): string {
  const start = r.pos;
  r.pos++;
  let out = "";
  let from = r.pos;
  const flush = (to: number) => {
    const s = utf8OrUndefined(r.bytes.subarray(from, to));
    if (s === undefined) r.fail("string is not valid UTF-8", from);
    out += s;
  };
  for (;;) {
    if (r.remaining === 0) r.fail("unterminated string", start);
    const c = r.bytes[r.pos]!;
    if (c === 0x22) {
      flush(r.pos);
      r.pos++;
      b.node(out.length);
      return out;
    }
    if (c < 0x20) r.fail("control character inside a string");
    if (c !== 0x5c) {
      r.pos++;
      continue;
    }
    flush(r.pos);
    const esc = r.bytes[r.pos + 1];
    const simple: Record<number, string> = {
      34: '"',
      92: "\\",
      47: "/",
      98: "\b",
      102: "\f",
      110: "\n",
      114: "\r",
      116: "\t",
    };
    if (esc !== undefined && simple[esc] !== undefined) {
      out += simple[esc];
      r.pos += 2;
    } else if (esc === 0x75) {
      const hex = String.fromCharCode(...r.bytes.subarray(r.pos + 2, r.pos + 6));
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) r.fail("invalid \\u escape");
      out += String.fromCharCode(Number.parseInt(hex, 16));
      r.pos += 6;
    } else r.fail("invalid escape in a string");
    from = r.pos;
  }
}

function array(r: Reader, b: Budget): DecodedNode {
  b.enter();
  r.pos++;
  const items: DecodedNode[] = [];
  skipWs(r);
  if (r.peek() === 0x5d) r.pos++;
  else
    for (;;) {
      skipWs(r);
      items.push(value(r, b));
      skipWs(r);
      const at = r.pos;
      const c = r.u8();
      if (c === 0x5d) break;
      if (c !== 0x2c) r.fail('expected "," or "]" in an array', at);
    }
  b.leave();
  return { kind: "list", items };
}

function object(r: Reader, b: Budget): DecodedNode {
  b.enter();
  r.pos++;
  const entries: MapEntry[] = [];
  skipWs(r);
  if (r.peek() === 0x7d) r.pos++;
  else
    for (;;) {
      skipWs(r);
      if (r.peek() !== 0x22) r.fail("expected a string key in an object");
      b.node();
      const key: DecodedNode = { kind: "string", value: string(r, b) };
      skipWs(r);
      r.expect(0x3a);
      skipWs(r);
      entries.push({ key, value: value(r, b) });
      skipWs(r);
      const at = r.pos;
      const c = r.u8();
      if (c === 0x7d) break;
      if (c !== 0x2c) r.fail('expected "," or "}" in an object', at);
    }
  b.leave();
  return { kind: "map", entries };
}
