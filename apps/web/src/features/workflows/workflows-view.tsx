import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useWorkflowTemplates, wfk } from "../../api/hooks.ts";
import type { PlanPage, ProfileView, WorkflowTemplate } from "../../api/types.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { useViewRequest } from "../../lib/view-requests.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { LockIcon } from "../../ui/icons.tsx";
import { TabList } from "../../ui/tabs.tsx";
import { RollbackDialog, type RollbackScope } from "../rollback/rollback-dialog.tsx";
import { ExecutionsView } from "./executions-view.tsx";
import { PlanPreview } from "./plan-preview.tsx";
import { type BuiltinTemplate, TemplateForm } from "./template-form.tsx";

type View = "templates" | "plan" | "executions";
const VIEWS: readonly View[] = ["templates", "plan", "executions"];
const VIEW_LABEL: Record<View, string> = {
  templates: "Templates",
  plan: "Dry-run",
  executions: "Execution history",
};

/**
 * The Workflows tab of a connection: templates (the built-ins and saved presets, one form each),
 * the dry-run preview with Run, and the execution history with reruns and undo.
 */
export function WorkflowsView({ profile, active }: { profile: ProfileView; active: boolean }) {
  const qc = useQueryClient();
  const templates = useWorkflowTemplates();
  const [view, setView] = useState<View>("templates");
  const [templateId, setTemplateId] = useState<string>("delete-by-pattern");
  const [planId, setPlanId] = useState<string | undefined>();
  const [executionId, setExecutionId] = useState<string | undefined>();
  const [undo, setUndo] = useState<RollbackScope | undefined>();
  const tabRefs = useRef<Partial<Record<View, HTMLButtonElement | null>>>({});
  const lock = readOnlyReason(profile);

  // The command palette's "Workflow templates" and "Execution history".
  useViewRequest(profile.id, "workflow-templates", () => setView("templates"));
  useViewRequest(profile.id, "workflow-executions", () => setView("executions"));

  const planned = (plan: PlanPage) => {
    // The answer is page 1 already: show it without asking again.
    qc.setQueryData(wfk.planPage(plan.planId, 1, plan.pageSize), plan);
    setPlanId(plan.planId);
    setView("plan");
  };
  const openExecution = (id: string) => {
    setExecutionId(id);
    setView("executions");
  };
  const undoExecution = (id: string) => setUndo({ kind: "execution", executionId: id });

  const enabled = (v: View) => v !== "plan" || planId !== undefined;
  const all = templates.data ?? [];
  const builtins = all.filter((t): t is BuiltinTemplate => !t.saved);
  const saved = all.filter((t) => t.saved);
  const template = all.find((t) => t.id === templateId) ?? builtins[0];
  const builtinOf = (t: WorkflowTemplate) => builtins.find((b) => b.id === t.builtin);

  return (
    <div className="workflows" data-active={active}>
      <div className="wf-bar">
        <TabList
          label="Workflow views"
          className="wf-views"
          tabClassName="wf-view-tab"
          tabs={VIEWS}
          current={view}
          onSelect={setView}
          refs={tabRefs}
          spec={(v) => ({
            id: `wf-view-${profile.id}-${v}`,
            controls: `wf-panel-${profile.id}-${v}`,
            label: VIEW_LABEL[v],
            disabled: !enabled(v),
            title: enabled(v) ? undefined : "Make a dry-run from a template first",
          })}
        />
        {lock && (
          <span className="wf-lock" title={lock}>
            <LockIcon /> {lock}: dry-runs and history only
          </span>
        )}
      </div>

      {templates.isError && (
        <ErrorNotice
          title="Could not load the workflow templates"
          error={templates.error}
          onRetry={() => void templates.refetch()}
        />
      )}

      <div
        role="tabpanel"
        id={`wf-panel-${profile.id}-${view}`}
        aria-labelledby={`wf-view-${profile.id}-${view}`}
        className="wf-panel"
      >
        {view === "templates" &&
          (templates.isPending ? (
            <p className="muted pad">Loading templates…</p>
          ) : template && builtinOf(template) ? (
            <div className="wf-templates">
              <nav className="wf-list" aria-label="Templates">
                <h3 className="wf-list-title">Built-in</h3>
                <ul>
                  {builtins.map((t) => (
                    <TemplateItem
                      key={t.id}
                      t={t}
                      current={t.id === template.id}
                      onPick={setTemplateId}
                    />
                  ))}
                </ul>
                <h3 className="wf-list-title">Saved presets</h3>
                {saved.length === 0 ? (
                  <p className="muted small wf-list-empty">
                    None yet: fill a form and choose “Save as preset…”.
                  </p>
                ) : (
                  <ul>
                    {saved.map((t) => (
                      <TemplateItem
                        key={t.id}
                        t={t}
                        current={t.id === template.id}
                        onPick={setTemplateId}
                        builtinTitle={builtinOf(t)?.title}
                      />
                    ))}
                  </ul>
                )}
              </nav>
              <div className="wf-form-pane">
                <TemplateForm
                  key={template.id}
                  profile={profile}
                  template={template}
                  builtin={builtinOf(template)!}
                  onPlanned={planned}
                  onSelect={setTemplateId}
                />
              </div>
            </div>
          ) : (
            <EmptyState title="No templates">
              <p>The studio sent no workflow templates. Reload the window.</p>
            </EmptyState>
          ))}
        {view === "plan" && planId && (
          <PlanPreview
            key={planId}
            profile={profile}
            planId={planId}
            onOpenExecution={openExecution}
            onUndo={undoExecution}
            onEdit={() => setView("templates")}
            onPlanned={planned}
          />
        )}
        {view === "executions" && (
          <ExecutionsView
            profile={profile}
            builtins={builtins}
            selectedId={executionId}
            onSelect={setExecutionId}
            onPlanned={planned}
            onUndo={undoExecution}
          />
        )}
      </div>
      {undo && <RollbackDialog profile={profile} scope={undo} onClose={() => setUndo(undefined)} />}
    </div>
  );
}

function TemplateItem({
  t,
  current,
  onPick,
  builtinTitle,
}: {
  t: WorkflowTemplate;
  current: boolean;
  onPick: (id: string) => void;
  builtinTitle?: string | undefined;
}) {
  return (
    <li>
      <button
        type="button"
        className={current ? "wf-item current" : "wf-item"}
        aria-current={current || undefined}
        onClick={() => onPick(t.id)}
      >
        <span className="wf-item-name">{t.saved ? t.name : t.title}</span>
        <span className="wf-item-sub muted small">
          {t.saved ? `${builtinTitle ?? t.builtin} · v${t.version}` : t.id}
        </span>
      </button>
    </li>
  );
}
