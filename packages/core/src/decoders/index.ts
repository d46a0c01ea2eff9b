export * from "./chain.ts";
export type * from "./format.ts";
export { decodeJava } from "./java.ts";
export { decodeJson } from "./json.ts";
export { encodeJson } from "./json-encode.ts";
export * from "./limits.ts";
export { decodeMsgpack } from "./msgpack.ts";
export { encodeMsgpack } from "./msgpack-encode.ts";
export type * from "./node.ts";
export { decodePhp } from "./php.ts";
export { encodePhp } from "./php-encode.ts";
export { decodePickle } from "./pickle.ts";
export * from "./plain-json.ts";
export { decodeProtobuf } from "./protobuf.ts";
export * from "./registry.ts";
export {
  looksLikeJava,
  looksLikeJson,
  looksLikeMsgpack,
  looksLikePhp,
  looksLikePickle,
} from "./shapes.ts";
export { decodeBase64, decodeHex, encodeBase64, encodeHex } from "./text-codecs.ts";
