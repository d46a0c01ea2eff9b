import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../app/open-app.ts";
import { PolicyService } from "../../app/policy-service.ts";
import { parse } from "../parse.ts";

const ForceBody = z.object({
  profileId: z.string().min(1),
  reason: z.string().max(200).optional(),
});
const Params = z.object({ profileId: z.string().min(1) });
const ClearBody = z
  .object({
    confirm: z
      .object({ challengeId: z.string().optional(), typedName: z.string().optional() })
      .optional(),
  })
  .optional();

export function registerPolicyRoutes(server: FastifyInstance, app: App): void {
  const service = new PolicyService(app);

  server.get("/api/policies", async () => ({
    policies: service.list(),
    managedPolicy: { path: app.managedPolicy.path, error: app.managedPolicy.error ?? null },
  }));

  server.post("/api/policies/read-only", async (req) => {
    const body = parse(ForceBody, req.body, "body");
    return {
      policies: service.force([body.profileId], body.reason ?? "forced read-only", {
        origin: "api",
      }),
    };
  });

  server.delete("/api/policies/read-only/:profileId", async (req) => {
    const { profileId } = parse(Params, req.params, "path");
    const confirm = parse(ClearBody, req.body ?? undefined, "body")?.confirm;
    return {
      cleared: service.clear([profileId], {
        origin: "api",
        ...(confirm ? { confirmation: confirm } : {}),
      }),
    };
  });
}
