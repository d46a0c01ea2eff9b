import { badInput } from "@cachify/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  executionSummary,
  executionView,
  planPageView,
  planView,
  savedView,
  templateViews,
} from "../../app/workflows/views.ts";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { AnyRecord, IdParams, Limit } from "../schemas.ts";

const Wait = z.enum(["complete", "first-page"]).optional();
const PageSize = z.number().int().min(1).max(1000).optional();
const PlanBody = z.object({
  template: z.string().min(1),
  profileId: z.string().min(1),
  params: AnyRecord.optional(),
  policy: AnyRecord.optional(),
  /** complete (default): answer once the count is final; first-page: as soon as a page is in. */
  wait: Wait,
  pageSize: PageSize,
});
const PageQuery = z.object({
  page: z.coerce.number().int().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
});
const ApplyBody = z
  .object({
    confirm: z
      .object({
        challengeId: z.string().optional(),
        count: z.union([z.number(), z.string()]).optional(),
        typedName: z.string().optional(),
      })
      .optional(),
    /** Answer when the execution has finished instead of at once (202). */
    wait: z.boolean().optional(),
  })
  .optional();
const TemplateBody = z.object({
  name: z.string().min(1),
  builtin: z.string().optional(),
  params: AnyRecord.optional(),
  policy: AnyRecord.optional(),
  description: z.string().optional(),
  replace: z.boolean().optional(),
});
const TemplateEdit = TemplateBody.omit({ name: true }).extend({ name: z.string().optional() });
const ListQuery = z.object({
  profileId: z.string().optional(),
  limit: Limit,
  beforeId: z.string().optional(),
});
const ExecutionQuery = z.object({
  attempts: z.coerce.number().int().min(1).max(100_000).optional(),
  errorsOnly: z.enum(["true", "false"]).optional(),
});
const RerunBody = z
  .object({
    params: AnyRecord.optional(),
    policy: AnyRecord.optional(),
    wait: Wait,
    pageSize: PageSize,
  })
  .optional();

/** A saved template's fields as the service takes them (absent fields left out). */
function templateInput(name: string, b: z.infer<typeof TemplateEdit>) {
  return {
    name,
    ...(b.builtin ? { builtin: b.builtin } : {}),
    ...(b.params ? { params: b.params } : {}),
    ...(b.policy ? { policy: b.policy } : {}),
    ...(b.description ? { description: b.description } : {}),
    ...(b.replace ? { replace: true } : {}),
    origin: "api" as const,
  };
}

const idOf = (params: unknown) => parse(IdParams, params, "path").id;

/**
 * Workflows over HTTP: templates, dry-run plans paged by cursor, confirmed executions (progress
 * over /api/ws as {type: "workflow", ...}), history and reruns. Same service as the CLI, asked as
 * "api": a warm-up file comes as its uploaded content (param content, up to the body limit),
 * never as a path on this machine.
 */
export function registerWorkflowRoutes(server: FastifyInstance, app: App): void {
  const wf = app.workflows;
  /** A plan's first page, as the answer to a dry-run or a rerun. */
  const firstPage = async (planId: string, pageSize = 100) =>
    planPageView(await wf.page(planId, 0, pageSize, "api"));
  /** The list filters: a profile (by name or id) and how many. */
  const listed = (q: z.infer<typeof ListQuery>) => {
    const profileId = q.profileId ? app.profiles.resolve(q.profileId).id : undefined;
    return { ...(profileId ? { profileId } : {}), limit: q.limit ?? 50 };
  };

  server.get("/api/workflows/templates", async () => templateViews(wf.templates()));

  server.post("/api/workflows/templates", async (req, reply) => {
    const b = parse(TemplateBody, req.body, "body");
    const t = wf.saveTemplate(templateInput(b.name, b));
    return reply.status(201).send(savedView(t));
  });

  server.put("/api/workflows/templates/:id", async (req) => {
    const id = idOf(req.params);
    const current = wf.savedTemplate(id);
    const b = parse(TemplateEdit, req.body, "body");
    if (b.name && b.name !== current.name) {
      throw badInput(
        `A saved template keeps its name: save "${b.name}" as a new template and remove "${current.name}".`,
        { param: "name" },
      );
    }
    return savedView(wf.saveTemplate(templateInput(current.name, b)));
  });

  server.delete("/api/workflows/templates/:id", async (req) => {
    const id = idOf(req.params);
    const t = wf.removeTemplate(id);
    return { removed: true, name: t.name };
  });

  server.post("/api/workflows/plans", async (req, reply) => {
    const b = parse(PlanBody, req.body, "body");
    const profile = app.profiles.resolve(b.profileId);
    const pageSize = b.pageSize ?? 100;
    const plan = await wf.plan({
      template: b.template,
      profile,
      ...(b.params ? { params: b.params } : {}),
      ...(b.policy ? { policy: b.policy } : {}),
      origin: "api",
      wait: b.wait ?? "complete",
      firstPageSize: pageSize,
    });
    return reply.status(201).send(await firstPage(plan.planId, pageSize));
  });

  server.get("/api/workflows/plans", async (req) => {
    const q = parse(ListQuery, req.query, "query");
    return { plans: wf.listPlans(listed(q)).map(planView) };
  });

  server.get("/api/workflows/plans/:id", async (req) => {
    const id = idOf(req.params);
    const q = parse(PageQuery, req.query, "query");
    return planPageView(await wf.page(id, (q.page ?? 1) - 1, q.pageSize ?? 100, "api"));
  });

  server.post("/api/workflows/plans/:id/cancel", async (req) =>
    planView(wf.cancelPlan(idOf(req.params))),
  );

  server.post("/api/workflows/plans/:id/apply", async (req, reply) => {
    const id = idOf(req.params);
    const b = parse(ApplyBody, req.body, "body");
    const started = await wf.apply(id, b?.confirm, "api");
    if (!b?.wait) return reply.status(202).send(executionSummary(started));
    return executionView(await wf.finished(started.executionId));
  });

  server.get("/api/workflows/executions", async (req) => {
    const q = parse(ListQuery, req.query, "query");
    const filter = { ...listed(q), ...(q.beforeId ? { beforeId: q.beforeId } : {}) };
    return { executions: wf.executions(filter).map(executionSummary) };
  });

  server.get("/api/workflows/executions/:id", async (req) => {
    const id = idOf(req.params);
    const q = parse(ExecutionQuery, req.query, "query");
    const t = wf.timeline(id, {
      limit: q.attempts ?? 1000,
      ...(q.errorsOnly === "true" ? { errorsOnly: true } : {}),
    });
    return executionView(t.execution, t.attempts);
  });

  server.post("/api/workflows/executions/:id/cancel", async (req) =>
    executionSummary(wf.cancel(idOf(req.params))),
  );

  server.post("/api/workflows/executions/:id/rerun", async (req, reply) => {
    const id = idOf(req.params);
    const b = parse(RerunBody, req.body, "body");
    const pageSize = b?.pageSize ?? 100;
    const { plan, paramsDiff } = await wf.rerun(id, b?.params ?? {}, "api", {
      ...(b?.policy ? { policy: b.policy } : {}),
      wait: b?.wait ?? "complete",
    });
    return reply.status(201).send({ ...(await firstPage(plan.planId, pageSize)), paramsDiff });
  });
}
