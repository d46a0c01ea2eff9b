import {
  bytesFromBase64,
  type ChainResult,
  decodeChain,
  type PlainJson,
  toPlainJson,
} from "@cachify/core";
import { chainOf } from "../app/values/value-view.ts";
import { decoderRegistry } from "../composition/decoders.ts";

/** What `--view` prints with `--json`: the chain applied and the decoded value as plain JSON. */
export interface ValueView {
  chain: string[];
  value: PlainJson;
}

/**
 * `--view auto` detects the chain (`base64 › php`, ...); `--view php` or `--view base64,json`
 * applies the one given. Decoding reads the bytes only: nothing in a value is ever executed.
 */
export function viewOf(
  read: { value: string | null; valueBase64?: string },
  view: string,
): ValueView {
  const bytes =
    read.valueBase64 !== undefined
      ? bytesFromBase64(read.valueBase64)
      : new TextEncoder().encode(read.value ?? "");
  const chain = chainOf(view);
  // One process for one value: the layers run here, bounded by the decode limits.
  const r: ChainResult = decodeChain(bytes, chain, { registry: decoderRegistry() });
  return { chain: r.chain, value: toPlainJson(r.node) };
}

/** The decoded value for people: the chain, then the value as indented JSON. */
export function viewText(v: ValueView): string {
  const how = v.chain.length ? v.chain.join(" › ") : "no format recognised: the raw value";
  return `view: ${how}\n${JSON.stringify(v.value, null, 2)}`;
}
