/**
 * One error type for the whole product. Every failure carries a stable code (used by the CLI's
 * exit codes and the API's status), whether retrying can help, and a message that tells the user
 * what to do next. Stack traces are for logs, never for the user.
 */
export type ErrorCode =
  | "bad-input"
  | "not-found"
  | "conflict"
  | "read-only"
  | "confirmation-required"
  | "timeout"
  | "connection"
  | "engine"
  | "capability"
  | "storage"
  | "unauthorized"
  | "internal";

/**
 * Engine-level error classes the retry policy can name (RetryPolicy.retryOn,
 * docs/design/contracts.md#profiles-and-retry-policy).
 */
export type ErrorClass =
  | "connection"
  | "timeout-ambiguous"
  | "LOADING"
  | "TRYAGAIN"
  | "CLUSTERDOWN"
  | "MASTERDOWN"
  | "READONLY"
  | "OOM"
  | "NOPERM"
  | "BUSY"
  | "memcached-server-error"
  | "client-error";

/** Every error class, in the order the retry policy form lists them. */
export const ERROR_CLASSES: readonly ErrorClass[] = [
  "connection",
  "timeout-ambiguous",
  "LOADING",
  "TRYAGAIN",
  "CLUSTERDOWN",
  "MASTERDOWN",
  "READONLY",
  "OOM",
  "NOPERM",
  "BUSY",
  "memcached-server-error",
  "client-error",
];

export interface CachifyErrorOptions {
  retryable?: boolean;
  errorClass?: ErrorClass;
  /** True when the request may have reached the server (a repeat could apply it twice). */
  ambiguous?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class CachifyError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly errorClass: ErrorClass | undefined;
  readonly ambiguous: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: CachifyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CachifyError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.errorClass = options.errorClass;
    this.ambiguous = options.ambiguous ?? false;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: unknown } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new CachifyError("bad-input", message, details ? { details } : {});

export const notFound = (message: string) => new CachifyError("not-found", message);

/**
 * A bad-input error from a check that cannot know which request field it reads (a warm-up line
 * of uploaded content or of a file) names `param`, the field it came from; any other error, or
 * one that names its param already, is returned as it is.
 */
export function naming(e: unknown, param: string): unknown {
  if (!(e instanceof CachifyError) || e.code !== "bad-input" || e.details?.param !== undefined)
    return e;
  return new CachifyError("bad-input", e.message, {
    details: { ...e.details, param },
    retryable: e.retryable,
    cause: e.cause,
  });
}

export function isCachifyError(e: unknown): e is CachifyError {
  return e instanceof CachifyError;
}

/** Wraps anything thrown into a CachifyError without losing the original as `cause`. */
export function toCachifyError(e: unknown): CachifyError {
  if (e instanceof CachifyError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new CachifyError("internal", `Unexpected error: ${message}`, { cause: e });
}
