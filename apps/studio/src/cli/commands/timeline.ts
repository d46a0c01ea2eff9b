import { badInput, type HistoryQuery } from "@cachify/core";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { type RunAction, wholeNumber } from "../run-action.ts";

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m)
    throw badInput(
      `"${text}" is not a duration: use a number and s, m, h or d (e.g. 30m, 2h, 7d).`,
    );
  return Number(m[1]) * UNITS[m[2]!]!;
}

export function registerTimelineCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("timeline")
    .description("the unified timeline: every operation (never a value) and engine events")
    .option("--since <duration>", "how far back, e.g. 30m, 2h, 7d", "24h")
    .option("--profile <name>", "only this profile")
    .option("--limit <n>", "at most N events (newest first)", wholeNumber("--limit"), 100)
    .option("--json", "print JSON")
    .action(
      run(async (p, o) => {
        const app = ctx.open();
        const query: HistoryQuery = { since: Date.now() - parseDuration(o.since), limit: o.limit };
        if (o.profile) query.profileId = app.profiles.resolve(o.profile).id;
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
