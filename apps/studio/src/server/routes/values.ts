import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { KeyActions } from "../../app/key-actions.ts";
import { keyFrom } from "../../app/key-args.ts";
import {
  type MemberEditInput,
  type MemberEditName,
  ValueActions,
} from "../../app/values/value-actions.ts";
import { COLLECTION_TYPES } from "../../app/values/value-pages.ts";
import { ValueViewer } from "../../app/values/value-view.ts";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { CollectionPageQuery, profileParam, ValueBodies, ValueViewQuery } from "../schemas.ts";

/**
 * Collections read page by page and edited member by member, plus create / rename / TTL / string
 * edit: the reading and the edits are app/values/ (shared with the CLI); here each route parses
 * its request (schemas.ts) and names the action.
 */

/** The member edits: method, path, the body's schema and the edit it runs. */
const EDITS: [method: "put" | "post" | "delete", path: string, edit: MemberEditName][] = [
  ["put", "hash/field", "hashSet"],
  ["delete", "hash/field", "hashDelete"],
  ["post", "list/items", "listPush"],
  ["post", "set/member", "setAdd"],
  ["delete", "set/member", "setRemove"],
  ["put", "zset/member", "zsetAdd"],
  ["delete", "zset/member", "zsetRemove"],
  ["post", "stream/entries", "streamAdd"],
  ["delete", "stream/entry", "streamDelete"],
];

export function registerValueRoutes(server: FastifyInstance, app: App): void {
  const actions = new ValueActions({
    gate: app.gate,
    capabilities: (p) => app.profiles.capabilities(p),
  });
  const profileOf = profileParam(app.profiles);
  const body = <S extends z.ZodType>(schema: S, b: unknown) => parse(schema, b, "body");

  // ---- collections, page by page
  for (const type of COLLECTION_TYPES) {
    server.get(`/api/profiles/:id/${type}`, async (req) =>
      actions.pages.page(
        profileOf(req.params),
        type,
        parse(CollectionPageQuery, req.query, "query"),
      ),
    );
  }

  // ---- a string value decoded (issue 17): read as GET /key reads it, decoded in a worker
  const viewer = new ValueViewer({
    keys: new KeyActions({ gate: app.gate }, "api"),
    decode: app.decodeValue,
    formats: app.decoderFormats,
  });
  server.get("/api/profiles/:id/value/view", async (req) => {
    const profile = profileOf(req.params);
    const { key, keyBase64, view, ...limits } = parse(ValueViewQuery, req.query, "query");
    return viewer.view(profile, keyFrom({ key, keyBase64 }), view, limits);
  });

  // ---- members: one operation each
  for (const [method, path, edit] of EDITS) {
    server[method](`/api/profiles/:id/${path}`, async (req) => {
      const profile = profileOf(req.params);
      const b = body(ValueBodies[edit], req.body) as MemberEditInput<typeof edit>;
      return actions.edit(profile, edit, b);
    });
  }
  server.put("/api/profiles/:id/list/item", async (req) =>
    actions.listSet(profileOf(req.params), body(ValueBodies.listSet, req.body)),
  );
  server.delete("/api/profiles/:id/list/item", async (req) =>
    actions.listRemove(profileOf(req.params), body(ValueBodies.listRemove, req.body)),
  );

  // ---- whole keys
  server.put("/api/profiles/:id/string", async (req) =>
    actions.setString(profileOf(req.params), body(ValueBodies.string, req.body)),
  );
  server.post("/api/profiles/:id/keys", async (req, reply) => {
    const created = await actions.create(profileOf(req.params), body(ValueBodies.create, req.body));
    return reply.status(201).send(created);
  });
  server.post("/api/profiles/:id/key/rename", async (req) =>
    actions.rename(profileOf(req.params), body(ValueBodies.rename, req.body)),
  );
  server.put("/api/profiles/:id/key/ttl", async (req) =>
    actions.ttl(profileOf(req.params), body(ValueBodies.ttl, req.body)),
  );
}
