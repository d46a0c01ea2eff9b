import type { SnapshotSettings } from "@cachify/core";
import type { Command } from "commander";
import { keyFrom } from "../../app/key-args.ts";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { type RunAction, wholeNumber } from "../run-action.ts";

export function registerRollbackCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const rollback = program.command("rollback").description("undo changes from key-level snapshots");
  const service = () => ctx.open().rollback("cli");

  rollback
    .command("list")
    .description("recent snapshots (newest first), by execution, operation or key")
    .option("--execution <id>", "snapshots of one workflow execution")
    .option("--operation <id>", "snapshots of one operation (its timeline event id)")
    .option("--profile <name>", "only this connection")
    .option("--key <key>", "only this key (with --profile)")
    .option("--limit <n>", "at most N", wholeNumber("--limit"), 100)
    .option("--json", "print JSON")
    .action(
      run(async (p, o) => {
        const snapshots = service().list({
          profile: o.profile,
          key: o.key !== undefined ? keyFrom({ key: o.key }) : undefined,
          executionId: o.execution,
          operationId: o.operation,
          limit: o.limit,
        });
        p.result({ snapshots }, () =>
          snapshots.length === 0
            ? "No snapshots match."
            : table([
                ["SNAPSHOT", "TAKEN", "PROFILE", "OPERATION", "KEY", "STATUS"],
                ...snapshots.map((s) => [
                  s.snapshotId,
                  new Date(s.capturedAt).toISOString(),
                  s.profile ?? "?",
                  s.operation,
                  s.key,
                  s.restoreStatus,
                ]),
              ]),
        );
      }),
    );

  rollback
    .command("settings")
    .description(
      "show or change snapshot retention and sensitive key patterns (values of sensitive keys are not snapshotted unless opted in)",
    )
    .option(
      "--retention-days <n>",
      "drop snapshots older than N days",
      wholeNumber("--retention-days"),
    )
    .option("--max-size-mb <n>", "keep at most N MB of pre-images", wholeNumber("--max-size-mb"))
    .option(
      "--sensitive <patterns...>",
      "sensitive key patterns, not snapshotted (replaces the list)",
    )
    .option("--opt-in <patterns...>", "sensitive key patterns that are snapshotted anyway")
    .option("--clear-sensitive", "remove every sensitive pattern")
    .option("--json", "print JSON")
    .action(
      run(async (p, o) => {
        const app = ctx.open();
        const change: Record<string, unknown> = {};
        if (o.retentionDays !== undefined) change.retentionDays = o.retentionDays;
        if (o.maxSizeMb !== undefined) change.maxTotalMb = o.maxSizeMb;
        if (o.sensitive || o.optIn || o.clearSensitive) {
          change.sensitive = [
            ...((o.sensitive as string[] | undefined) ?? []).map((pattern) => ({
              pattern,
              snapshot: false,
            })),
            ...((o.optIn as string[] | undefined) ?? []).map((pattern) => ({
              pattern,
              snapshot: true,
            })),
          ];
        }
        const s: SnapshotSettings & { pruned?: number } =
          Object.keys(change).length > 0
            ? app.snapshotSettings.update(change)
            : app.snapshotSettings.get();
        p.result(s, () =>
          [
            `Snapshots are kept ${s.retentionDays} days, at most ${s.maxTotalMb} MB.`,
            s.sensitive.length === 0
              ? "No sensitive key patterns."
              : `Sensitive key patterns:\n${s.sensitive
                  .map(
                    (x) =>
                      `  ${x.pattern}  ${x.snapshot ? "snapshotted (opted in)" : "not snapshotted"}`,
                  )
                  .join("\n")}`,
            ...(s.pruned ? [`Dropped ${s.pruned} snapshots past the new limits.`] : []),
          ].join("\n"),
        );
      }),
    );

  rollback
    .command("restore")
    .description("put keys back as they were before a change (through the same guardrails)")
    .option("--execution <id>", "every key of one workflow execution")
    .option("--operation <id>", "every key of one operation")
    .option("--snapshot <ids...>", "these snapshots")
    .option("--force", "overwrite keys that changed after the snapshot")
    .option(
      "--confirm <name>",
      "the profile name, required on prod (and where a guardrail setting asks for typed-name)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, o) => {
        let last = Date.now();
        const r = await service().restore(
          {
            ...(o.snapshot ? { snapshotIds: o.snapshot as string[] } : {}),
            ...(o.execution ? { executionId: o.execution } : {}),
            ...(o.operation ? { operationId: o.operation } : {}),
          },
          {
            force: Boolean(o.force),
            confirmation: {
              acknowledged: true,
              ...(o.confirm !== undefined ? { typedName: o.confirm } : {}),
            },
            // A long restore says where it is, once a second, on stderr (never with --json).
            onProgress: (q) => {
              if (p.json || Date.now() - last < 1000) return;
              last = Date.now();
              const done = q.restored + q.skipped + q.failed;
              ctx.io.err(
                `${done.toLocaleString("en-US")} / ${q.total.toLocaleString("en-US")} keys · ${q.restored.toLocaleString("en-US")} restored, ${q.skipped} skipped, ${q.failed} failed\n`,
              );
            },
          },
        );
        p.result(r, () =>
          [
            `Restored ${r.restored}, skipped ${r.skipped}, failed ${r.failed} on "${r.profile}".`,
            ...r.items
              .filter((i) => i.status === "skipped" || i.status === "failed")
              .map((i) => `  ${i.status} ${i.key}: ${i.reason}`),
          ].join("\n"),
        );
      }),
    );
}
