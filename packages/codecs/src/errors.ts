import { CachifyError } from "@cachify/core";

/**
 * The messages a user sees when a value is refused. They follow the core decoders' wording and
 * details (`{ format, limit, value }`, packages/core/src/decoders/limits.ts) so the studio shows
 * one kind of message whichever layer stopped: which limit, its value, and the option raising it.
 */
const OPTION = {
  maxOutputBytes: "decode-max-output-bytes",
  maxInputBytes: "decode-max-input-bytes",
  timeoutMs: "decode-timeout-ms",
} as const;

function human(bytes: number): string {
  const MiB = 1024 * 1024;
  return bytes >= MiB ? `${bytes} bytes, ${+(bytes / MiB).toFixed(1)} MiB` : `${bytes} bytes`;
}

function limitError(
  format: string,
  limit: keyof typeof OPTION,
  value: number,
  what: string,
  shown: string,
) {
  return new CachifyError(
    limit === "timeoutMs" ? "timeout" : "bad-input",
    `${format}: ${what} exceeds the ${limit} limit (${shown}) and decoding stopped there; ` +
      `if the value is trusted, raise it with --${OPTION[limit]}`,
    { details: { format, limit, value } },
  );
}

export function outputCapError(layer: string, limit: number): CachifyError {
  return limitError(layer, "maxOutputBytes", limit, "decoded size", human(limit));
}

/** zstd: a frame asks for a history window larger than the cap (the decoder allocates it first). */
export function windowCapError(layer: string, window: number, limit: number): CachifyError {
  return limitError(
    layer,
    "maxOutputBytes",
    limit,
    `the frame's window of ${window} bytes`,
    human(limit),
  );
}

export function inputCapError(layer: string, size: number, limit: number): CachifyError {
  return limitError(layer, "maxInputBytes", limit, `input of ${size} bytes`, human(limit));
}

export function timeoutError(layer: string, ms: number): CachifyError {
  return limitError(layer, "timeoutMs", ms, "decoding time", `${ms} ms`);
}

export function corruptError(layer: string, why: string, cause?: unknown): CachifyError {
  return new CachifyError("bad-input", `${layer}: not valid ${layer} data (${why})`, {
    details: { format: layer },
    cause,
  });
}
