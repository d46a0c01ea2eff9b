import type { DecodeResult } from "./format.ts";
import {
  BASE_HANDLE,
  type ClassDesc,
  type FieldDesc,
  hierarchy,
  modifiedUtf8,
  primitive,
  SC,
  TC,
  utf,
} from "./java-stream.ts";
import { Budget, DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./limits.ts";
import type { DecodedNode, MapEntry } from "./node.ts";
import { pushAll, Reader } from "./reader.ts";

/**
 * Java serialization (`AC ED 00 05`) shown as a structure and nothing more: class descriptors
 * are read as names and field lists, no class is loaded, no readObject runs. Custom data a class
 * writes itself (HashMap's entries, ArrayList's elements) appears as the object's `state`: a list
 * of its block-data bytes and the objects between them, in stream order. Every object or array
 * met a second time is a `reference` to its handle.
 */
const FORMAT = "Java serialization";
type Handle = DecodedNode | ClassDesc;

export function decodeJava(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodeResult {
  const b = new Budget(FORMAT, limits);
  b.checkInput(bytes.length);
  const r = new Reader(bytes, FORMAT);
  if (r.u8() !== 0xac || r.u8() !== 0xed) r.fail("missing the AC ED magic", 0);
  r.need(2);
  if (r.view.getUint16(r.pos) !== 5) r.fail("stream version is not 5");
  r.pos += 2;
  const s = new JavaStream(r, b);
  const items: DecodedNode[] = [];
  while (r.remaining > 0) items.push(s.content());
  if (items.length === 0) r.fail("the stream holds no object");
  return { node: items.length === 1 ? items[0]! : { kind: "list", items }, consumed: r.pos };
}

const isDesc = (h: Handle | undefined): h is ClassDesc => h !== undefined && "flags" in h;

class JavaStream {
  handles: Handle[] = [];

  constructor(
    readonly r: Reader,
    readonly b: Budget,
  ) {}

  newHandle(h: Handle): number {
    this.handles.push(h);
    return this.handles.length - 1;
  }

  /** Reads a handle and returns what it names, with its number (references show the number). */
  handle(): [Handle, number] {
    const at = this.r.pos;
    this.r.need(4);
    const h = this.r.view.getInt32(this.r.pos) - BASE_HANDLE;
    this.r.pos += 4;
    const v = this.handles[h];
    if (v === undefined) this.r.fail(`reference to handle ${h} that does not exist`, at);
    return [v, h + BASE_HANDLE];
  }

  /** A top-level or annotation item: an object, or a block of raw data. */
  content(): DecodedNode {
    const t = this.r.peek();
    if (t === TC.BLOCKDATA || t === TC.BLOCKDATALONG) return this.blockData();
    return this.object();
  }

  blockData(): DecodedNode {
    const { r } = this;
    const long = r.u8() === TC.BLOCKDATALONG;
    r.need(long ? 4 : 1);
    const n = long ? r.view.getInt32(r.pos) : r.view.getUint8(r.pos);
    r.pos += long ? 4 : 1;
    if (n < 0) r.fail("negative block length");
    this.b.announce(n, r.remaining, r.pos);
    this.b.node(n);
    return { kind: "bytes", value: r.take(n).slice() };
  }

  /** Items up to TC_ENDBLOCKDATA: class annotations and what writeObject wrote. */
  annotation(): DecodedNode[] {
    const items: DecodedNode[] = [];
    while (this.r.peek() !== TC.ENDBLOCKDATA) items.push(this.content());
    this.r.pos++;
    return items;
  }

  object(): DecodedNode {
    const { r, b } = this;
    const at = r.pos;
    const t = r.u8();
    b.node();
    switch (t) {
      case TC.NULL:
        return { kind: "null" };
      case TC.REFERENCE: {
        const [h, id] = this.handle();
        if (isDesc(h))
          return { kind: "object", className: "java.lang.Class", fields: [field("name", h.name)] };
        if (h.kind === "string") return h;
        h.ref = id;
        return { kind: "reference", target: id };
      }
      case TC.STRING:
      case TC.LONGSTRING:
        return this.string(t);
      case TC.OBJECT:
        return this.nested(() => this.newObject());
      case TC.ARRAY:
        return this.nested(() => this.newArray());
      case TC.ENUM: {
        const desc = this.classDesc();
        const node: DecodedNode = { kind: "enum", className: desc?.name ?? "?", name: "" };
        this.newHandle(node);
        const name = this.object();
        node.name = name.kind === "string" ? name.value : "?";
        return node;
      }
      case TC.CLASS: {
        const desc = this.classDesc();
        const node: DecodedNode = {
          kind: "object",
          className: "java.lang.Class",
          fields: [field("name", desc?.name ?? "?")],
        };
        this.newHandle(node);
        return node;
      }
      case TC.RESET:
        this.handles = [];
        return this.object();
      case TC.CLASSDESC:
      case TC.PROXYCLASSDESC:
        r.pos = at;
        return {
          kind: "object",
          className: "java.io.ObjectStreamClass",
          fields: [field("name", this.classDesc()?.name ?? "?")],
        };
      case TC.EXCEPTION:
        return r.fail("the stream records an exception thrown while writing", at);
      default:
        return r.fail(`unknown type code 0x${t.toString(16)}`, at);
    }
  }

  nested(read: () => DecodedNode): DecodedNode {
    this.b.enter();
    const node = read();
    this.b.leave();
    return node;
  }

  string(t: number): DecodedNode {
    const { r, b } = this;
    let n: number;
    if (t === TC.LONGSTRING) {
      r.need(8);
      const big = r.view.getBigInt64(r.pos);
      r.pos += 8;
      if (big < 0n || big > BigInt(r.remaining)) r.fail(`a length of ${big} runs past the end`);
      n = Number(big);
    } else {
      r.need(2);
      n = r.view.getUint16(r.pos);
      r.pos += 2;
    }
    b.announce(n, r.remaining, r.pos);
    b.node(n);
    const node: DecodedNode = { kind: "string", value: modifiedUtf8(r, n) };
    this.newHandle(node);
    return node;
  }

  classDesc(): ClassDesc | undefined {
    const { r, b } = this;
    const at = r.pos;
    const t = r.u8();
    if (t === TC.NULL) return undefined;
    if (t === TC.REFERENCE) {
      const [h] = this.handle();
      if (!isDesc(h)) return r.fail("a reference where a class descriptor belongs", at);
      return h;
    }
    b.enter();
    let desc: ClassDesc;
    if (t === TC.CLASSDESC) {
      const name = utf(r, b);
      r.need(9);
      r.pos += 8; // serialVersionUID: shown by nobody, needed by nothing here
      desc = { name, flags: 0, fields: [], superClass: undefined };
      this.newHandle(desc);
      desc.flags = r.u8();
      r.need(2);
      const count = r.view.getUint16(r.pos);
      r.pos += 2;
      b.announce(count, r.remaining, r.pos);
      for (let i = 0; i < count; i++) desc.fields.push(this.fieldDesc());
    } else if (t === TC.PROXYCLASSDESC) {
      desc = { name: "<proxy>", flags: SC.SERIALIZABLE, fields: [], superClass: undefined };
      this.newHandle(desc);
      r.need(4);
      const count = r.view.getInt32(r.pos);
      r.pos += 4;
      b.announce(count, r.remaining, r.pos);
      const names = Array.from({ length: count }, () => utf(r, b));
      desc.name = `<proxy ${names.join(", ")}>`;
    } else return r.fail(`expected a class descriptor, found type code 0x${t.toString(16)}`, at);
    this.annotation();
    desc.superClass = this.classDesc();
    b.leave();
    return desc;
  }

  fieldDesc(): FieldDesc {
    const { r, b } = this;
    const type = String.fromCharCode(r.u8());
    const name = utf(r, b);
    if (type !== "L" && type !== "[") return { type, name };
    const cls = this.object();
    return { type, name, className: cls.kind === "string" ? cls.value : "?" };
  }

  newObject(): DecodedNode {
    const { r } = this;
    const desc = this.classDesc();
    if (!desc) return r.fail("an object without a class descriptor");
    const node: DecodedNode = { kind: "object", className: desc.name, fields: [] };
    this.newHandle(node);
    const custom: DecodedNode[] = [];
    for (const d of hierarchy(desc)) {
      if (d.flags & SC.EXTERNALIZABLE) {
        if (!(d.flags & SC.BLOCK_DATA))
          r.fail(
            `${d.name} uses the old externalizable format, which cannot be read without the class`,
          );
        pushAll(custom, this.annotation());
        continue;
      }
      for (const f of d.fields)
        node.fields.push({ key: { kind: "string", value: f.name }, value: this.fieldValue(f) });
      if (d.flags & SC.WRITE_METHOD) pushAll(custom, this.annotation());
    }
    if (custom.length > 0) node.state = collectionView(desc.name, custom);
    return node;
  }

  fieldValue(f: FieldDesc): DecodedNode {
    this.b.node();
    return f.type === "L" || f.type === "[" ? this.object() : primitive(this.r, f.type);
  }

  newArray(): DecodedNode {
    const { r, b } = this;
    const desc = this.classDesc();
    if (!desc) return r.fail("an array without a class descriptor");
    const node: DecodedNode = { kind: "list", items: [], variant: "array", className: desc.name };
    this.newHandle(node);
    r.need(4);
    const n = r.view.getInt32(r.pos);
    r.pos += 4;
    if (n < 0) r.fail("negative array length");
    b.announce(n, r.remaining, r.pos);
    const element = desc.name.charAt(1);
    for (let i = 0; i < n; i++) node.items.push(this.fieldValue({ type: element, name: "" }));
    return node;
  }
}

/**
 * The java.util collections write a size block and then their elements (maps: key, value, ...).
 * When the custom data has exactly that shape it is shown as the map or list it holds; anything
 * else stays the list of blocks and objects as written.
 */
function collectionView(className: string, custom: DecodedNode[]): DecodedNode {
  const [head, ...rest] = custom;
  const shaped =
    className.startsWith("java.util.") &&
    head?.kind === "bytes" &&
    rest.every((n) => n.kind !== "bytes");
  if (shaped && /(Map|Hashtable)$/.test(className) && rest.length % 2 === 0) {
    const entries: MapEntry[] = [];
    for (let i = 0; i < rest.length; i += 2) entries.push({ key: rest[i]!, value: rest[i + 1]! });
    return { kind: "map", entries };
  }
  if (shaped && /(List|Set|Deque)$/.test(className))
    return {
      kind: "list",
      items: rest,
      ...(className.endsWith("Set") ? { variant: "set" as const } : {}),
    };
  return { kind: "list", items: custom };
}

function field(name: string, value: string): MapEntry {
  return { key: { kind: "string", value: name }, value: { kind: "string", value } };
}
