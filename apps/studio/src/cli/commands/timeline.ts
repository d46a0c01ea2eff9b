import {
  badInput,
  ENVIRONMENTS,
  type HistoryQuery,
  SEVERITIES,
  HISTORY_SOURCES as SOURCES,
} from "@cachify/core";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { collect, type RunAction, wholeNumber } from "../run-action.ts";

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m)
    throw badInput(
      `"${text}" is not a duration: use a number and s, m, h or d (e.g. 30m, 2h, 7d).`,
    );
  return Number(m[1]) * UNITS[m[2]!]!;
}

function oneOf<T extends string>(values: string[], allowed: readonly T[], flag: string): T[] {
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v))
      throw badInput(`${flag} "${v}" is not one of ${allowed.join(", ")}.`);
  }
  return values as T[];
}

export function registerTimelineCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("timeline")
    .description("the unified timeline: every operation (never a value) and engine events")
    .option("--since <duration>", "how far back, e.g. 30m, 2h, 7d", "24h")
    .option("--profile <name>", "only this profile")
    .option("--limit <n>", "at most N events (newest first)", wholeNumber("--limit"), 100)
    .option("--env <environment>", "only this environment (repeatable)", collect, [])
    .option(
      "--source <source>",
      `only this source: ${SOURCES.join(", ")} (repeatable)`,
      collect,
      [],
    )
    .option(
      "--severity <level>",
      `only this severity: ${SEVERITIES.join(", ")} (repeatable)`,
      collect,
      [],
    )
    .option("--search <text>", "only events whose text (kind, keys, message) contains this")
    .option("--before <id>", "the page of events before this event id (paging back)")
    .option("--json", "print JSON")
    .action(
      run(async (p, o) => {
        const app = ctx.open();
        const query: HistoryQuery = { since: Date.now() - parseDuration(o.since), limit: o.limit };
        if (o.profile) query.profileId = app.profiles.resolve(o.profile).id;
        if (o.env.length > 0) query.environments = oneOf(o.env, ENVIRONMENTS, "--env");
        if (o.source.length > 0) query.sources = oneOf(o.source, SOURCES, "--source");
        if (o.severity.length > 0) query.severities = oneOf(o.severity, SEVERITIES, "--severity");
        if (o.search) query.search = o.search;
        if (o.before) query.beforeId = o.before;
        const events = app.history.list(query).map((e) => ({
          ...e,
          profile: e.profileName,
          message:
            e.message ??
            `${e.kind}${e.keys?.length ? ` ${e.keys.join(" ")}${(e.keyCount ?? 0) > e.keys.length ? " …" : ""}` : ""} ${e.outcome ?? ""}`.trim(),
        }));
        p.result({ events }, () =>
          events.length === 0
            ? "No events in that window."
            : table([
                ["TIME", "PROFILE", "SOURCE", "SEVERITY", "WHAT"],
                ...events.map((e) => [
                  new Date(e.ts).toISOString(),
                  e.profile ?? "-",
                  e.source,
                  e.severity,
                  e.message,
                ]),
              ]),
        );
      }),
    );
}
