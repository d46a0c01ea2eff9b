import { type CachifyError, toCachifyError } from "@cachify/core";
import { exitCodeFor } from "./exit-codes.ts";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
  env: NodeJS.ProcessEnv;
  /** The first line of standard input (--password-stdin); absent: the process's own stdin. */
  readStdin?(): Promise<string>;
  /** Asks for a secret without echo (--password-prompt); absent: the process's terminal, if any. */
  promptSecret?(question: string): Promise<string>;
}

/** Prints results as exactly one JSON document (--json) or as text for people. */
export class Printer {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  result(value: unknown, human: () => string): void {
    if (this.json) this.io.out(`${JSON.stringify(value)}\n`);
    else {
      const text = human();
      if (text !== "") this.io.out(text.endsWith("\n") ? text : `${text}\n`);
    }
  }

  /** Prints an error and returns the exit code for it. */
  error(e: unknown): number {
    const err: CachifyError = toCachifyError(e);
    if (this.json) {
      this.io.err(`${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`);
    } else {
      this.io.err(`cachify: ${err.message}\n`);
    }
    if (err.code === "internal" && this.io.env.CACHIFY_DEBUG)
      this.io.err(`${(err.cause as Error)?.stack}\n`);
    return exitCodeFor(err.code);
  }
}

/** Aligns rows into columns for human output. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  "))
    .join("\n");
}
