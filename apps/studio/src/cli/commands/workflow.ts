import {
  formatDiff,
  type PlanRecord,
  paramsFromPairs,
  policyFromPairs,
  type WorkflowExecutionRecord,
} from "@cachify/core";
import type { Command } from "commander";
import type { WorkflowService } from "../../app/workflows/service.ts";
import {
  executionSummary,
  planPageView,
  savedView,
  templateViews,
} from "../../app/workflows/views.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { type Printer, table } from "../io.ts";
import { collect, jsonCommand, type RunAction, wholeNumber } from "../run-action.ts";

const n = (x: number) => x.toLocaleString("en-US");
const ttlText = (ttl: number | undefined) =>
  ttl === undefined ? "" : ttl === -1 ? "none" : ttl === -2 ? "missing" : `${ttl}s`;

/** Prints a plan and one page of its preview (`workflow plan`, `workflow show`, `history rerun`). */
export async function printPlanPage(
  p: Printer,
  workflows: WorkflowService,
  plan: PlanRecord,
  page: number,
  pageSize: number,
): Promise<void> {
  const view = planPageView(await workflows.page(plan.planId, page - 1, pageSize, "cli"));
  p.result(view, () => {
    const head = [
      `Plan ${view.planId}: ${view.template} on "${view.profile}" (${view.environment})`,
      `${n(view.matched)} key(s) would change${view.complete ? "" : " (count not final)"}${view.limitReached ? " (limit reached: more may match)" : ""} · scanned ${n(view.scanned)} · rollback: ${view.rollback} (${view.rollbackReason}) · about ${(view.estimatedDurationMs / 1000).toFixed(1)} s`,
      ...(view.unchanged ? [`${n(view.unchanged)} left as they are (no change needed)`] : []),
      ...(view.duplicates
        ? [`${n(view.duplicates)} duplicate entries left out (the first wins)`]
        : []),
      ...(view.paramsDiff ? [`changed params:\n${formatDiff(view.paramsDiff)}`] : []),
      ...view.notes.map((x) => `note: ${x}`),
      ...(view.error ? [`error: ${view.error.message}`] : []),
    ];
    const rows = view.items.map((r) => [
      r.key,
      r.type,
      ttlText(r.ttl),
      r.change === "expire"
        ? `ttl -> ${ttlText(r.ttlAfter)}`
        : r.change === "set"
          ? r.wouldOverwrite
            ? "set (overwrites)"
            : "set (new)"
          : r.change,
      r.note ?? "",
    ]);
    const body = rows.length
      ? table([["key", "type", "ttl", "change", ""], ...rows])
      : "(no keys on this page)";
    const foot = `page ${view.page} of ${view.pages}${view.page < view.pages ? ` (next: cachify workflow show ${view.planId} --page ${view.page + 1})` : ""}`;
    const run =
      view.status === "ready" && view.matched > 0 && !view.executionId
        ? `To run it: cachify workflow apply ${view.planId} --confirm-count ${view.matched}${view.environment === "prod" ? ` --confirm "${view.profile}"` : ""}`
        : "";
    return [...head, body, foot, run].filter(Boolean).join("\n");
  });
}

/**
 * Exit code of a finished execution (docs/design/cli.md#exit-codes: aborted workflow 1, workflow
 * timeout 5).
 */
export function executionExit(r: WorkflowExecutionRecord): number {
  if (r.status === "succeeded") return EXIT.ok;
  if (r.error?.code === "timeout") return EXIT.timeout;
  return EXIT.failed;
}

/** `--page` and `--page-size`: which page of a plan's preview to print. */
export function previewPageOptions(c: Command, page = true): Command {
  if (page) c.option("--page <n>", "preview page to show (from 1)", wholeNumber("--page"), 1);
  return c.option(
    "--page-size <n>",
    "keys per preview page (1-1000)",
    wholeNumber("--page-size"),
    100,
  );
}

export function registerWorkflowCommands(
  program: Command,
  ctx: CliContext,
  run: RunAction,
  setExit: (code: number) => void,
): void {
  const wf = program.command("workflow").description("safe bulk changes: dry-run, review, apply");

  wf.command("templates")
    .description("list the built-in templates and your saved ones")
    .option("--json", "print JSON")
    .action(
      run(async (p) => {
        const views = templateViews(ctx.open().workflows.templates());
        p.result(views, () =>
          table([
            ["template", "kind", "params"],
            ...views.templates.map((t) => [
              t.name,
              t.saved ? `saved (${t.builtin} v${t.version})` : "built-in",
              t.saved
                ? JSON.stringify((t as { params: unknown }).params)
                : (t.params as unknown as { name: string; required: boolean }[])
                    .map((x) => (x.required ? x.name : `[${x.name}]`))
                    .join(" "),
            ]),
          ]),
        );
      }),
    );

  previewPageOptions(
    wf
      .command("plan <template>")
      .description("dry-run a template on a profile: count and preview, nothing changes")
      .requiredOption("--profile <name>", "the profile to plan on")
      .option("--param <k=v>", "a template param (repeat), e.g. pattern=session:*", collect, [])
      .option(
        "--policy <k=v>",
        "an execution policy setting (repeat), e.g. retry.maxAttempts=3",
        collect,
        [],
      ),
  )
    .option("--json", "print JSON")
    .action(
      run(async (p, template: string, o) => {
        const app = ctx.open();
        const profile = app.profiles.resolve(o.profile);
        const plan = await app.workflows.plan({
          template,
          profile,
          params: paramsFromPairs(o.param),
          policy: policyFromPairs(o.policy),
          origin: "cli",
          wait: "complete",
        });
        await printPlanPage(p, app.workflows, plan, o.page, o.pageSize);
      }),
    );

  previewPageOptions(
    wf.command("show <planId>").description("show a plan and a page of its preview"),
  )
    .option("--json", "print JSON")
    .action(
      run(async (p, planId: string, o) => {
        const app = ctx.open();
        await printPlanPage(p, app.workflows, app.workflows.getPlan(planId), o.page, o.pageSize);
      }),
    );

  wf.command("apply <planId>")
    .description("run a reviewed plan; needs the matched count typed, and the name on prod")
    .option("--confirm-count <n>", "the plan's matched count, as the dry-run showed it")
    .option("--confirm <name>", "the profile name (required on prod)")
    .option("--json", "print JSON")
    .action(
      run(async (p, planId: string, o) => {
        const app = ctx.open();
        const started = await app.workflows.apply(
          planId,
          {
            ...(o.confirmCount !== undefined ? { count: o.confirmCount } : {}),
            ...(o.confirm !== undefined ? { typedName: o.confirm } : {}),
          },
          "cli",
        );
        let last = 0;
        const stop = p.json
          ? () => {}
          : app.workflows.subscribe((e) => {
              if (e.event !== "progress" || e.executionId !== started.executionId) return;
              if (Date.now() - last < 1000) return;
              last = Date.now();
              ctx.io.err(
                `${n(e.processed + e.failed)} / ${n(e.planned)} keys · ${n(e.rate)} keys/s${e.etaMs !== null ? ` · ${(e.etaMs / 1000).toFixed(0)} s left` : ""}\n`,
              );
            });
        const r = await app.workflows.finished(started.executionId).finally(stop);
        const view = executionSummary(r);
        p.result(view, () =>
          [
            `Execution ${r.executionId}: ${r.status} · ${n(r.applied)} changed, ${n(r.skipped)} no longer needed it, ${n(r.failed)} failed, of ${n(r.planned)} planned`,
            ...(r.abortReason ? [`reason: ${r.abortReason}`] : []),
            ...(r.rollbackResult
              ? [
                  `rollback: ${r.rollbackResult.restored} restored, ${r.rollbackResult.skipped} skipped, ${r.rollbackResult.failed} failed${r.rollbackResult.message ? ` (${r.rollbackResult.message})` : ""}`,
                ]
              : []),
            `details: cachify history show ${r.executionId}`,
          ].join("\n"),
        );
        const code = executionExit(r);
        if (code !== EXIT.ok) {
          if (p.json) {
            ctx.io.err(
              `${JSON.stringify({ error: { code: r.error?.code ?? "engine", message: r.abortReason ?? `The workflow ended ${r.status}.` } })}\n`,
            );
          }
          setExit(code);
        }
      }),
    );

  const tpl = wf.command("template").description("saved templates: presets of a built-in");
  tpl
    .command("save <name>")
    .description("save (or edit: a new version) a preset of a built-in template")
    .option("--from <builtin>", "delete-by-pattern, ttl-normalize or warmup-set (new templates)")
    .option("--param <k=v>", "a param to preset (repeat); empty value removes it", collect, [])
    .option("--policy <k=v>", "a policy setting to preset (repeat)", collect, [])
    .option("--description <text>", "what it is for")
    .option("--replace", "replace the saved params instead of merging")
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, o) => {
        const t = ctx.open().workflows.saveTemplate({
          name,
          ...(o.from ? { builtin: o.from } : {}),
          params: paramsFromPairs(o.param),
          policy: policyFromPairs(o.policy),
          ...(o.description ? { description: o.description } : {}),
          ...(o.replace ? { replace: true } : {}),
          origin: "cli",
        });
        p.result(
          savedView(t),
          () => `Saved template "${t.name}" (${t.builtin}), version ${t.version}.`,
        );
      }),
    );
  jsonCommand(tpl, "show <name>", "show a saved template").action(
    run(async (p, name: string) => {
      const t = ctx.open().workflows.savedTemplate(name);
      p.result(savedView(t), () => JSON.stringify(savedView(t), null, 2));
    }),
  );
  jsonCommand(
    tpl,
    "remove <name>",
    "remove a saved template (its past executions stay in history)",
  ).action(
    run(async (p, name: string) => {
      const t = ctx.open().workflows.removeTemplate(name);
      p.result({ removed: true, name: t.name }, () => `Removed saved template "${t.name}".`);
    }),
  );
}
