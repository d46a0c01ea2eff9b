import type { PlanRecord, WorkflowExecutionRecord } from "@cachify/core";

/** What the studio pushes over its WebSocket as `{type: "workflow", ...}`. */
export type WorkflowEvent =
  | { event: "plan-progress"; planId: string; scanned: number; matched: number }
  | { event: "plan-finished"; plan: PlanRecord }
  | {
      event: "progress";
      executionId: string;
      planId: string;
      status: WorkflowExecutionRecord["status"];
      planned: number;
      processed: number;
      applied: number;
      skipped: number;
      failed: number;
      rate: number;
      etaMs: number | null;
    }
  | { event: "execution-finished"; execution: WorkflowExecutionRecord };

/** The workflow events' listeners; a broken listener never breaks a workflow. */
export class WorkflowEvents {
  private readonly listeners = new Set<(e: WorkflowEvent) => void>();

  subscribe(listener: (e: WorkflowEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: WorkflowEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken listener must not break a workflow.
      }
    }
  }
}
