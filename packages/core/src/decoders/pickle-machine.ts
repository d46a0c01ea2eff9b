import type { Budget } from "./limits.ts";
import type { DecodedNode, MapEntry, ObjectNode } from "./node.ts";
import { intLine, longFromBytes, quotedLine, rawUnicodeLine } from "./pickle-values.ts";
import { ascii, pushAll, type Reader, stringFromBytes } from "./reader.ts";

/**
 * The stack machine of the pickle reader (see pickle.ts for what it refuses to do): the stack,
 * the memo, and the opcodes that build plain data. Opcodes naming callables are in
 * pickle-objects.ts, given to the machine as `other`.
 */
export const MARK = Symbol("mark");
type Item = DecodedNode | typeof MARK;

export const callableName = (n: DecodedNode): string =>
  n.kind === "object" ? n.className : n.kind === "string" ? n.value : `<${n.kind}>`;

export const object = (
  className: string,
  construct: ObjectNode["construct"],
  args?: DecodedNode,
): DecodedNode => ({
  kind: "object",
  className,
  fields: [],
  construct,
  ...(args ? { args } : {}),
});

export class Machine {
  stack: Item[] = [];
  memo = new Map<number, DecodedNode>();
  at = 0;

  constructor(
    readonly r: Reader,
    readonly b: Budget,
    private readonly other: (m: Machine, op: number) => void,
  ) {}

  fail(problem: string): never {
    return this.r.fail(problem, this.at);
  }

  push(n: DecodedNode, size = 0): void {
    this.b.node(size);
    this.stack.push(n);
  }

  pop(): DecodedNode {
    const v = this.stack.pop();
    if (v === undefined) this.fail("stack underflow");
    if (v === MARK) this.fail("unexpected MARK on the stack");
    return v;
  }

  top(): DecodedNode {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.fail("stack underflow");
    return v;
  }

  /** Pops everything down to the last MARK (which goes too). */
  popMark(): DecodedNode[] {
    const i = this.stack.lastIndexOf(MARK);
    if (i < 0) this.fail("no MARK on the stack");
    const items = this.stack.slice(i + 1) as DecodedNode[];
    this.stack.length = i;
    return items;
  }

  memoGet(i: number): void {
    const v = this.memo.get(i);
    if (v === undefined) this.fail(`memo entry ${i} was never stored`);
    this.push(v);
  }

  memoPut(i: number): void {
    if (this.memo.size >= this.b.limits.maxNodes) this.fail("memo grows past the node limit");
    this.memo.set(i, this.top());
  }

  tuple(items: DecodedNode[]): DecodedNode {
    return { kind: "list", items, variant: "tuple" };
  }

  setItems(target: DecodedNode, pairs: DecodedNode[]): void {
    if (pairs.length % 2 !== 0) this.fail("SETITEMS with an odd number of items");
    const entries: MapEntry[] = [];
    for (let i = 0; i < pairs.length; i += 2)
      entries.push({ key: pairs[i]!, value: pairs[i + 1]! });
    if (target.kind === "map") pushAll(target.entries, entries);
    else if (target.kind === "object") pushAll(target.fields, entries);
    else this.fail(`SETITEM on a ${target.kind}`);
  }

  appendItems(target: DecodedNode, items: DecodedNode[]): void {
    if (target.kind === "list" && target.variant !== "tuple") pushAll(target.items, items);
    else if (target.kind === "object") {
      // A list subclass or deque: Python would call its append; we list the items as fields.
      const base = target.fields.length;
      pushAll(
        target.fields,
        items.map((value, i) => ({
          key: { kind: "int" as const, value: String(base + i) },
          value,
        })),
      );
    } else this.fail(`APPEND on a ${target.kind}`);
  }

  /** BUILD: `__setstate__` or a dict update in Python; here the state is recorded as fields. */
  build(state: DecodedNode, target: DecodedNode): void {
    if (target.kind !== "object") this.fail(`BUILD on a ${target.kind}`);
    const slots =
      state.kind === "list" && state.variant === "tuple" && state.items.length === 2
        ? state.items
        : undefined;
    const parts = slots ?? [state];
    if (parts.every((p) => p.kind === "map" || p.kind === "null")) {
      for (const p of parts) if (p.kind === "map") pushAll(target.fields, p.entries);
    } else target.state = state;
  }

  /** Reshapes the few constructors of plain data (bytes in protocols 0-2, sets) into data nodes. */
  reduce(callable: DecodedNode, args: DecodedNode): DecodedNode {
    const name = callableName(callable);
    const a = args.kind === "list" ? args.items : [];
    if (
      name === "_codecs.encode" &&
      a.length === 2 &&
      a[0]?.kind === "string" &&
      a[1]?.kind === "string" &&
      a[1].value === "latin1"
    )
      return { kind: "bytes", value: Uint8Array.from(a[0].value, (c) => c.charCodeAt(0) & 0xff) };
    if (
      /^(builtins|__builtin__)\.(set|frozenset)$/.test(name) &&
      a.length === 1 &&
      a[0]?.kind === "list"
    )
      return {
        kind: "list",
        items: [...a[0].items],
        variant: name.endsWith("frozenset") ? "frozenset" : "set",
      };
    // Protocols 0 and 1 write instances as copyreg._reconstructor(cls, base, state): name the class.
    if (/^copy_?reg\._reconstructor$/.test(name) && a[0]?.kind === "object")
      return object(a[0].className, "reduce", args);
    return object(name, "reduce", args);
  }

  run(): DecodedNode {
    const { r } = this;
    for (;;) {
      this.at = r.pos;
      const op = r.u8();
      if (op === 0x2e) {
        if (this.stack.length !== 1) this.fail(`STOP with ${this.stack.length} items on the stack`);
        return this.pop();
      }
      this.step(op);
    }
  }

  u32(): number {
    this.r.need(4);
    const v = this.r.view.getUint32(this.r.pos, true);
    this.r.pos += 4;
    return v;
  }

  sized(n: number): Uint8Array {
    this.b.announce(n, this.r.remaining, this.r.pos);
    return this.r.take(n);
  }

  u64(): number {
    this.r.need(8);
    const v = this.r.view.getBigUint64(this.r.pos, true);
    this.r.pos += 8;
    return v > BigInt(this.r.remaining)
      ? this.fail(`a length of ${v} runs past the end`)
      : Number(v);
  }

  pushText(bytes: Uint8Array): void {
    this.push(stringFromBytes(bytes), bytes.length);
  }

  pushBytes(bytes: Uint8Array): void {
    this.push({ kind: "bytes", value: bytes.slice() }, bytes.length);
  }

  lineNumber(): number {
    const at = this.r.pos;
    const t = ascii(this.r.until(0x0a));
    if (!/^[0-9]{1,10}$/.test(t)) this.r.fail(`invalid memo index "${t.slice(0, 20)}"`, at);
    return Number(t);
  }

  private step(op: number): void {
    const { r } = this;
    const v = r.view;
    switch (op) {
      case 0x80: {
        const proto = r.u8();
        if (proto > 5) this.fail(`protocol ${proto} is newer than 5`);
        return;
      }
      case 0x95: // FRAME: a size hint only
        r.need(8);
        r.pos += 8;
        return;
      case 0x28: // MARK
        this.stack.push(MARK);
        return;
      case 0x4e:
        this.push({ kind: "null" });
        return;
      case 0x88:
      case 0x89:
        this.push({ kind: "bool", value: op === 0x88 });
        return;
      case 0x49: // INT
        this.push(intLine(r, false));
        return;
      case 0x4c: // LONG
        this.push(intLine(r, true));
        return;
      case 0x4a:
        r.need(4);
        r.pos += 4;
        this.push({ kind: "int", value: String(v.getInt32(r.pos - 4, true)) });
        return;
      case 0x4b:
        this.push({ kind: "int", value: String(r.u8()) });
        return;
      case 0x4d:
        r.need(2);
        r.pos += 2;
        this.push({ kind: "int", value: String(v.getUint16(r.pos - 2, true)) });
        return;
      case 0x8a:
        this.push({ kind: "int", value: longFromBytes(this.sized(r.u8())) });
        return;
      case 0x8b:
        this.push({ kind: "int", value: longFromBytes(this.sized(this.u32())) });
        return;
      case 0x46: {
        const t = ascii(r.until(0x0a));
        const f = Number(t);
        if (Number.isNaN(f) && !/nan/i.test(t)) this.fail(`invalid float "${t.slice(0, 20)}"`);
        this.push({ kind: "float", value: f, text: t });
        return;
      }
      case 0x47:
        r.need(8);
        r.pos += 8;
        this.push({ kind: "float", value: v.getFloat64(r.pos - 8) });
        return;
      case 0x53: // STRING
        this.push(quotedLine(r));
        return;
      case 0x56: // UNICODE
        this.push(rawUnicodeLine(r));
        return;
      case 0x54: // BINSTRING (Python 2 str)
      case 0x58: // BINUNICODE
        this.pushText(this.sized(this.u32()));
        return;
      case 0x55:
      case 0x8c:
        this.pushText(this.sized(r.u8()));
        return;
      case 0x8d:
        this.pushText(this.sized(this.u64()));
        return;
      case 0x42:
        this.pushBytes(this.sized(this.u32()));
        return;
      case 0x43:
        this.pushBytes(this.sized(r.u8()));
        return;
      case 0x8e:
      case 0x96:
        this.pushBytes(this.sized(this.u64()));
        return;
      case 0x5d:
        this.push({ kind: "list", items: [] });
        return;
      case 0x29:
        this.push(this.tuple([]));
        return;
      case 0x7d:
        this.push({ kind: "map", entries: [] });
        return;
      case 0x8f:
        this.push({ kind: "list", items: [], variant: "set" });
        return;
      case 0x6c: // LIST
        this.push({ kind: "list", items: this.popMark() });
        return;
      case 0x74: // TUPLE
        this.push(this.tuple(this.popMark()));
        return;
      case 0x85:
      case 0x86:
      case 0x87: {
        const n = op - 0x84;
        const items: DecodedNode[] = [];
        for (let i = 0; i < n; i++) items.unshift(this.pop());
        this.push(this.tuple(items));
        return;
      }
      case 0x64: {
        const d: DecodedNode = { kind: "map", entries: [] };
        this.setItems(d, this.popMark());
        this.push(d);
        return;
      }
      case 0x91:
        this.push({ kind: "list", items: this.popMark(), variant: "frozenset" });
        return;
      case 0x61: {
        const item = this.pop();
        this.appendItems(this.top(), [item]);
        return;
      }
      case 0x65:
      case 0x90: {
        const items = this.popMark();
        this.appendItems(this.top(), items);
        return;
      }
      case 0x73: {
        const value = this.pop();
        const key = this.pop();
        this.setItems(this.top(), [key, value]);
        return;
      }
      case 0x75: {
        const pairs = this.popMark();
        this.setItems(this.top(), pairs);
        return;
      }
      case 0x30:
        this.pop();
        return;
      case 0x31:
        this.popMark();
        return;
      case 0x32:
        this.push(this.top());
        return;
      case 0x70: // PUT
        this.memoPut(this.lineNumber());
        return;
      case 0x71:
        this.memoPut(r.u8());
        return;
      case 0x72:
        this.memoPut(this.u32());
        return;
      case 0x94: // MEMOIZE
        this.memoPut(this.memo.size);
        return;
      case 0x67: // GET
        this.memoGet(this.lineNumber());
        return;
      case 0x68:
        this.memoGet(r.u8());
        return;
      case 0x6a:
        this.memoGet(this.u32());
        return;
      default:
        this.other(this, op);
        return;
    }
  }
}
