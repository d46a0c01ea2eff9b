import {
  type AttemptRecord,
  countsOf,
  type PlanRecord,
  type PreviewRow,
  type SavedTemplate,
  type TemplateDescriptor,
  type WorkflowExecutionRecord,
} from "@cachify/core";
import { keyOut, ttlSeconds } from "../key-args.ts";

/** JSON shapes shared by the CLI (--json, docs/design/cli.md#json-output) and the API. */

export function planView(plan: PlanRecord) {
  return {
    planId: plan.planId,
    template: plan.template.name,
    builtin: plan.template.builtin,
    templateVersion: plan.template.version,
    ...(plan.template.savedTemplateId ? { savedTemplateId: plan.template.savedTemplateId } : {}),
    profile: plan.profileName,
    profileId: plan.profileId,
    environment: plan.environment,
    params: plan.params,
    status: plan.status,
    matched: plan.matched,
    scanned: plan.scanned,
    complete: plan.complete,
    ...(plan.limitReached ? { limitReached: true } : {}),
    ...(plan.duplicates ? { duplicates: plan.duplicates } : {}),
    ...(plan.unchanged ? { unchanged: plan.unchanged } : {}),
    rollback: plan.rollback.coverage,
    rollbackReason: plan.rollback.reason,
    estimatedDurationMs: plan.estimatedDurationMs,
    createdAt: plan.createdAt,
    notes: plan.notes,
    policy: plan.policy,
    ...(plan.error ? { error: plan.error } : {}),
    ...(plan.executionId ? { executionId: plan.executionId } : {}),
    ...(plan.parent
      ? {
          parentExecutionId: plan.parent.executionId,
          rerunKind: plan.parent.kind,
          paramsDiff: plan.parent.paramsDiff,
        }
      : {}),
  };
}

export function rowView(row: PreviewRow & { node?: string }) {
  return {
    ...keyOut(row.key),
    type: row.type,
    ttl: ttlSeconds(row.ttlMs),
    change: row.change,
    ...(row.ttlAfterMs !== undefined ? { ttlAfter: ttlSeconds(row.ttlAfterMs) } : {}),
    ...(row.exists !== undefined ? { exists: row.exists } : {}),
    ...(row.wouldOverwrite !== undefined ? { wouldOverwrite: row.wouldOverwrite } : {}),
    ...(row.sizeBytes !== undefined ? { sizeBytes: row.sizeBytes } : {}),
    ...(row.note ? { note: row.note } : {}),
    ...(row.node ? { node: row.node } : {}),
  };
}

/** A plan with one page of its preview (`page` counts from 1). */
export function planPageView(p: {
  plan: PlanRecord;
  page: number;
  pageSize: number;
  pages: number;
  rows: PreviewRow[];
}) {
  return {
    ...planView(p.plan),
    page: p.page + 1,
    pageSize: p.pageSize,
    pages: p.pages,
    items: p.rows.map(rowView),
  };
}

export function executionSummary(r: WorkflowExecutionRecord) {
  return {
    executionId: r.executionId,
    planId: r.planId,
    template: r.template.name,
    builtin: r.template.builtin,
    profile: r.profileName,
    profileId: r.profileId,
    environment: r.environment,
    status: r.status,
    ...countsOf(r),
    startedAt: r.startedAt,
    endedAt: r.endedAt ?? null,
    parentExecutionId: r.parentExecutionId ?? null,
    ...(r.rerunKind ? { rerunKind: r.rerunKind } : {}),
    ...(r.abortReason ? { abortReason: r.abortReason } : {}),
  };
}

export function executionView(r: WorkflowExecutionRecord, attempts?: AttemptRecord[]) {
  return {
    ...executionSummary(r),
    templateVersion: r.template.version,
    params: r.params,
    policy: r.policy,
    origin: r.origin,
    steps: r.steps,
    rollback: r.rollback.coverage,
    rollbackReason: r.rollback.reason,
    ...(r.rollbackResult ? { rollbackResult: r.rollbackResult } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...(r.paramsDiff ? { paramsDiff: r.paramsDiff } : {}),
    attemptCount: r.attemptCount,
    ...(attempts ? { attempts } : {}),
  };
}

export function templateViews(t: {
  builtin: readonly TemplateDescriptor[];
  saved: SavedTemplate[];
}) {
  return {
    templates: [
      ...t.builtin.map((d) => ({
        id: d.id,
        name: d.id,
        title: d.name,
        builtin: d.id,
        version: d.version,
        saved: false,
        description: d.description,
        destructive: d.destructive,
        params: d.params,
        engines: d.engines,
      })),
      ...t.saved.map(savedView),
    ],
  };
}

export function savedView(s: SavedTemplate) {
  return {
    id: s.id,
    name: s.name,
    builtin: s.builtin,
    version: s.version,
    saved: true,
    params: s.params,
    ...(s.policy ? { policy: s.policy } : {}),
    ...(s.description ? { description: s.description } : {}),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
