/**
 * The tree every decoder produces and the UI and CLI render. One shape for all formats so a
 * viewer needs no per-format code: a PHP array, a msgpack map and a pickled dict are all `map`
 * nodes whose keys are nodes themselves (PHP and msgpack keys need not be strings).
 */

/** Set on a node another part of the value points at (PHP `r:`/`R:`, pickle memo, Java handle). */
interface Base {
  ref?: number;
}

export type DecodedNode =
  | (Base & { kind: "null" })
  | (Base & { kind: "bool"; value: boolean })
  /** Decimal text, so 64-bit and bigger integers stay exact whatever their size. */
  | (Base & { kind: "int"; value: string })
  /** `text` keeps the source spelling (`1.50`, `INF`) so a re-encode gives the same bytes. */
  | (Base & { kind: "float"; value: number; text?: string; bits?: 32 | 64 })
  /** `raw` is present when the bytes are not valid UTF-8 (PHP strings are byte strings). */
  | (Base & { kind: "string"; value: string; raw?: Uint8Array })
  | (Base & { kind: "bytes"; value: Uint8Array })
  | (Base & {
      kind: "list";
      items: DecodedNode[];
      /** Python tuples and sets, Java arrays: lists the source told apart. */
      variant?: "tuple" | "set" | "frozenset" | "array";
      /** A Java array's type descriptor ("[I", "[Ljava.lang.String;"). */
      className?: string;
    })
  | (Base & { kind: "map"; entries: MapEntry[] })
  | (Base & ObjectNode)
  | (Base & { kind: "enum"; className: string; name: string })
  /** A pointer to the node whose `ref` is `target`; shown, never followed (cycles stay finite). */
  | (Base & { kind: "reference"; target: number; flavor?: "value" | "object" })
  /** MessagePack extension types: the type code and its payload, kept as they are. */
  | (Base & { kind: "ext"; type: number; value: Uint8Array })
  /** Something the decoder could read past but not show (an unknown wire type, a truncated part). */
  | (Base & { kind: "unknown"; reason: string; value?: Uint8Array });

export interface MapEntry {
  key: DecodedNode;
  value: DecodedNode;
}

/**
 * A class instance shown as data: PHP `O:`/`C:`, a Java object, a pickle GLOBAL / REDUCE / NEWOBJ /
 * BUILD. `construct` says how the source would have built it; nothing here ever builds it.
 */
export interface ObjectNode {
  kind: "object";
  className: string;
  fields: MapEntry[];
  construct?: "global" | "reduce" | "newobj" | "inst" | "custom" | "persistent" | "extension";
  /** Arguments of the callable (pickle REDUCE / NEWOBJ). */
  args?: DecodedNode;
  /** State given to BUILD when it is not a plain dict of fields. */
  state?: DecodedNode;
  /** Opaque payload (PHP `C:` custom serialization, Java block data). */
  raw?: Uint8Array;
}

export type NodeKind = DecodedNode["kind"];
