import { keyFromText } from "@cachify/core";
import type { Command } from "commander";
import { runConsoleCommand } from "../../app/console-actions.ts";
import type { CliContext } from "../context.ts";
import type { RunAction } from "../run-action.ts";
import { confirmationFrom } from "./keys.ts";

export function registerExecCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("exec <profile> <command...>")
    .usage("<profile> [--confirm NAME] -- COMMAND [ARG...]")
    .description("run a raw Redis command, classified from the server's command table")
    .option(
      "--confirm <name>",
      "the profile name, required for write/admin commands on prod (and where a guardrail setting asks for typed-name)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, command: string[], o) => {
        const app = ctx.open();
        const profile = app.profiles.resolve(name);
        const args = command.map(keyFromText);
        const r = await runConsoleCommand(
          ctx.cacheDeps(),
          profile,
          args,
          "cli",
          confirmationFrom(o),
        );
        p.result({ reply: r.reply }, () => r.text);
      }),
    );
}
