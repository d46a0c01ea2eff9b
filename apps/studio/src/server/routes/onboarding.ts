import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { detectCandidates, detectServers, MAX_CANDIDATES } from "../../app/onboarding.ts";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";

const DetectBody = z.object({
  /** More addresses to look at: host:port or a connection URL. */
  addresses: z.array(z.string().max(300)).max(MAX_CANDIDATES).optional(),
  timeoutMs: z.number().int().min(100).max(5000).optional(),
});

const ImportBody = z.object({
  /** The file's text, as read by the browser (a connections file is small; 5 MB at most). */
  content: z.string().max(5 * 1024 * 1024),
  /** Given to the entries of other tools' files and URL lists (Cachify files carry their own). */
  environment: z.enum(["dev", "staging", "prod"]).optional(),
  /** Validate and answer what would be imported, storing nothing. */
  dryRun: z.boolean().optional(),
});

export interface OnboardingOptions {
  /** Where REDIS_URL-style hints are read (default: the studio's own environment). */
  env?: Record<string, string | undefined>;
}

/**
 * First run: find servers on the default local ports (and the ones the environment names), and
 * import connection files (ours, RedisInsight's, Another Redis Desktop Manager's, URL lists).
 */
export function registerOnboardingRoutes(
  server: FastifyInstance,
  app: App,
  options: OnboardingOptions = {},
): void {
  server.post("/api/onboarding/detect", async (req) => {
    const body = parse(DetectBody, req.body, "body");
    const started = Date.now();
    const candidates = detectCandidates(options.env ?? process.env, body.addresses ?? []);
    const findings = await detectServers(app.profiles, app.gate, candidates, body.timeoutMs ?? 800);
    return { candidates: findings, tookMs: Date.now() - started };
  });

  server.post("/api/profiles/import", async (req, reply) => {
    const body = parse(ImportBody, req.body, "body");
    const r = app.profiles.importConnections(body.content, {
      ...(body.environment ? { environment: body.environment } : {}),
      dryRun: body.dryRun ?? false,
    });
    return reply.status(r.imported ? 201 : 200).send({
      format: r.format,
      formatLabel: r.formatLabel,
      imported: r.imported,
      profiles: app.profiles.views(r.profiles),
      notes: r.notes,
    });
  });
}
