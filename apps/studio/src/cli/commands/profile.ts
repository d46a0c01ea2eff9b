import { badInput, type ProfileInput, type ProfileView, parseConnectionUrl } from "@cachify/core";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { jsonCommand, type RunAction, wholeNumber } from "../run-action.ts";
import { firstLine, promptHidden, readFirstLine } from "../secret-input.ts";
import { addTlsOptions, tlsFromFlags, tlsRows, tlsSummary, warningLines } from "../tls-flags.ts";
import { confirmationFrom } from "./keys.ts";

/**
 * The password of --password-stdin (the first line of stdin) or --password-prompt (typed on the
 * terminal, not echoed): never on argv, where the shell history and the process list keep it.
 */
async function passwordFrom(
  ctx: CliContext,
  o: { passwordStdin?: boolean; passwordPrompt?: boolean; url?: string },
): Promise<string | undefined> {
  if (!o.passwordStdin && !o.passwordPrompt) return undefined;
  if (o.passwordStdin && o.passwordPrompt)
    throw badInput("Give --password-stdin or --password-prompt, not both.");
  if (o.url !== undefined && parseConnectionUrl(o.url).password !== undefined) {
    throw badInput(
      "The URL already holds a password: leave it out of --url (argv is visible to other users) and give it on stdin or at the prompt only.",
      { field: "url" },
    );
  }
  let password: string;
  if (o.passwordStdin) {
    password = firstLine(await (ctx.io.readStdin ?? (() => readFirstLine()))());
  } else {
    const prompt =
      ctx.io.promptSecret ?? (process.stdin.isTTY ? (q: string) => promptHidden(q) : undefined);
    if (!prompt) {
      throw badInput(
        "--password-prompt needs a terminal: pipe the password in with --password-stdin instead.",
      );
    }
    password = await prompt("Password: ");
  }
  if (password === "") {
    throw badInput(
      `No password was given ${o.passwordStdin ? "on stdin (its first line is empty)" : "at the prompt"}.`,
      { field: "password" },
    );
  }
  return password;
}

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
    ...tlsRows(v),
  ]);
}

/** The profile's table, then its warnings (TLS verification off...) where they cannot be missed. */
function describeWithWarnings(v: ProfileView): string {
  const warnings = warningLines(v);
  return warnings ? `${describeProfile(v)}\n${warnings}` : describeProfile(v);
}

export function registerProfileCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const profile = program.command("profile").description("manage connection profiles");

  const add = profile
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
    .option("--password-stdin", "read the password from the first line of stdin")
    .option("--password-prompt", "ask for the password on the terminal, without echo");
  addTlsOptions(add)
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, o) => {
        const input: ProfileInput = { name, url: o.url, environment: o.env };
        const tls = tlsFromFlags(o, ctx.io.readFile, undefined, o.url);
        if (tls !== undefined) input.tls = tls;
        const password = await passwordFrom(ctx, o);
        if (password !== undefined) input.password = password;
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
        // A profile added at a locked address inherits the lock: say so, not only on a refusal.
        const lock = view.forcedReadOnly ? ` It is read-only: ${view.forcedReadOnlyReason}.` : "";
        const tlsNote = view.tls ? `, TLS ${tlsSummary(view)}` : "";
        const warnings = warningLines(view);
        p.result(
          view,
          () =>
            `Added profile "${view.name}" (${view.url}, ${view.environment}${tlsNote}).${lock}${warnings ? `\n${warnings}` : ""}`,
        );
      }),
    );

  jsonCommand(profile, "list", "list profiles").action(
    run(async (p) => {
      const app = ctx.open();
      const views = app.profiles.list().map((x) => app.profiles.view(x));
      p.result({ profiles: views }, () =>
        views.length === 0
          ? "No profiles yet. Add one: cachify profile add NAME --url redis://127.0.0.1:6379"
          : table([
              ["NAME", "ENV", "ACCESS", "TLS", "URL"],
              ...views.map((v) => [
                v.name,
                v.environment,
                v.forcedReadOnly ? "read-only (forced)" : v.readOnly ? "read-only" : "read-write",
                tlsSummary(v),
                v.url,
              ]),
            ]),
      );
    }),
  );

  jsonCommand(profile, "show <name>", "show one profile (never its password)").action(
    run(async (p, name: string) => {
      const app = ctx.open();
      const view = app.profiles.view(app.profiles.resolve(name));
      p.result(view, () => describeWithWarnings(view));
    }),
  );

  const edit = profile
    .command("edit <name>")
    .description(
      "change a profile; lowering its environment, turning read-only off or moving a prod profile needs --confirm NAME on prod",
    )
    .option("--rename <new>", "a new name (its locks follow it)")
    .option("--url <url>", "a new address (redis://..., memcached://...)")
    .option("--env <environment>", "dev, staging or prod")
    .option("--read-only", "refuse every change on this profile")
    .option("--no-read-only", "allow changes again")
    .option("--timeout-ms <n>", "operation timeout in ms", wholeNumber("--timeout-ms"))
    .option("--password-stdin", "read a new password from the first line of stdin")
    .option("--password-prompt", "ask for a new password on the terminal, without echo");
  addTlsOptions(edit, true)
    .option("--confirm <name>", "the profile name, where the change needs it typed")
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, o) => {
        const input: ProfileInput = {};
        if (o.rename !== undefined) input.name = o.rename;
        if (o.url !== undefined) input.url = o.url;
        if (o.env !== undefined) input.environment = o.env;
        if (o.readOnly !== undefined) input.readOnly = o.readOnly;
        if (o.timeoutMs !== undefined) input.timeoutMs = o.timeoutMs;
        const password = await passwordFrom(ctx, o);
        if (password !== undefined) input.password = password;
        const app = ctx.open();
        const tls = tlsFromFlags(o, ctx.io.readFile, app.profiles.resolve(name).tls, o.url);
        if (tls !== undefined) input.tls = tls;
        if (Object.keys(input).length === 0)
          throw badInput(
            "Nothing to change: give --rename, --url, --env, --read-only, --tls-ca, ... .",
          );
        const view = app.profiles.view(
          app.profiles.update(name, input, { origin: "cli", confirmation: confirmationFrom(o) }),
        );
        p.result(view, () => `Changed profile "${view.name}".\n${describeWithWarnings(view)}`);
      }),
    );

  profile
    .command("remove <name>")
    .description("remove a profile (a prod one needs --confirm NAME)")
    .option("--confirm <name>", "the profile name, to remove a prod profile")
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, o) => {
        const removed = await ctx
          .open()
          .profiles.remove(name, { origin: "cli", confirmation: confirmationFrom(o) });
        p.result({ removed: removed.name }, () => `Removed profile "${removed.name}".`);
      }),
    );

  profile
    .command("import <file>")
    .description(
      "import a Cachify Studio export (any version), a RedisInsight or Another Redis Desktop Manager export, or a URL list (all or nothing)",
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
        // Views only for --json (a big import names its first profiles and counts the rest).
        p.result(p.json ? { imported: app.profiles.views(imported) } : undefined, () => {
          const names = imported.slice(0, 20).map((x) => x.name);
          const more = imported.length - names.length;
          return `Imported ${imported.length} profile(s): ${names.join(", ")}${more > 0 ? ` and ${more} more` : ""}.`;
        });
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
