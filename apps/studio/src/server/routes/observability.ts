import {
  badInput,
  ENVIRONMENTS,
  HISTORY_SOURCES,
  type HistoryQuery,
  type HistorySource,
  METRICS,
  SEVERITIES,
  type Severity,
} from "@cachify/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import {
  AlertRuleBody,
  IdParams,
  Limit,
  ObservabilitySettingsBody,
  QueryList,
  RangeQuery,
  TimelineQuery,
} from "../schemas.ts";

const rangeOf = (q: z.infer<typeof RangeQuery>) => ({
  ...(q.range !== undefined ? { range: q.range } : {}),
  ...(q.from !== undefined ? { from: q.from } : {}),
  ...(q.to !== undefined ? { to: q.to } : {}),
  ...(q.step !== undefined ? { stepMs: q.step } : {}),
  ...(q.profiles?.length ? { profiles: q.profiles } : {}),
});

function strict<T extends string>(
  values: string[] | undefined,
  allowed: readonly T[],
  what: string,
) {
  if (!values) return undefined;
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v))
      throw parseError(`${what}: "${v}" is not one of ${allowed.join(", ")}`);
  }
  return values as T[];
}

function parseError(message: string): Error {
  return badInput(`Invalid query: ${message}.`);
}

/**
 * The dashboard's API (FR-V2-008/009): health cards, trends, the error heatmap, slow operations,
 * operations by kind, the filtered timeline, alert rules, notifications and settings.
 */
export function registerObservabilityRoutes(server: FastifyInstance, app: App): void {
  const obs = app.observability;

  server.get("/api/observability/health", async () => ({
    running: obs.running,
    profiles: obs.healthCards(),
  }));

  server.get("/api/observability/dashboard", async (req) =>
    obs.dashboard(rangeOf(parse(RangeQuery, req.query, "query"))),
  );

  server.get("/api/observability/series", async (req) => {
    const q = parse(RangeQuery.extend({ metrics: QueryList }), req.query, "query");
    return obs.series({ ...rangeOf(q), ...(q.metrics ? { metrics: q.metrics } : {}) });
  });

  server.get("/api/observability/heatmap", async (req) =>
    obs.heatmap(rangeOf(parse(RangeQuery, req.query, "query"))),
  );

  server.get("/api/observability/slow", async (req) => {
    const q = parse(
      RangeQuery.extend({ limit: z.coerce.number().int().min(1).max(500).optional() }),
      req.query,
      "query",
    );
    return obs.slowOperations({ ...rangeOf(q), ...(q.limit ? { limit: q.limit } : {}) });
  });

  server.get("/api/observability/operations", async (req) =>
    obs.operations(rangeOf(parse(RangeQuery, req.query, "query"))),
  );

  server.get("/api/observability/metrics", async () => ({
    metrics: Object.entries(METRICS).map(([name, m]) => ({ name, ...m })),
  }));

  server.get("/api/observability/live/:id", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    const p = obs.profile(id);
    return { profileId: p.id, running: obs.running, points: obs.livePoints(p.id) };
  });

  server.get("/api/observability/settings", async () => obs.settings());

  server.put("/api/observability/settings", async (req) =>
    obs.updateSettings(parse(ObservabilitySettingsBody, req.body, "body")),
  );

  server.put("/api/observability/profiles/:id", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    const { watched } = parse(z.object({ watched: z.boolean() }), req.body, "body");
    return obs.setWatched(id, watched);
  });

  server.get("/api/timeline", async (req) => {
    const q = parse(TimelineQuery, req.query, "query");
    const query: HistoryQuery = { limit: q.limit ?? 100 };
    const profiles = [...(q.profiles ?? []), ...(q.profileId ? [q.profileId] : [])];
    if (profiles.length > 0) query.profileIds = obs.profileIds(profiles)!;
    const envs = strict(q.environments, ENVIRONMENTS, "environments");
    if (envs) query.environments = envs;
    const sources = strict<HistorySource>(q.sources, HISTORY_SOURCES, "sources");
    if (sources) query.sources = sources;
    const severities = strict<Severity>(q.severities, SEVERITIES, "severities");
    if (severities) query.severities = severities;
    if (q.since !== undefined) query.since = q.since;
    if (q.until !== undefined) query.until = q.until;
    if (q.q) query.search = q.q;
    if (q.beforeId) query.beforeId = q.beforeId;
    return obs.timeline(query);
  });

  server.get("/api/alerts", async () => ({ rules: obs.listRules() }));

  server.post("/api/alerts", async (req, reply) => {
    const rule = obs.addRule(
      parse(AlertRuleBody, req.body, "body") as Parameters<typeof obs.addRule>[0],
    );
    return reply.status(201).send(rule);
  });

  server.put("/api/alerts/:id", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    return obs.updateRule(
      id,
      parse(AlertRuleBody, req.body, "body") as Parameters<typeof obs.addRule>[0],
    );
  });

  server.delete("/api/alerts/:id", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    obs.removeRule(id);
    return { removed: true };
  });

  server.get("/api/notifications", async (req) => {
    const q = parse(
      z.object({
        limit: Limit,
        unread: z.enum(["1", "true", "0", "false"]).optional(),
      }),
      req.query,
      "query",
    );
    return obs.notifications({
      ...(q.limit ? { limit: q.limit } : {}),
      unreadOnly: q.unread === "1" || q.unread === "true",
    });
  });

  server.post("/api/notifications/read", async (req) => {
    const b = parse(
      z.object({ ids: z.array(z.string()).optional(), all: z.boolean().optional() }),
      req.body,
      "body",
    );
    if (!b.all && !b.ids) throw badInput("Invalid body: give ids (a list) or all: true.");
    return obs.markRead(b.all ? "all" : (b.ids ?? []));
  });
}
