import {
  badInput,
  bytesEqual,
  bytesFromBase64,
  CachifyError,
  type Confirmation,
  type ConnectionProfile,
  displayKey,
  type Operation,
  type ResultOf,
  type ValueType,
} from "@cachify/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { KeyActions } from "../../app/key-actions.ts";
import { keyFrom, keyOut, valueFrom } from "../../app/key-args.ts";
import type { App } from "../../app/open-app.ts";
import { COLLECTION_TYPES, ValuePages } from "../../app/value-pages.ts";
import { parse } from "../parse.ts";

/**
 * Collections read page by page (the reading is app/value-pages.ts, shared with the CLI) and
 * edited member by member, plus create / rename / TTL / string edit. Every call is a gate
 * operation; `confirm` is passed through so a 428 challenge can be answered by re-sending the
 * same request with it.
 */

const Params = z.object({ id: z.string().min(1) });
const Confirm = z
  .object({ challengeId: z.string().optional(), typedName: z.string().optional() })
  .optional();
const KeyRef = { key: z.string().optional(), keyBase64: z.string().optional() };
/** Any byte string as text or base64: `<name>` or `<name>Base64`. */
const bytesRef = <N extends string>(name: N) =>
  ({
    [name]: z.string().optional(),
    [`${name}Base64`]: z.string().optional(),
  }) as { [K in N | `${N}Base64`]: z.ZodOptional<z.ZodString> };

const PageQuery = z.object({
  ...KeyRef,
  cursor: z.string().max(200).optional(),
  count: z.coerce.number().int().min(1).max(10_000).optional(),
  match: z.string().max(10_000).optional(),
});

const HashFieldBody = z.object({
  ...KeyRef,
  ...bytesRef("field"),
  ...bytesRef("value"),
  confirm: Confirm,
});
const HashFieldDeleteBody = z.object({ ...KeyRef, ...bytesRef("field"), confirm: Confirm });
const ListPushBody = z.object({
  ...KeyRef,
  ...bytesRef("value"),
  end: z.enum(["head", "tail"]).optional(),
  confirm: Confirm,
});
const ListItemBody = z.object({
  ...KeyRef,
  index: z.number().int(),
  ...bytesRef("value"),
  ...bytesRef("expected"),
  confirm: Confirm,
});
const ListRemoveBody = z.object({
  ...KeyRef,
  index: z.number().int(),
  ...bytesRef("expected"),
  confirm: Confirm,
});
const MemberBody = z.object({ ...KeyRef, ...bytesRef("member"), confirm: Confirm });
const Score = z.union([z.number(), z.string().regex(/^[+-]?(inf|\d+(\.\d+)?([eE][+-]?\d+)?)$/i)]);
const ZsetMemberBody = MemberBody.extend({ score: Score });
const StreamField = z.object({ ...bytesRef("field"), ...bytesRef("value") });
const StreamAddBody = z.object({
  ...KeyRef,
  id: z.string().max(100).optional(),
  fields: z.array(StreamField).min(1).max(1000),
  confirm: Confirm,
});
const StreamDeleteBody = z.object({ ...KeyRef, id: z.string().max(100), confirm: Confirm });
const StringBody = z.object({
  ...KeyRef,
  ...bytesRef("value"),
  keepTtl: z.boolean().optional(),
  confirm: Confirm,
});
const CreateBody = z.object({
  ...KeyRef,
  type: z.enum(["string", "hash", "list", "set", "zset", "stream"]),
  ...bytesRef("value"),
  ...bytesRef("field"),
  ...bytesRef("member"),
  score: Score.optional(),
  fields: z.array(StreamField).min(1).max(1000).optional(),
  ttl: z.number().int().min(1).optional(),
  confirm: Confirm,
});
const RenameBody = z.object({
  ...KeyRef,
  ...bytesRef("newKey"),
  overwrite: z.boolean().optional(),
  confirm: Confirm,
});
const TtlBody = z.object({ ...KeyRef, ttl: z.number().int(), confirm: Confirm });

type Bytes = Uint8Array;

/** `<name>` (UTF-8 text) or `<name>Base64` (exact bytes), exactly one of them. */
function bytesFrom(
  input: Record<string, unknown>,
  name: string,
  required = true,
): Bytes | undefined {
  const text = input[name] as string | undefined;
  const b64 = input[`${name}Base64`] as string | undefined;
  if (text !== undefined && b64 !== undefined) {
    throw badInput(`Give either ${name} or ${name}Base64, not both.`);
  }
  if (b64 !== undefined) {
    try {
      return bytesFromBase64(b64);
    } catch {
      throw badInput(`${name}Base64 is not valid base64.`);
    }
  }
  if (text !== undefined) return new TextEncoder().encode(text);
  if (required) throw badInput(`${name} is required (${name} or ${name}Base64).`);
  return undefined;
}
const need = (input: Record<string, unknown>, name: string): Bytes => bytesFrom(input, name)!;

function scoreFrom(score: number | string): number {
  if (typeof score === "number") {
    if (!Number.isFinite(score)) throw badInput("score must be a number, inf or -inf.");
    return score;
  }
  if (/^\+?inf$/i.test(score)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(score)) return Number.NEGATIVE_INFINITY;
  return Number(score);
}

class ValueActions {
  private readonly keys: KeyActions;
  readonly pages: ValuePages;

  constructor(private readonly app: App) {
    this.keys = new KeyActions(app, "api");
    this.pages = new ValuePages(app, "api");
  }

  run<O extends Operation>(
    profile: ConnectionProfile,
    op: O,
    confirm?: Confirmation,
  ): Promise<ResultOf<O>> {
    return this.app.gate.run(profile, op, {
      origin: "api",
      ...(confirm ? { confirmation: confirm } : {}),
    });
  }

  /**
   * Sets one list element. With `expected`, the element is read first and the write refused when
   * it changed since the client loaded it (a read then a write: close, not atomic).
   */
  async listSet(profile: ConnectionProfile, body: z.infer<typeof ListItemBody>) {
    this.pages.requireType(profile, "list");
    const key = keyFrom(body);
    const expected = bytesFrom(body, "expected", false);
    if (expected !== undefined) {
      const now = await this.run(profile, {
        kind: "listRange",
        key,
        start: body.index,
        stop: body.index,
      });
      const current = now.items[0];
      if (current === undefined || !bytesEqual(current, expected)) {
        throw changed(key, body.index);
      }
    }
    return this.run(
      profile,
      { kind: "listSet", key, index: body.index, value: need(body, "value") },
      body.confirm,
    );
  }

  async listRemove(profile: ConnectionProfile, body: z.infer<typeof ListRemoveBody>) {
    this.pages.requireType(profile, "list");
    const key = keyFrom(body);
    const r = await this.run(
      profile,
      { kind: "listRemoveAt", key, index: body.index, expected: need(body, "expected") },
      body.confirm,
    );
    if (!r.removed) throw changed(key, body.index);
    return r;
  }

  /** A new key of any type; an existing key is never overwritten (409). */
  async create(profile: ConnectionProfile, body: z.infer<typeof CreateBody>) {
    const type = body.type;
    this.pages.requireType(profile, type);
    const key = keyFrom(body);
    if (body.ttl !== undefined && type !== "string") {
      throw badInput(
        "ttl applies to new string keys only: create the key, then set its TTL (PUT /key/ttl).",
      );
    }
    const [info] = await this.run(profile, { kind: "describe", keys: [key] });
    if (info && info.type !== "none") {
      throw new CachifyError(
        "conflict",
        `${displayKey(key)} already exists (a ${info.type}): pick another name, or open it to edit it.`,
      );
    }
    const c = body.confirm;
    switch (type) {
      case "string":
        await this.run(
          profile,
          {
            kind: "set",
            key,
            value: bytesFrom(body, "value", false) ?? new Uint8Array(),
            ...(body.ttl !== undefined ? { ttlSeconds: body.ttl } : {}),
          },
          c,
        );
        break;
      case "hash":
        await this.run(
          profile,
          { kind: "hashSet", key, field: need(body, "field"), value: need(body, "value") },
          c,
        );
        break;
      case "list":
        await this.run(
          profile,
          { kind: "listPush", key, values: [need(body, "value")], end: "tail" },
          c,
        );
        break;
      case "set":
        await this.run(profile, { kind: "setAdd", key, members: [need(body, "member")] }, c);
        break;
      case "zset":
        await this.run(
          profile,
          {
            kind: "zsetAdd",
            key,
            member: need(body, "member"),
            score: scoreFrom(body.score ?? 0),
          },
          c,
        );
        break;
      case "stream":
        if (!body.fields) throw badInput("A new stream needs a first entry: give fields.");
        await this.run(
          profile,
          { kind: "streamAdd", key, id: "*", fields: streamFields(body.fields) },
          c,
        );
        break;
    }
    return { created: true, ...keyOut(key), type };
  }

  async rename(profile: ConnectionProfile, body: z.infer<typeof RenameBody>) {
    if (profile.engine === "memcached") {
      throw new CachifyError(
        "capability",
        "Memcached has no RENAME: set the value under the new key, then delete the old key.",
        { details: { engine: "memcached", kind: "rename" } },
      );
    }
    const key = keyFrom(body);
    const newKey = need(body, "newKey");
    if (bytesEqual(key, newKey)) throw badInput("The new name is the same as the old one.");
    const overwrite = body.overwrite ?? false;
    const r = await this.run(profile, { kind: "rename", key, newKey, overwrite }, body.confirm);
    if (!r.renamed) {
      throw new CachifyError(
        "conflict",
        `${displayKey(newKey)} already exists: pick another name, or allow overwriting it.`,
      );
    }
    return { renamed: true, ...keyOut(newKey) };
  }

  ttl(profile: ConnectionProfile, body: z.infer<typeof TtlBody>) {
    return this.keys.expire(profile, keyFrom(body), body.ttl, body.confirm);
  }

  /** Edits a string in place; its TTL is kept unless keepTtl is false. */
  setString(profile: ConnectionProfile, body: z.infer<typeof StringBody>) {
    return this.run(
      profile,
      {
        kind: "set",
        key: keyFrom(body),
        value: valueFrom(body),
        ...(body.keepTtl === false ? {} : { keepTtl: true }),
      },
      body.confirm,
    );
  }
}

function streamFields(fields: z.infer<typeof StreamField>[]): [Bytes, Bytes][] {
  return fields.map((f) => [need(f, "field"), need(f, "value")]);
}

function changed(key: Bytes, index: number): CachifyError {
  return new CachifyError(
    "conflict",
    `The element at index ${index} of ${displayKey(key)} changed since it was loaded (nothing was written): reload the list and try again.`,
  );
}

export function registerValueRoutes(server: FastifyInstance, app: App): void {
  const actions = new ValueActions(app);
  const profileOf = (params: unknown) => app.profiles.resolve(parse(Params, params, "path").id);
  const query = (q: unknown) => parse(PageQuery, q, "query");

  // ---- collections, page by page
  for (const type of COLLECTION_TYPES) {
    server.get(`/api/profiles/:id/${type}`, async (req) =>
      actions.pages.page(profileOf(req.params), type, query(req.query)),
    );
  }

  /** A member edit: parse the body, check the key holds `type`, run the operation it builds. */
  const edit =
    <S extends z.ZodType<{ confirm?: z.infer<typeof Confirm> }>>(
      schema: S,
      type: ValueType,
      build: (b: z.infer<S>) => Operation,
    ) =>
    async (req: FastifyRequest) => {
      const profile = profileOf(req.params);
      const b = parse(schema, req.body, "body");
      actions.pages.requireType(profile, type);
      return actions.run(profile, build(b), b.confirm);
    };

  // ---- hash
  server.put(
    "/api/profiles/:id/hash/field",
    edit(HashFieldBody, "hash", (b) => ({
      kind: "hashSet",
      key: keyFrom(b),
      field: need(b, "field"),
      value: need(b, "value"),
    })),
  );
  server.delete(
    "/api/profiles/:id/hash/field",
    edit(HashFieldDeleteBody, "hash", (b) => ({
      kind: "hashDelete",
      key: keyFrom(b),
      fields: [need(b, "field")],
    })),
  );

  // ---- list
  server.post(
    "/api/profiles/:id/list/items",
    edit(ListPushBody, "list", (b) => ({
      kind: "listPush",
      key: keyFrom(b),
      values: [need(b, "value")],
      end: b.end ?? "tail",
    })),
  );
  server.put("/api/profiles/:id/list/item", async (req) =>
    actions.listSet(profileOf(req.params), parse(ListItemBody, req.body, "body")),
  );
  server.delete("/api/profiles/:id/list/item", async (req) =>
    actions.listRemove(profileOf(req.params), parse(ListRemoveBody, req.body, "body")),
  );

  // ---- set
  server.post(
    "/api/profiles/:id/set/member",
    edit(MemberBody, "set", (b) => ({
      kind: "setAdd",
      key: keyFrom(b),
      members: [need(b, "member")],
    })),
  );
  server.delete(
    "/api/profiles/:id/set/member",
    edit(MemberBody, "set", (b) => ({
      kind: "setRemove",
      key: keyFrom(b),
      members: [need(b, "member")],
    })),
  );

  // ---- sorted set
  server.put(
    "/api/profiles/:id/zset/member",
    edit(ZsetMemberBody, "zset", (b) => ({
      kind: "zsetAdd",
      key: keyFrom(b),
      member: need(b, "member"),
      score: scoreFrom(b.score),
    })),
  );
  server.delete(
    "/api/profiles/:id/zset/member",
    edit(MemberBody, "zset", (b) => ({
      kind: "zsetRemove",
      key: keyFrom(b),
      members: [need(b, "member")],
    })),
  );

  // ---- stream
  server.post(
    "/api/profiles/:id/stream/entries",
    edit(StreamAddBody, "stream", (b) => ({
      kind: "streamAdd",
      key: keyFrom(b),
      id: b.id ?? "*",
      fields: streamFields(b.fields),
    })),
  );
  server.delete(
    "/api/profiles/:id/stream/entry",
    edit(StreamDeleteBody, "stream", (b) => ({
      kind: "streamDelete",
      key: keyFrom(b),
      ids: [b.id],
    })),
  );

  // ---- whole keys
  server.put("/api/profiles/:id/string", async (req) =>
    actions.setString(profileOf(req.params), parse(StringBody, req.body, "body")),
  );
  server.post("/api/profiles/:id/keys", async (req, reply) => {
    const created = await actions.create(
      profileOf(req.params),
      parse(CreateBody, req.body, "body"),
    );
    return reply.status(201).send(created);
  });
  server.post("/api/profiles/:id/key/rename", async (req) =>
    actions.rename(profileOf(req.params), parse(RenameBody, req.body, "body")),
  );
  server.put("/api/profiles/:id/key/ttl", async (req) =>
    actions.ttl(profileOf(req.params), parse(TtlBody, req.body, "body")),
  );
}
