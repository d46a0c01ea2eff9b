import { CachifyError } from "../common/errors.ts";

/**
 * Every decoder treats its input as hostile: these caps bound the work and memory one value can
 * cost. Their names are the user-facing option names (`--decode-max-depth` and the settings),
 * so the messages below can tell the user exactly which one to raise.
 */
export interface DecodeLimits {
  maxDepth: number;
  maxNodes: number;
  maxOutputBytes: number;
  maxInputBytes: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxDepth: 64,
  maxNodes: 1_000_000,
  maxOutputBytes: 64 * 1024 * 1024,
  maxInputBytes: 64 * 1024 * 1024,
};

const OPTION: Record<keyof DecodeLimits, string> = {
  maxDepth: "decode-max-depth",
  maxNodes: "decode-max-nodes",
  maxOutputBytes: "decode-max-output-bytes",
  maxInputBytes: "decode-max-input-bytes",
};

export function limitsWith(partial: Partial<DecodeLimits> = {}): DecodeLimits {
  return { ...DEFAULT_DECODE_LIMITS, ...partial };
}

export function limitExceeded(
  format: string,
  limit: keyof DecodeLimits,
  value: number,
  what: string,
) {
  return new CachifyError(
    "bad-input",
    `${format}: ${what} exceeds the ${limit} limit (${value}); if the value is trusted, raise it with --${OPTION[limit]}`,
    { details: { format, limit, value } },
  );
}

/** A malformed-input error that names the format and the byte offset where reading failed. */
export function malformed(format: string, offset: number, problem: string) {
  return new CachifyError("bad-input", `${format}: ${problem} at byte offset ${offset}`, {
    details: { format, offset },
  });
}

/**
 * The running totals of one decode: depth as the decoder descends, nodes and output bytes as it
 * produces them. Decoders call these at each step so a bomb stops before it costs memory.
 */
export class Budget {
  depth = 0;
  nodes = 0;
  bytes = 0;

  constructor(
    readonly format: string,
    readonly limits: DecodeLimits,
  ) {}

  checkInput(size: number): void {
    if (size > this.limits.maxInputBytes)
      throw limitExceeded(
        this.format,
        "maxInputBytes",
        this.limits.maxInputBytes,
        `input of ${size} bytes`,
      );
  }

  enter(): void {
    this.depth++;
    if (this.depth > this.limits.maxDepth)
      throw limitExceeded(this.format, "maxDepth", this.limits.maxDepth, "nesting depth");
  }

  leave(): void {
    this.depth--;
  }

  node(outputBytes = 0): void {
    this.nodes++;
    this.bytes += outputBytes;
    if (this.nodes > this.limits.maxNodes)
      throw limitExceeded(this.format, "maxNodes", this.limits.maxNodes, "number of decoded nodes");
    if (this.bytes > this.limits.maxOutputBytes)
      throw limitExceeded(
        this.format,
        "maxOutputBytes",
        this.limits.maxOutputBytes,
        "decoded size",
      );
  }

  /** Checks a count announced by the input before allocating for it (a header can lie). */
  announce(count: number, remaining: number, offset: number): void {
    if (count > remaining)
      throw malformed(this.format, offset, `a length of ${count} runs past the end`);
  }
}

/**
 * Wraps a decoder so that whatever goes wrong inside it reaches the caller as a CachifyError: a
 * stack overflow (a depth limit raised past what the stack holds) or a bug on a strange input
 * must not surface as a crash with a stack trace.
 */
export function guarded<A extends unknown[], R>(
  format: string,
  fn: (...args: A) => R,
): (...args: A) => R {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof CachifyError) throw e;
      const why =
        e instanceof RangeError
          ? "the value nests deeper than the stack allows; lower --decode-max-depth"
          : `could not read the value (${String(e)})`;
      throw new CachifyError("bad-input", `${format}: ${why}`, { details: { format }, cause: e });
    }
  };
}
