import { CachifyError } from "../common/errors.ts";

export function timeoutError(ms: number, what: string): CachifyError {
  return new CachifyError(
    "timeout",
    `${what} timed out after ${ms.toLocaleString("en-US")} ms (profile timeout). ` +
      "Check that the server is up and reachable, or raise the profile's timeoutMs.",
    {
      retryable: true,
      errorClass: "timeout-ambiguous",
      ambiguous: true,
      details: { timeoutMs: ms },
    },
  );
}

/**
 * Runs `work` until it settles or `ms` pass. On timeout the controller is aborted so the provider
 * drops the request (it no longer counts as pending) and the caller gets a timeout error at once.
 */
export function withTimeout<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  controller: AbortController,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = timeoutError(ms, what);
      controller.abort(err);
      reject(err);
    }, ms);
    work(controller.signal).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(controller.signal.aborted ? controller.signal.reason : e);
      },
    );
  });
}
