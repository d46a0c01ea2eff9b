import { badInput, type HealthCard } from "@cachify/core";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { table } from "../io.ts";
import { collect, type RunAction } from "../run-action.ts";

const LEVEL = { ok: 0, unknown: 0, degraded: 1, down: 2 } as const;

function line(c: HealthCard): string[] {
  return [
    c.profileName,
    c.environment,
    c.engine,
    c.health,
    c.pingMs === undefined ? "-" : `${c.pingMs.toFixed(1)} ms`,
    c.alerts.firing > 0 ? `${c.alerts.firing} firing` : "-",
    c.reasons.join("; ") || "-",
  ];
}

/**
 * `cachify health`: one PING and one INFO/stats per profile, now, through the gate (audited as CLI
 * reads); health ok/degraded/down with the reasons. The collector does not run here (it runs only
 * in `cachify studio`): alert states shown are the ones the studio last stored.
 */
export function registerHealthCommand(
  program: Command,
  ctx: CliContext,
  run: RunAction,
  setExit: (code: number) => void,
): void {
  program
    .command("health")
    .description("check every profile (or the named ones) now: ok, degraded or down, and why")
    .option("--profile <name>", "only this profile (repeatable)", collect, [])
    .option("--fail-on <level>", "exit 1 when a profile is at least this bad: degraded or down")
    .option("--json", "print JSON")
    .action(
      run(async (p, o) => {
        const failOn = o.failOn as string | undefined;
        if (failOn !== undefined && failOn !== "degraded" && failOn !== "down")
          throw badInput(`--fail-on must be degraded or down (got "${failOn}").`);
        const app = ctx.open();
        const cards = await app.observability.probe(o.profile.length ? o.profile : undefined);
        p.result({ profiles: cards }, () =>
          cards.length === 0
            ? "No profiles yet. Add one with: cachify profile add NAME --url redis://127.0.0.1:6379"
            : table([
                ["PROFILE", "ENV", "ENGINE", "HEALTH", "PING", "ALERTS", "WHY"],
                ...cards.map(line),
              ]),
        );
        if (failOn && cards.some((c) => LEVEL[c.health] >= LEVEL[failOn as "degraded" | "down"]))
          setExit(EXIT.failed);
      }),
    );
}
