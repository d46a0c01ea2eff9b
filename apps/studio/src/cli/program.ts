import { readFileSync, writeFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.ts";
import { registerAlertCommands } from "./commands/alert.ts";
import { registerExecCommand } from "./commands/exec.ts";
import { registerHealthCommand } from "./commands/health.ts";
import { registerHistoryCommands } from "./commands/history.ts";
import { registerKeyCommands } from "./commands/keys.ts";
import { registerPolicyCommands } from "./commands/policy.ts";
import { registerProfileCommands } from "./commands/profile.ts";
import { registerRollbackCommands } from "./commands/rollback.ts";
import { registerSettingsCommands } from "./commands/settings.ts";
import { registerStudioCommand } from "./commands/studio.ts";
import { registerTimelineCommand } from "./commands/timeline.ts";
import { registerWorkflowCommands } from "./commands/workflow.ts";
import { CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";
import { makeRunAction } from "./run-action.ts";

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p, "utf8"),
  writeFile: (p, t) => writeFileSync(p, t, { mode: 0o600 }),
  env: process.env,
};

/** Builds the command tree; actions report their exit code through `setExit`. */
export function createProgram(io: CliIo, setExit: (code: number) => void) {
  const program = new Command("cachify");
  const ctx = new CliContext(io, () => program.opts());
  const run = makeRunAction(ctx, setExit);
  program
    .description(
      "Cachify Studio: Redis and Memcached, safely. Every command passes the same gate as the studio.",
    )
    .option(
      "--data-dir <dir>",
      "data folder (default: $CACHIFY_HOME, else the platform app-data folder)",
    )
    .option("--json", "print exactly one JSON document")
    .version(VERSION, "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerProfileCommands(program, ctx, run);
  registerKeyCommands(program, ctx, run);
  registerExecCommand(program, ctx, run);
  registerPolicyCommands(program, ctx, run);
  registerRollbackCommands(program, ctx, run);
  registerTimelineCommand(program, ctx, run);
  registerStudioCommand(program, ctx, run);
  registerHealthCommand(program, ctx, run, setExit);
  registerAlertCommands(program, ctx, run);
  registerWorkflowCommands(program, ctx, run, setExit);
  registerHistoryCommands(program, ctx, run);
  registerSettingsCommands(program, ctx, run);
  const override = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return { program, ctx };
}

/**
 * Runs one CLI invocation and returns its exit code (docs/design/cli.md#exit-codes); never calls
 * process.exit itself.
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const { program, ctx } = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      const ok =
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help";
      exitCode = ok ? EXIT.ok : EXIT.badInput;
    } else {
      exitCode = ctx.printer.error(e);
    }
  } finally {
    await ctx.close();
  }
  return exitCode;
}
