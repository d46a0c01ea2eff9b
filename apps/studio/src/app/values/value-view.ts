import {
  badInput,
  CachifyError,
  type ConnectionProfile,
  displayKey,
  naming,
  notFound,
  type PlainJson,
} from "@cachify/core";
import type { KeyActions } from "../key-actions.ts";
import { keyOut } from "../key-args.ts";

/**
 * The studio's value viewer (issue 17): a string value read through the gate as GET /key reads
 * it, then decoded by a chain (auto-detected, or the one chosen) somewhere other than the
 * caller's thread. This service only knows the function it is given; the composition root hands
 * it the codec pool's worker job, so the app layer imports no adapter.
 */

/** The raisable caps of one decode; their names are those a limit error carries in `details.limit`. */
export interface ViewLimits {
  maxOutputBytes?: number;
  maxInputBytes?: number;
  maxDepth?: number;
  maxNodes?: number;
  timeoutMs?: number;
}

export interface DecodedValue {
  chain: string[];
  value: PlainJson;
}

/** Decodes one value off the main thread: the chain given, or detection when there is none. */
export type DecodeValue = (
  bytes: Uint8Array,
  chain?: readonly string[],
  limits?: ViewLimits,
) => Promise<DecodedValue>;

/** `auto` (or nothing) means detection; otherwise the steps, `gzip,json` (`›` and `>` also separate). */
export function chainOf(view: string | undefined): string[] | undefined {
  if (view === undefined || view.trim() === "" || view.trim() === "auto") return undefined;
  return view
    .split(/[,›>]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface ValueViewDeps {
  keys: Pick<KeyActions, "read">;
  decode: DecodeValue;
  /** Every format and layer name the decoders know, in the "view as" menu's order. */
  formats: readonly string[];
}

export class ValueViewer {
  constructor(private readonly deps: ValueViewDeps) {}

  get formats(): string[] {
    return [...this.deps.formats];
  }

  async view(
    profile: ConnectionProfile,
    key: Uint8Array,
    view: string | undefined,
    limits: ViewLimits = {},
  ) {
    // A name the decoders do not know is refused before anything is read.
    const chain = chainOf(view);
    const unknown = chain?.find((name) => !this.deps.formats.includes(name));
    if (unknown !== undefined)
      throw badInput(
        `Unknown format "${unknown}": view as one of ${this.deps.formats.join(", ")}, or auto.`,
        { param: "view" },
      );
    const read = await this.deps.keys.read(profile, key);
    if (read.type === "none")
      throw notFound(`No key "${displayKey(key)}" in ${profile.name}: it may have expired.`);
    if (read.type !== "string" || read.value === undefined)
      throw badInput(
        `"${displayKey(key)}" is a ${read.type}: the viewer decodes string values; open its members one by one instead.`,
        { param: "key" },
      );
    let decoded: DecodedValue;
    try {
      decoded = await this.deps.decode(read.value, chain, limits);
    } catch (e) {
      throw viewError(e);
    }
    return {
      ...keyOut(read.key),
      type: "string" as const,
      chain: decoded.chain,
      value: decoded.value,
      formats: this.formats,
    };
  }
}

/**
 * A value the chosen chain cannot read, and a cap it hit, are the request's fault: 400 naming
 * `view` (with the decoder's `limit` kept). A decode past its deadline too: it says so, and which
 * limit raises it.
 */
function viewError(e: unknown): unknown {
  if (e instanceof CachifyError && e.code === "timeout" && e.details?.limit === "timeoutMs") {
    const ms = e.details.value;
    return new CachifyError(
      "bad-input",
      `The value took too long to decode (over ${ms} ms), so decoding was stopped; view it as raw bytes, choose a different format, or if the value is trusted raise timeoutMs.`,
      { details: { param: "view", limit: "timeoutMs", value: ms }, cause: e },
    );
  }
  return naming(e, "view");
}
