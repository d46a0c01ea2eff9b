import { CachifyError } from "../common/errors.ts";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, malformed } from "./limits.ts";
import type { DecodedNode } from "./node.ts";
import { stringFromBytes } from "./reader.ts";
import { DecoderRegistry, type Format, type Layer } from "./registry.ts";

/**
 * Applying decoders one after another (`base64 › gzip › json`), either as the user chose or as
 * detection finds. Detection is conservative: a format counts only if it reads the whole input,
 * and a text layer (base64, hex) only if what it yields is recognised in turn, so plain text that
 * happens to be valid base64 stays text. Limit errors are never swallowed by detection: a
 * decompression bomb stops the chain with its message instead of falling back to the raw bytes.
 */
export interface ChainResult {
  chain: string[];
  node: DecodedNode;
}

export interface ChainOptions {
  limits?: DecodeLimits;
  registry?: DecoderRegistry;
}

const MAX_AUTO_STEPS = 8;
const DEFAULT_REGISTRY = new DecoderRegistry();

/** The formats and layers worth trying on these bytes, in a stable order (formats first). */
export function detect(bytes: Uint8Array, registry = DEFAULT_REGISTRY): string[] {
  return [
    ...registry.formats.filter((f) => f.detect(bytes)).map((f) => f.name),
    ...registry.layers.filter((l) => l.detect?.(bytes)).map((l) => l.name),
  ];
}

const isLimitError = (e: unknown) =>
  e instanceof CachifyError && typeof e.details?.limit === "string";

function whole(format: Format, bytes: Uint8Array, limits: DecodeLimits): DecodedNode {
  const { node, consumed } = format.decode(bytes, limits);
  if (consumed !== bytes.length)
    throw malformed(
      format.label,
      consumed,
      `${bytes.length - consumed} bytes left after the value`,
    );
  return node;
}

/** The undecoded value: text when it is UTF-8, bytes otherwise. */
function raw(bytes: Uint8Array): DecodedNode {
  const s = stringFromBytes(bytes);
  return s.raw ? { kind: "bytes", value: bytes } : s;
}

export function decodeChain(
  bytes: Uint8Array,
  chain?: readonly string[],
  options: ChainOptions = {},
): ChainResult {
  const limits = options.limits ?? DEFAULT_DECODE_LIMITS;
  const registry = options.registry ?? DEFAULT_REGISTRY;
  if (chain) return explicit(bytes, chain, limits, registry);
  const steps: string[] = [];
  let current = bytes;
  outer: for (let i = 0; i < MAX_AUTO_STEPS; i++) {
    for (const name of detect(current, registry)) {
      const format = registry.format(name);
      const layer = registry.layer(name);
      try {
        if (format) return { chain: [...steps, name], node: whole(format, current, limits) };
        if (!layer) continue;
        const next = layer.decode(current, limits);
        if (layer.needsConfirmation && detect(next, registry).length === 0) continue;
        steps.push(name);
        current = next;
        continue outer;
      } catch (e) {
        if (isLimitError(e)) throw e;
      }
    }
    break;
  }
  return { chain: steps, node: raw(current) };
}

function explicit(
  bytes: Uint8Array,
  chain: readonly string[],
  limits: DecodeLimits,
  registry: DecoderRegistry,
): ChainResult {
  let current = bytes;
  for (const [i, name] of chain.entries()) {
    const layer = registry.layer(name);
    const format = registry.format(name);
    if (format && i === chain.length - 1)
      return { chain: [...chain], node: whole(format, current, limits) };
    if (!layer) throw unknownStep(name, registry, Boolean(format));
    current = layer.decode(current, limits);
  }
  return { chain: [...chain], node: raw(current) };
}

/** The inverse of a chain: the last format's encoder, then each layer's encoder in reverse. */
export function encodeChain(
  node: DecodedNode,
  chain: readonly string[],
  registry = DEFAULT_REGISTRY,
): Uint8Array {
  const last = chain[chain.length - 1];
  const format = last === undefined ? undefined : registry.format(last);
  let bytes: Uint8Array;
  if (format) {
    if (!format.encode)
      throw new CachifyError(
        "bad-input",
        `${format.name} is view-only (${format.readOnlyReason ?? "no encoder"}); save the value as raw bytes instead`,
      );
    bytes = format.encode(node);
  } else if (node.kind === "bytes") bytes = node.value;
  else if (node.kind === "string") bytes = node.raw ?? new TextEncoder().encode(node.value);
  else throw new CachifyError("bad-input", "a chain without a format encodes only text or bytes");
  const layers = format ? chain.slice(0, -1) : chain;
  for (const name of [...layers].reverse())
    bytes = encodeLayer(registry.layer(name), name, bytes, registry);
  return bytes;
}

function encodeLayer(
  layer: Layer | undefined,
  name: string,
  bytes: Uint8Array,
  registry: DecoderRegistry,
): Uint8Array {
  if (!layer) throw unknownStep(name, registry, Boolean(registry.format(name)));
  if (!layer.encode)
    throw new CachifyError(
      "bad-input",
      `${name} cannot encode; save the value as raw bytes instead`,
    );
  return layer.encode(bytes);
}

function unknownStep(name: string, registry: DecoderRegistry, isFormat: boolean): CachifyError {
  return new CachifyError(
    "bad-input",
    isFormat
      ? `${name} turns bytes into a value, so it can only be the last step of a chain`
      : `unknown decoder "${name}"; choose one of: ${registry.names().join(", ")}`,
  );
}
