import { badInput } from "@cachify/core";
import type { Command } from "commander";
import type { CliContext } from "./context.ts";
import type { Printer } from "./io.ts";

// biome-ignore lint/suspicious/noExplicitAny: commander hands actions untyped positionals and options
type Action = (printer: Printer, ...args: any[]) => Promise<void>;
// biome-ignore lint/suspicious/noExplicitAny: see above
export type RunAction = (fn: Action) => (...args: any[]) => Promise<void>;

/** Wraps a command action: picks the printer from --json, and turns errors into exit codes. */
export function makeRunAction(ctx: CliContext, setExit: (code: number) => void): RunAction {
  return (fn) =>
    async (...args) => {
      // commander passes (...positionals, options, command)
      const options = (args.at(-2) ?? {}) as { json?: boolean };
      const printer = ctx.begin(options);
      try {
        await fn(printer, ...args);
      } catch (e) {
        setExit(printer.error(e));
      }
    };
}

export const wholeNumber = (what: string) => (v: string) => {
  if (!/^-?\d+$/.test(v)) throw badInput(`${what} must be a whole number (got "${v}").`);
  return Number(v);
};

/** A repeatable option's values, in the order given (`--profile a --profile b`). */
export const collect = (v: string, all: string[] = []) => [...all, v];

/** A subcommand of `parent` that prints exactly one JSON document with --json. */
export function jsonCommand(parent: Command, spec: string, description: string): Command {
  return parent.command(spec).description(description).option("--json", "print JSON");
}
