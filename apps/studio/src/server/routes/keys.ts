import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { KeyActions } from "../../app/key-actions.ts";
import { keyFrom, valueFrom } from "../../app/key-args.ts";
import type { App } from "../../app/open-app.ts";
import { parse } from "../parse.ts";

const Params = z.object({ id: z.string().min(1) });
const KeyRef = z.object({ key: z.string().optional(), keyBase64: z.string().optional() });
const ListQuery = z.object({
  match: z.string().optional(),
  type: z.string().optional(),
  count: z.coerce.number().int().min(1).max(10_000).optional(),
  cursor: z.string().optional(),
});
const Confirm = z
  .object({ challengeId: z.string().optional(), typedName: z.string().optional() })
  .optional();
const SetBody = KeyRef.extend({
  value: z.string().optional(),
  valueBase64: z.string().optional(),
  ttl: z.number().int().min(1).optional(),
  confirm: Confirm,
});
const DeleteBody = z.object({ confirm: Confirm }).optional();

export function registerKeyRoutes(server: FastifyInstance, app: App): void {
  const actions = new KeyActions(app, "api");
  const profileOf = (params: unknown) => app.profiles.resolve(parse(Params, params, "path").id);

  server.get("/api/profiles/:id/keys", async (req) => {
    const profile = profileOf(req.params);
    return actions.list(profile, parse(ListQuery, req.query, "query"));
  });

  server.get("/api/profiles/:id/key", async (req) => {
    const profile = profileOf(req.params);
    return actions.get(profile, keyFrom(parse(KeyRef, req.query, "query")));
  });

  server.put("/api/profiles/:id/key", async (req) => {
    const profile = profileOf(req.params);
    const body = parse(SetBody, req.body, "body");
    return actions.set(profile, keyFrom(body), valueFrom(body), body.ttl, body.confirm);
  });

  server.delete("/api/profiles/:id/key", async (req) => {
    const profile = profileOf(req.params);
    const key = keyFrom(parse(KeyRef, req.query, "query"));
    const body = parse(DeleteBody, req.body, "body");
    return actions.delete(profile, [key], body?.confirm);
  });
}
