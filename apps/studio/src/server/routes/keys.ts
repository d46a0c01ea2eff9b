import type { FastifyInstance } from "fastify";
import { KeyActions } from "../../app/key-actions.ts";
import { keyFrom, valueFrom } from "../../app/key-args.ts";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { ConfirmBody, KeyListQuery, KeyQuery, profileParam, ValueBodies } from "../schemas.ts";

export function registerKeyRoutes(server: FastifyInstance, app: App): void {
  const actions = new KeyActions({ gate: app.gate }, "api");
  const profileOf = profileParam(app.profiles);

  server.get("/api/profiles/:id/keys", async (req) => {
    const profile = profileOf(req.params);
    return actions.list(profile, parse(KeyListQuery, req.query, "query"));
  });

  server.get("/api/profiles/:id/key", async (req) => {
    const profile = profileOf(req.params);
    return actions.get(profile, keyFrom(parse(KeyQuery, req.query, "query")));
  });

  server.put("/api/profiles/:id/key", async (req) => {
    const profile = profileOf(req.params);
    const body = parse(ValueBodies.set, req.body, "body");
    return actions.set(profile, keyFrom(body), valueFrom(body), body.ttl, body.confirm);
  });

  server.delete("/api/profiles/:id/key", async (req) => {
    const profile = profileOf(req.params);
    const key = keyFrom(parse(KeyQuery, req.query, "query"));
    const body = parse(ConfirmBody, req.body, "body");
    return actions.delete(profile, [key], body?.confirm);
  });
}
