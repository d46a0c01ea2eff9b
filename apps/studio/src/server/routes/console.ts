import type { ConnectionProfile } from "@cachify/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { runConsoleCommand, splitCommandLine } from "../../app/console-actions.ts";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { Confirm, profileParam } from "../schemas.ts";

const Body = z.object({ line: z.string().min(1).max(1_000_000), confirm: Confirm });

export function registerConsoleRoutes(server: FastifyInstance, app: App): void {
  const deps = {
    gate: app.gate,
    capabilities: (p: ConnectionProfile) => app.profiles.capabilities(p),
  };
  const profileOf = profileParam(app.profiles);
  server.post("/api/profiles/:id/command", async (req) => {
    const profile = profileOf(req.params);
    const body = parse(Body, req.body, "body");
    return runConsoleCommand(deps, profile, splitCommandLine(body.line), "api", body.confirm);
  });
}
