import { bytesFromBase64 } from "@cachify/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { Confirm, IdParams, Limit } from "../schemas.ts";

/** How often a restore's progress is pushed. */
const PROGRESS_MS = 250;

const ListQuery = z.object({
  profileId: z.string().optional(),
  keyBase64: z.string().optional(),
  executionId: z.string().optional(),
  operationId: z.string().optional(),
  limit: Limit,
});
const RestoreBody = z.object({
  snapshotIds: z.array(z.string()).min(1).max(100_000).optional(),
  executionId: z.string().optional(),
  operationId: z.string().optional(),
  force: z.boolean().optional(),
  confirm: Confirm,
});

export function registerRollbackRoutes(server: FastifyInstance, app: App): void {
  const service = app.rollback("api");

  server.get("/api/rollback/snapshots", async (req) => {
    const q = parse(ListQuery, req.query, "query");
    return {
      snapshots: service.list({
        ...(q.profileId ? { profile: q.profileId } : {}),
        ...(q.keyBase64 ? { key: bytesFromBase64(q.keyBase64) } : {}),
        ...(q.executionId ? { executionId: q.executionId } : {}),
        ...(q.operationId ? { operationId: q.operationId } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      }),
    };
  });

  server.get("/api/rollback/snapshots/:id", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    return service.inspect(id);
  });

  // Retention and sensitive key patterns: checked by the core (the error names the field).
  server.get("/api/rollback/settings", async () => app.snapshotSettings.get());
  server.put("/api/rollback/settings", async (req) => app.snapshotSettings.update(req.body ?? {}));

  server.post("/api/rollback/restore", async (req) => {
    const b = parse(RestoreBody, req.body, "body");
    const selection = {
      ...(b.snapshotIds ? { snapshotIds: b.snapshotIds } : {}),
      ...(b.executionId ? { executionId: b.executionId } : {}),
      ...(b.operationId ? { operationId: b.operationId } : {}),
    };
    // Progress of a long restore reaches every open window (a page is 2,000 keys).
    let last = 0;
    return service.restore(selection, {
      force: Boolean(b.force),
      ...(b.confirm ? { confirmation: b.confirm } : {}),
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < PROGRESS_MS && p.restored + p.skipped + p.failed < p.total) return;
        last = now;
        app.observability.live.publish({
          type: "rollback",
          event: "progress",
          ...(b.executionId ? { executionId: b.executionId } : {}),
          ...(b.operationId ? { operationId: b.operationId } : {}),
          ...p,
        });
      },
    });
  });
}
