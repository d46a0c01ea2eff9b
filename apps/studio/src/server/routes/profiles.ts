import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { AnyRecord, Confirm, ConfirmBody, IdParams } from "../schemas.ts";

// Profile fields are validated by the core (buildProfile): one rule set for API, CLI and imports.
const Body = AnyRecord;
/** A change that lowers protection is answered 428 first; `confirm` answers the challenge. */
const Guarded = z.looseObject({ confirm: Confirm });

export function registerProfileRoutes(server: FastifyInstance, app: App): void {
  server.get("/api/profiles", async () => ({
    profiles: app.profiles.list().map((p) => app.profiles.view(p)),
  }));

  server.post("/api/profiles", async (req, reply) => {
    const p = app.profiles.create(parse(Body, req.body, "profile"));
    return reply.status(201).send(app.profiles.view(p));
  });

  server.get("/api/profiles/:id", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    return app.profiles.view(app.profiles.resolve(id));
  });

  server.put("/api/profiles/:id", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    const { confirm, ...fields } = parse(Guarded, req.body, "profile");
    const ctx = { origin: "api" as const, ...(confirm ? { confirmation: confirm } : {}) };
    return app.profiles.view(app.profiles.update(id, fields, ctx));
  });

  server.delete("/api/profiles/:id", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    const confirm = parse(ConfirmBody, req.body, "body")?.confirm;
    await app.profiles.remove(id, {
      origin: "api",
      ...(confirm ? { confirmation: confirm } : {}),
    });
    return { removed: true };
  });

  server.post("/api/profiles/:id/test", async (req) => {
    const { id } = parse(IdParams, req.params, "path");
    return app.profiles.test(app.profiles.resolve(id), app.gate, "api");
  });

  // Test connection for a profile that is not saved yet (the add-connection form): the same
  // validation and the same gated PING; nothing is stored but the audit event.
  server.post("/api/connections/test", async (req) =>
    app.profiles.testUnsaved(parse(Body, req.body, "profile"), app.gate, "api"),
  );
}
