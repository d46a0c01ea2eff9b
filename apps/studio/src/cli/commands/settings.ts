import { FEATURE_NAMES, parseSwitch } from "@cachify/core";
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

/** `cachify settings show | set SWITCH on|off`: the V2 feature switches. */
export function registerSettingsCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const settings = program
    .command("settings")
    .description(
      `feature switches for the V2 features (${FEATURE_NAMES.join(", ")}); all off behaves like V1`,
    );

  settings
    .command("show")
    .description("the switches in force, what turning each off means, and the data folder")
    .option("--json", "print JSON")
    .action(
      run(async (p) => {
        const view = ctx.open().features.view();
        p.result(view, () => describe(view));
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
}
