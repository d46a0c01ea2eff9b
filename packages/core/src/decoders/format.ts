import type { DecodedNode } from "./node.ts";

/** What a decoder returns: the tree and how many input bytes it read (the rest is not its). */
export interface DecodeResult {
  node: DecodedNode;
  consumed: number;
}

export type FormatName =
  | "json"
  | "msgpack"
  | "php"
  | "pickle"
  | "java"
  | "protobuf"
  | "base64"
  | "hex";
