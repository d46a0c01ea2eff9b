import type { DecodeResult } from "./format.ts";
import { decodeJava } from "./java.ts";
import { decodeJson } from "./json.ts";
import { encodeJson } from "./json-encode.ts";
import { type DecodeLimits, guarded } from "./limits.ts";
import { decodeMsgpack } from "./msgpack.ts";
import { encodeMsgpack } from "./msgpack-encode.ts";
import type { DecodedNode } from "./node.ts";
import { decodePhp } from "./php.ts";
import { encodePhp } from "./php-encode.ts";
import { decodePickle } from "./pickle.ts";
import { decodeProtobuf } from "./protobuf.ts";
import {
  looksLikeJava,
  looksLikeJson,
  looksLikeMsgpack,
  looksLikePhp,
  looksLikePickle,
} from "./shapes.ts";
import {
  decodeBase64,
  decodeHex,
  encodeBase64,
  encodeHex,
  looksLikeBase64,
  looksLikeHex,
} from "./text-codecs.ts";

/**
 * Two kinds of steps make a chain: a Layer turns bytes into bytes (base64, hex here; gzip, zlib,
 * brotli, zstd, lz4, snappy from the node side, which plug in through `extraLayers`), and a
 * Format turns bytes into a tree (the last step). Keeping the compressions out of the core keeps
 * it free of node:zlib while letting them take part in detection and chains.
 */
export interface Layer {
  name: string;
  reversible: boolean;
  decode(bytes: Uint8Array, limits: DecodeLimits): Uint8Array;
  encode?(bytes: Uint8Array): Uint8Array;
  /** A cheap look at the first bytes (a magic number); true means "worth trying". */
  detect?(bytes: Uint8Array): boolean;
  /** True when a detect() hit is not enough: apply only if what comes out is recognised too. */
  needsConfirmation?: boolean;
}

export interface Format {
  name: string;
  /** The name messages use ("MessagePack" for "msgpack"). */
  label: string;
  reversible: boolean;
  decode(bytes: Uint8Array, limits: DecodeLimits): DecodeResult;
  encode?(node: DecodedNode): Uint8Array;
  detect(bytes: Uint8Array): boolean;
  /** Why there is no encoder, for the UI's "view only" note. */
  readOnlyReason?: string;
}

export const BUILTIN_FORMATS: readonly Format[] = [
  {
    name: "java",
    label: "Java serialization",
    reversible: false,
    decode: guarded("Java serialization", decodeJava),
    detect: looksLikeJava,
    readOnlyReason: "Java objects are shown, never rebuilt or loaded",
  },
  {
    name: "pickle",
    label: "pickle",
    reversible: false,
    decode: guarded("pickle", decodePickle),
    detect: looksLikePickle,
    readOnlyReason: "a pickle is only read; writing one back could call code on load",
  },
  {
    name: "php",
    label: "PHP serialize",
    reversible: true,
    decode: guarded("PHP serialize", decodePhp),
    encode: encodePhp,
    detect: looksLikePhp,
  },
  {
    name: "json",
    label: "JSON",
    reversible: true,
    decode: guarded("JSON", decodeJson),
    encode: encodeJson,
    detect: looksLikeJson,
  },
  {
    name: "msgpack",
    label: "MessagePack",
    reversible: true,
    decode: guarded("MessagePack", decodeMsgpack),
    encode: encodeMsgpack,
    detect: looksLikeMsgpack,
  },
];

/** Protobuf has no magic number: it is decoded when chosen ("view as"), never guessed. */
export const PROTOBUF: Format = {
  name: "protobuf",
  label: "protobuf",
  reversible: false,
  decode: guarded("protobuf", decodeProtobuf),
  detect: () => false,
  readOnlyReason: "without the .proto the field types are guesses",
};

export const BUILTIN_LAYERS: readonly Layer[] = [
  {
    name: "hex",
    reversible: true,
    decode: guarded("hex", decodeHex),
    encode: encodeHex,
    detect: looksLikeHex,
    needsConfirmation: true,
  },
  {
    name: "base64",
    reversible: true,
    decode: guarded("base64", decodeBase64),
    encode: encodeBase64,
    detect: looksLikeBase64,
    needsConfirmation: true,
  },
];

/** The formats and layers one studio knows: the built-in ones plus those given from outside. */
export class DecoderRegistry {
  readonly formats: Format[];
  readonly layers: Layer[];

  constructor(extraLayers: readonly Layer[] = [], extraFormats: readonly Format[] = []) {
    this.formats = [...BUILTIN_FORMATS, PROTOBUF, ...extraFormats];
    // Outside layers (the compressions) come first: their magic numbers are exact.
    this.layers = [...extraLayers, ...BUILTIN_LAYERS];
  }

  format(name: string): Format | undefined {
    return this.formats.find((f) => f.name === name);
  }

  layer(name: string): Layer | undefined {
    return this.layers.find((l) => l.name === name);
  }

  names(): string[] {
    return [...this.formats.map((f) => f.name), ...this.layers.map((l) => l.name)];
  }
}
