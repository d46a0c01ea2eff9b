import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { runConsoleCommand, splitCommandLine } from "../../app/console-actions.ts";
import type { App } from "../../app/open-app.ts";
import { parse } from "../parse.ts";

const Params = z.object({ id: z.string().min(1) });
const Body = z.object({
  line: z.string().min(1).max(1_000_000),
  confirm: z
    .object({ challengeId: z.string().optional(), typedName: z.string().optional() })
    .optional(),
});

export function registerConsoleRoutes(server: FastifyInstance, app: App): void {
  server.post("/api/profiles/:id/command", async (req) => {
    const profile = app.profiles.resolve(parse(Params, req.params, "path").id);
    const body = parse(Body, req.body, "body");
    return runConsoleCommand(app, profile, splitCommandLine(body.line), "api", body.confirm);
  });
}
