import {
  FEATURE_NAMES,
  GUARD_LEVELS,
  GUARDRAIL_ACTIONS,
  GUARDRAIL_ENVIRONMENTS,
  type GuardrailsView,
  guardrailsView,
  parseSwitch,
} from "@cachify/core";
import type { Command } from "commander";
import type { FeaturesView } from "../../app/feature-service.ts";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import type { RunAction } from "../run-action.ts";

function describe(v: FeaturesView): string {
  const rows = FEATURE_NAMES.map((name) => {
    const on = v.features[name];
    const state = on ? "on" : v.overrides[name] && v.saved[name] ? "off (override)" : "off";
    return [name, state, on ? v.info[name].label : `off: ${v.info[name].off}`];
  });
  const notes = FEATURE_NAMES.flatMap((n) => (v.overrides[n] ? [`${n}: ${v.overrides[n]}`] : []));
  return [
    table([["SWITCH", "STATE", "WHAT IT DOES"], ...rows]),
    ...notes,
    `Data folder: ${v.dataDir}`,
  ].join("\n");
}

/** The guardrail levels per environment, prod marked fixed with the reason. */
function describeGuardrails(g: GuardrailsView): string {
  const rows = GUARDRAIL_ENVIRONMENTS.map((env) => [
    env,
    g.levels[env].destructive,
    `${g.levels[env].raw}${g.fixed[env] ? "  (fixed)" : ""}`,
  ]);
  return [
    "Guardrails (confirmation per environment; typed-name: type the profile name):",
    table([["ENVIRONMENT", "DESTRUCTIVE", "RAW WRITE/ADMIN"], ...rows]),
    ...GUARDRAIL_ENVIRONMENTS.flatMap((env) => (g.fixed[env] ? [`${env}: ${g.fixed[env]}`] : [])),
  ].join("\n");
}

/**
 * `cachify settings show | set SWITCH on|off | guardrail ENV ACTION LEVEL`: the V2 feature
 * switches and the guardrail levels per environment.
 */
export function registerSettingsCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const settings = program
    .command("settings")
    .description(
      `feature switches (${FEATURE_NAMES.join(", ")}; each can be turned off) and guardrail levels per environment`,
    );

  settings
    .command("show")
    .description(
      "the switches in force, what turning each off means, the guardrail levels and the data folder",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p) => {
        const app = ctx.open();
        const view = app.features.view();
        const guardrails = guardrailsView(app.store.guardrails.get());
        p.result({ ...view, guardrails }, () =>
          [describe(view), "", describeGuardrails(guardrails)].join("\n"),
        );
      }),
    );

  settings
    .command("set <switch> <state>")
    .description(
      "turn a switch on or off, e.g. settings set snapshots off (a running studio follows within a second)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, state: string) => {
        const features = ctx.open().features;
        // Validated as the API does: an unknown switch or a state other than on/off is exit 2.
        const view = features.update({ [name]: parseSwitch(name, state) });
        p.result(view, () => {
          const known = name as (typeof FEATURE_NAMES)[number];
          const line = `${name}: ${view.saved[known] ? "on" : "off"} (saved in ${view.dataDir}).`;
          const held = view.overrides[known];
          return held && view.saved[known] ? `${line}\nBut ${held}` : line;
        });
      }),
    );

  settings
    .command("guardrail <environment> <action> <level>")
    .description(
      `the confirmation an environment asks for: ${GUARDRAIL_ENVIRONMENTS.filter((e) => e !== "prod").join("|")} ${GUARDRAIL_ACTIONS.join("|")} ${GUARD_LEVELS.join("|")}, e.g. settings guardrail dev destructive typed-name (prod is always typed-name)`,
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, environment: string, action: string, level: string) => {
        // Validated as the API does: an unknown environment, action or level, or prod lowered, is exit 2.
        const levels = ctx.open().store.guardrails.update({ [environment]: { [action]: level } });
        const view = guardrailsView(levels);
        p.result(view, () => {
          const env = environment as (typeof GUARDRAIL_ENVIRONMENTS)[number];
          const a = action as (typeof GUARDRAIL_ACTIONS)[number];
          return `${environment} ${action}: ${view.levels[env][a]} (saved in ${ctx.dataDir}; a running studio follows within a second).`;
        });
      }),
    );
}
