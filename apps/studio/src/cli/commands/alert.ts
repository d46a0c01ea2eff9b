import {
  type AlertOp,
  type AlertRuleInput,
  badInput,
  type Environment,
  formatDuration,
  formatNumber,
  parseDurationText,
  type Severity,
} from "@cachify/core";
import type { Command } from "commander";
import type { AlertRuleView } from "../../app/observability/service.ts";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { collect, jsonCommand, type RunAction } from "../run-action.ts";

/** `<` and `>` need quoting in a shell: words work too. */
const OPS: Record<string, AlertOp> = {
  ">": ">",
  ">=": ">=",
  "<": "<",
  "<=": "<=",
  "==": "==",
  "!=": "!=",
  gt: ">",
  ge: ">=",
  lt: "<",
  le: "<=",
  eq: "==",
  ne: "!=",
};

function threshold(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n))
    throw badInput(`--threshold must be a number (got "${v}").`);
  return n;
}

function describe(r: AlertRuleView, names: Map<string, string>): string[] {
  const scope = [
    ...r.scope.environments.map((e) => `env:${e}`),
    ...r.scope.profiles.map((id) => names.get(id) ?? `${id} (removed)`),
  ];
  const firing = r.states
    .filter((s) => s.state === "firing")
    .map((s) => s.profileName ?? s.profileId);
  const pending = r.states.filter((s) => s.state === "pending").length;
  const condition =
    r.reduce === "last"
      ? `${r.metric} ${r.op} ${formatNumber(r.threshold)}`
      : `${r.reduce}(${r.metric}, ${formatDuration(r.windowMs)}) ${r.op} ${formatNumber(r.threshold)}`;
  return [
    r.name,
    r.enabled ? r.severity : "disabled",
    condition,
    r.forMs > 0 ? formatDuration(r.forMs) : "-",
    scope.join(",") || "all",
    firing.length > 0 ? `firing: ${firing.join(", ")}` : pending > 0 ? `${pending} pending` : "ok",
  ];
}

/** `cachify alert add|list|remove|enable|disable`: rules evaluated by the studio's collector. */
export function registerAlertCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const alert = program
    .command("alert")
    .description(
      "alert rules: evaluated by the running studio, notified in-app and on the desktop",
    );
  const obs = () => ctx.open().observability;

  alert
    .command("add <name>")
    .description(
      "add a rule, e.g. alert add redis-down --metric up --op lt --threshold 1 --for 30s",
    )
    .requiredOption(
      "--metric <metric>",
      "what to watch (see GET /api/observability/metrics), e.g. up, ping_ms, memory_used_ratio, app_errors",
    )
    .requiredOption("--op <op>", "> >= < <= == != (or gt ge lt le eq ne)")
    .requiredOption("--threshold <n>", "the number to compare with", threshold)
    .option("--reduce <how>", "last, avg, max or rate (per second) over the window", "last")
    .option("--window <duration>", "how far back the reduce looks, e.g. 1m (at most 1h)", "1m")
    .option("--for <duration>", "how long it must hold before firing (pending), e.g. 30s", "0s")
    .option("--repeat <duration>", "notify again this often while firing; 0s never", "4h")
    .option("--severity <s>", "info, warning, error or critical", "warning")
    .option("--profile <name>", "only this profile (repeatable)", collect, [])
    .option("--env <environment>", "every profile of this environment (repeatable)", collect, [])
    .option("--no-in-app", "no in-app notification")
    .option("--no-desktop", "no desktop notification")
    .option("--no-resolved", "no notification when it resolves")
    .option("--disabled", "add it switched off")
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, o) => {
        const op = OPS[o.op as string];
        if (!op)
          throw badInput(`--op must be one of ${Object.keys(OPS).join(" ")} (got "${o.op}").`);
        const input: AlertRuleInput = {
          name,
          metric: o.metric,
          op,
          threshold: o.threshold,
          reduce: o.reduce,
          windowMs: parseDurationText(o.window, "--window"),
          forMs: parseDurationText(o.for, "--for"),
          repeatIntervalMs: parseDurationText(o.repeat, "--repeat"),
          severity: o.severity as Severity,
          scope: { profiles: o.profile, environments: o.env as Environment[] },
          notify: { inApp: o.inApp, desktop: o.desktop },
          sendResolved: o.resolved,
          enabled: !o.disabled,
        };
        const rule = obs().addRule(input);
        p.result({ rule }, () => `Added alert rule "${rule.name}".`);
      }),
    );

  jsonCommand(
    alert,
    "list",
    "list rules with their state per profile (as the studio last stored it)",
  ).action(
    run(async (p) => {
      const rules = obs().listRules();
      const names = new Map(
        ctx
          .open()
          .profiles.list()
          .map((x) => [x.id, x.name]),
      );
      p.result({ rules }, () =>
        rules.length === 0
          ? "No alert rules. Add one with: cachify alert add NAME --metric up --op lt --threshold 1"
          : table([
              ["NAME", "SEVERITY", "CONDITION", "FOR", "SCOPE", "STATE"],
              ...rules.map((r) => describe(r, names)),
            ]),
      );
    }),
  );

  jsonCommand(alert, "remove <name>", "remove a rule (and its state)").action(
    run(async (p, name: string) => {
      const rule = obs().removeRule(name);
      p.result({ removed: rule.name }, () => `Removed alert rule "${rule.name}".`);
    }),
  );

  for (const [command, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    alert
      .command(`${command} <name>`)
      .description(`${command} a rule`)
      .option("--json", "print JSON")
      .action(
        run(async (p, name: string) => {
          const rule = obs().updateRule(name, { enabled });
          p.result(
            { rule },
            () => `Alert rule "${rule.name}" ${enabled ? "enabled" : "disabled"}.`,
          );
        }),
      );
  }
}
