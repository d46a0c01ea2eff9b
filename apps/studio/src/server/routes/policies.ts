import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { PolicyService } from "../../app/policy-service.ts";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { ConfirmBody } from "../schemas.ts";

const ForceBody = z.object({
  profileId: z.string().min(1),
  reason: z.string().max(200).optional(),
});
const Params = z.object({ profileId: z.string().min(1) });

export function registerPolicyRoutes(server: FastifyInstance, app: App): void {
  const service = new PolicyService({
    profiles: app.profiles,
    policies: app.policies,
    guard: app.gate,
  });

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
    const confirm = parse(ConfirmBody, req.body ?? undefined, "body")?.confirm;
    return {
      cleared: service.clear([profileId], {
        origin: "api",
        ...(confirm ? { confirmation: confirm } : {}),
      }),
    };
  });
}
