import type { ErrorCode } from "@cachify/core";

/** The exit codes of docs/design/cli.md#exit-codes: a public interface, keep them stable. */
export const EXIT = {
  ok: 0,
  failed: 1,
  badInput: 2,
  refusedByPolicy: 3,
  confirmation: 4,
  timeout: 5,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case "bad-input":
    case "not-found":
    case "conflict":
      return EXIT.badInput;
    case "read-only":
      return EXIT.refusedByPolicy;
    case "confirmation-required":
      return EXIT.confirmation;
    case "timeout":
      return EXIT.timeout;
    default:
      return EXIT.failed;
  }
}
