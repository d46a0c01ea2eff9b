import { badInput, type ProfileInput, type ProfileView } from "@cachify/core";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { type RunAction, wholeNumber } from "../run-action.ts";

function describeProfile(v: ProfileView): string {
  const lock = v.forcedReadOnly
    ? `read-only (${v.forcedReadOnlyReason})`
    : v.readOnly
      ? "read-only"
      : "read-write";
  const retry =
    v.retry.maxAttempts > 1 ? `${v.retry.maxAttempts} attempts, ${v.retry.backoff}` : "off";
  return table([
    ["name", v.name],
    ["url", v.url],
    ["engine", `${v.engine} (${v.mode})`],
    ["environment", v.environment],
    ["access", lock],
    ["timeout", `${v.timeoutMs} ms`],
    ["retry", retry],
    ["password", v.hasPassword ? "set (hidden)" : "none"],
  ]);
}

export function registerProfileCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const profile = program.command("profile").description("manage connection profiles");

  profile
    .command("add <name>")
    .description("add a connection profile")
    .requiredOption(
      "--url <url>",
      "redis://, rediss://, redis+cluster://, redis+sentinel:// or memcached:// URL",
    )
    .option("--env <environment>", "dev, staging or prod", "dev")
    .option("--read-only", "refuse every change on this profile")
    .option(
      "--timeout-ms <n>",
      "operation timeout in ms (default 5000)",
      wholeNumber("--timeout-ms"),
    )
    .option(
      "--retry-attempts <n>",
      "attempts including the first (1 = no retry)",
      wholeNumber("--retry-attempts"),
    )
    .option("--retry-backoff <kind>", "constant or exponential")
    .option("--retry-delay-ms <n>", "first retry delay in ms", wholeNumber("--retry-delay-ms"))
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, o) => {
        const input: ProfileInput = { name, url: o.url, environment: o.env };
        if (o.readOnly) input.readOnly = true;
        if (o.timeoutMs !== undefined) input.timeoutMs = o.timeoutMs;
        if (
          o.retryAttempts !== undefined ||
          o.retryBackoff !== undefined ||
          o.retryDelayMs !== undefined
        ) {
          input.retry = {
            ...(o.retryAttempts !== undefined ? { maxAttempts: o.retryAttempts } : {}),
            ...(o.retryBackoff !== undefined ? { backoff: o.retryBackoff } : {}),
            ...(o.retryDelayMs !== undefined ? { initialDelayMs: o.retryDelayMs } : {}),
          };
        }
        const app = ctx.open();
        const view = app.profiles.view(app.profiles.create(input));
        p.result(view, () => `Added profile "${view.name}" (${view.url}, ${view.environment}).`);
      }),
    );

  profile
    .command("list")
    .description("list profiles")
    .option("--json", "print JSON")
    .action(
      run(async (p) => {
        const app = ctx.open();
        const views = app.profiles.list().map((x) => app.profiles.view(x));
        p.result({ profiles: views }, () =>
          views.length === 0
            ? "No profiles yet. Add one: cachify profile add NAME --url redis://127.0.0.1:6379"
            : table([
                ["NAME", "ENV", "ACCESS", "URL"],
                ...views.map((v) => [
                  v.name,
                  v.environment,
                  v.forcedReadOnly ? "read-only (forced)" : v.readOnly ? "read-only" : "read-write",
                  v.url,
                ]),
              ]),
        );
      }),
    );

  profile
    .command("show <name>")
    .description("show one profile (never its password)")
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string) => {
        const app = ctx.open();
        const view = app.profiles.view(app.profiles.resolve(name));
        p.result(view, () => describeProfile(view));
      }),
    );

  profile
    .command("remove <name>")
    .description("remove a profile")
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string) => {
        const removed = await ctx.open().profiles.remove(name);
        p.result({ removed: removed.name }, () => `Removed profile "${removed.name}".`);
      }),
    );

  profile
    .command("import <file>")
    .description(
      "import a V1 or current export, a RedisInsight or Another Redis Desktop Manager export, or a URL list (all or nothing)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, file: string) => {
        let text: string;
        try {
          text = ctx.io.readFile(file);
        } catch (e) {
          throw badInput(`Cannot read ${file}: ${(e as Error).message}`);
        }
        const app = ctx.open();
        const imported = app.profiles.importFile(text);
        p.result(
          { imported: imported.map((x) => app.profiles.view(x)) },
          () =>
            `Imported ${imported.length} profile(s): ${imported.map((x) => x.name).join(", ")}.`,
        );
      }),
    );

  profile
    .command("export [file]")
    .description("export profiles (secrets left out unless --include-secrets)")
    .option("--include-secrets", "include passwords and TLS keys")
    .action(
      run(async (p, file: string | undefined, o) => {
        const text = ctx.open().profiles.exportFile(Boolean(o.includeSecrets));
        if (file) {
          ctx.io.writeFile(file, text);
          if (!p.json)
            ctx.io.err(`Exported to ${file}${o.includeSecrets ? " (with secrets)" : ""}.\n`);
        } else ctx.io.out(text);
      }),
    );
}
