import type { Command } from "commander";
import { PolicyService } from "../../app/policy-service.ts";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { jsonCommand, type RunAction } from "../run-action.ts";
import { confirmationFrom } from "./keys.ts";

export function registerPolicyCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const policy = program.command("policy").description("forced read-only policies");
  const service = () => {
    const app = ctx.open();
    return new PolicyService({ profiles: app.profiles, policies: app.policies, guard: app.gate });
  };

  policy
    .command("force-read-only <profiles...>")
    .description("force profiles read-only: every change is refused, whatever the profile says")
    .option("--reason <text>", "shown wherever the lock appears", "forced read-only")
    .option("--json", "print JSON")
    .action(
      run(async (p, names: string[], o) => {
        const views = service().force(names, o.reason, { origin: "cli" });
        p.result(
          { policies: views },
          () => `Forced read-only: ${views.map((v) => v.profile).join(", ")}.`,
        );
      }),
    );

  policy
    .command("clear <profiles...>")
    .description("remove the forced read-only policy (not the managed policy file's)")
    .option(
      "--confirm <name>",
      "the profile name, required to lift a lock on prod (and where a guardrail setting asks for typed-name)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, names: string[], o) => {
        const cleared = service().clear(names, {
          origin: "cli",
          confirmation: confirmationFrom(o),
        });
        p.result({ cleared }, () => `Cleared: ${cleared.join(", ")}.`);
      }),
    );

  jsonCommand(policy, "list", "list forced read-only profiles and why").action(
    run(async (p) => {
      const views = service().list();
      p.result({ policies: views }, () =>
        views.length === 0
          ? "No forced read-only policies."
          : table([
              ["PROFILE", "SOURCE", "REASON"],
              ...views.map((v) => [v.profile, v.source, v.reason]),
            ]),
      );
    }),
  );
}
