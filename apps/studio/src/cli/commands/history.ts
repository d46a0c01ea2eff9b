import { formatDiff, paramsFromPairs, policyFromPairs } from "@cachify/core";
import type { Command } from "commander";
import { executionSummary, executionView } from "../../app/workflows/views.ts";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { collect, type RunAction, wholeNumber } from "../run-action.ts";
import { previewPageOptions, printPlanPage } from "./workflow.ts";

const time = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : "-");

export function registerHistoryCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const h = program.command("history").description("workflow executions: list, show, rerun");

  h.command("list")
    .description("list workflow executions, newest first")
    .option("--profile <name>", "only this profile's")
    .option("--limit <n>", "at most this many (default 50)", wholeNumber("--limit"), 50)
    .option("--json", "print JSON")
    .action(
      run(async (p, o) => {
        const app = ctx.open();
        const profileId = o.profile ? app.profiles.resolve(o.profile).id : undefined;
        const list = app.workflows.executions({
          ...(profileId ? { profileId } : {}),
          limit: o.limit,
        });
        const executions = list.map(executionSummary);
        p.result({ executions }, () =>
          executions.length === 0
            ? "No workflow executions yet."
            : table([
                [
                  "execution",
                  "template",
                  "profile",
                  "status",
                  "processed",
                  "failed",
                  "started",
                  "parent",
                ],
                ...executions.map((e) => [
                  e.executionId,
                  e.template,
                  e.profile,
                  e.status,
                  String(e.processed),
                  String(e.failed),
                  time(e.startedAt),
                  e.parentExecutionId ?? "",
                ]),
              ]),
        );
      }),
    );

  h.command("show <executionId>")
    .description("an execution's timeline: steps, attempts, errors, counts")
    .option("--attempts <n>", "attempts to list (default 200)", wholeNumber("--attempts"), 200)
    .option("--errors", "list only the attempts that failed")
    .option("--json", "print JSON")
    .action(
      run(async (p, id: string, o) => {
        const t = ctx.open().workflows.timeline(id, {
          limit: o.attempts,
          ...(o.errors ? { errorsOnly: true } : {}),
        });
        const view = executionView(t.execution, t.attempts);
        p.result(view, () => {
          const r = t.execution;
          return [
            `Execution ${r.executionId} (plan ${r.planId}): ${r.template.name} v${r.template.version} on "${r.profileName}" (${r.environment})`,
            `status ${r.status} · planned ${r.planned} · changed ${r.applied} · no longer needed ${r.skipped} · failed ${r.failed}`,
            `started ${time(r.startedAt)} · ended ${time(r.endedAt)}`,
            ...(r.parentExecutionId ? [`${r.rerunKind} of ${r.parentExecutionId}`] : []),
            ...(r.paramsDiff?.length ? [`changed params:\n${formatDiff(r.paramsDiff)}`] : []),
            ...(r.abortReason ? [`reason: ${r.abortReason}`] : []),
            `params: ${JSON.stringify(r.params)}`,
            "steps:",
            ...r.steps.map(
              (s) =>
                `  ${s.name}: ${s.status} · ${s.batches} batches · ${s.attempts} attempts (${s.retries} retries)${s.message ? ` · ${s.message}` : ""}`,
            ),
            ...(t.attempts.length
              ? [
                  "attempts:",
                  table(
                    t.attempts.map((a) => [
                      `  batch ${a.batch + 1}`,
                      `#${a.attempt}`,
                      a.outcome,
                      `${a.end - a.start} ms`,
                      a.delayMs ? `after ${a.delayMs} ms` : "",
                      a.errorClass ?? "",
                      a.message ?? "",
                    ]),
                  ),
                ]
              : []),
          ].join("\n");
        });
      }),
    );

  previewPageOptions(
    h
      .command("rerun <executionId>")
      .description("a fresh dry-run with the same params, or edited ones (never runs by itself)")
      .option("--param <k=v>", "a param to change (repeat); shown as a diff", collect, [])
      .option("--policy <k=v>", "a policy setting to change (repeat)", collect, []),
    false,
  )
    .option("--json", "print JSON")
    .action(
      run(async (p, id: string, o) => {
        const app = ctx.open();
        const { plan } = await app.workflows.rerun(id, paramsFromPairs(o.param), "cli", {
          policy: policyFromPairs(o.policy),
        });
        await printPlanPage(p, app.workflows, plan, 1, o.pageSize);
      }),
    );
}
