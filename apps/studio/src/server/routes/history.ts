import type { HistoryQuery } from "@cachify/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { Limit } from "../schemas.ts";

const Query = z.object({
  profileId: z.string().optional(),
  limit: Limit,
  beforeId: z.string().optional(),
  since: z.coerce.number().int().optional(),
});

export function registerHistoryRoutes(server: FastifyInstance, app: App): void {
  server.get("/api/history", async (req) => {
    const q = parse(Query, req.query, "query");
    const query: HistoryQuery = { limit: q.limit ?? 100 };
    if (q.profileId) query.profileId = app.profiles.resolve(q.profileId).id;
    if (q.beforeId) query.beforeId = q.beforeId;
    if (q.since !== undefined) query.since = q.since;
    return { events: app.history.list(query) };
  });

  server.get("/api/ws", { websocket: true }, (socket) => {
    const unsubscribe = app.history.subscribe((event) => {
      socket.send(JSON.stringify({ type: "history", event }));
    });
    socket.on("close", unsubscribe);
    // Health, metrics and alert updates from the observability collector.
    const unsubscribeLive = app.observability.live.subscribe((m) => socket.send(JSON.stringify(m)));
    socket.on("close", unsubscribeLive);
    // Workflow dry-run and execution progress: {type: "workflow", event: ...}.
    const unsubscribeWorkflows = app.workflows.subscribe((e) =>
      socket.send(JSON.stringify({ type: "workflow", ...e })),
    );
    socket.on("close", unsubscribeWorkflows);
  });
}
