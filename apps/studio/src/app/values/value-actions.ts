import {
  badInput,
  bytesEqual,
  CachifyError,
  type Confirmation,
  type ConnectionProfile,
  displayKey,
  type Operation,
  type ResultOf,
  type ValueType,
} from "@cachify/core";
import { KeyActions } from "../key-actions.ts";
import { bytesFrom, keyFrom, keyOut, need, valueFrom } from "../key-args.ts";
import { type ValueDeps, ValuePages } from "./value-pages.ts";

type Bytes = Uint8Array;
/** Text or base64 of a byte string: `<name>` or `<name>Base64`. */
type BytesIn<N extends string> = { [K in N | `${N}Base64`]?: string | undefined };
type KeyIn = BytesIn<"key">;
type Confirm = { confirm?: Confirmation | undefined };

/** A JSON score: a number, or "inf" / "-inf" (JSON has no infinity), or a decimal as text. */
export type ScoreIn = number | string;
export type StreamFieldIn = BytesIn<"field"> & BytesIn<"value">;

export type HashFieldSet = KeyIn & BytesIn<"field"> & BytesIn<"value"> & Confirm;
export type HashFieldDelete = KeyIn & BytesIn<"field"> & Confirm;
export type ListPush = KeyIn & BytesIn<"value"> & { end?: "head" | "tail" | undefined } & Confirm;
export type ListSet = KeyIn & { index: number } & BytesIn<"value"> & BytesIn<"expected"> & Confirm;
export type ListRemove = KeyIn & { index: number } & BytesIn<"expected"> & Confirm;
export type MemberEdit = KeyIn & BytesIn<"member"> & Confirm;
export type ZsetMemberSet = MemberEdit & { score: ScoreIn };
export type StreamAdd = KeyIn & { id?: string | undefined; fields: StreamFieldIn[] } & Confirm;
export type StreamDelete = KeyIn & { id: string } & Confirm;
export type StringSet = KeyIn & BytesIn<"value"> & { keepTtl?: boolean | undefined } & Confirm;
export type KeyCreate = KeyIn &
  BytesIn<"value"> &
  BytesIn<"field"> &
  BytesIn<"member"> & {
    type: "string" | "hash" | "list" | "set" | "zset" | "stream";
    score?: ScoreIn | undefined;
    fields?: StreamFieldIn[] | undefined;
    ttl?: number | undefined;
  } & Confirm;
export type KeyRename = KeyIn & BytesIn<"newKey"> & { overwrite?: boolean | undefined } & Confirm;
export type KeyTtl = KeyIn & { ttl: number } & Confirm;

export function scoreFrom(score: ScoreIn): number {
  if (typeof score === "number") {
    if (!Number.isFinite(score)) throw badInput("score must be a number, inf or -inf.");
    return score;
  }
  if (/^\+?inf$/i.test(score)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(score)) return Number.NEGATIVE_INFINITY;
  return Number(score);
}

function streamFields(fields: StreamFieldIn[]): [Bytes, Bytes][] {
  return fields.map((f) => [need(f, "field"), need(f, "value")]);
}

function changed(key: Bytes, index: number): CachifyError {
  return new CachifyError(
    "conflict",
    `The element at index ${index} of ${displayKey(key)} changed since it was loaded (nothing was written): reload the list and try again.`,
  );
}

/** A member edit: the value type it needs, and the one operation it is. */
interface MemberEditSpec<B> {
  type: ValueType;
  build: (b: B) => Operation;
}

/** Adds or removes one member of a set or sorted set. */
const memberOp = <K extends "setAdd" | "setRemove" | "zsetRemove">(kind: K, type: ValueType) => ({
  type,
  build: (b: MemberEdit) => ({ kind, key: keyFrom(b), members: [need(b, "member")] }) as Operation,
});

/** The member edits that are one operation each, by name (the API's routes map onto them). */
export const MEMBER_EDITS = {
  hashSet: {
    type: "hash",
    build: (b: HashFieldSet) => ({
      kind: "hashSet",
      key: keyFrom(b),
      field: need(b, "field"),
      value: need(b, "value"),
    }),
  },
  hashDelete: {
    type: "hash",
    build: (b: HashFieldDelete) => ({
      kind: "hashDelete",
      key: keyFrom(b),
      fields: [need(b, "field")],
    }),
  },
  listPush: {
    type: "list",
    build: (b: ListPush) => ({
      kind: "listPush",
      key: keyFrom(b),
      values: [need(b, "value")],
      end: b.end ?? "tail",
    }),
  },
  setAdd: memberOp("setAdd", "set"),
  setRemove: memberOp("setRemove", "set"),
  zsetAdd: {
    type: "zset",
    build: (b: ZsetMemberSet) => ({
      kind: "zsetAdd",
      key: keyFrom(b),
      member: need(b, "member"),
      score: scoreFrom(b.score),
    }),
  },
  zsetRemove: memberOp("zsetRemove", "zset"),
  streamAdd: {
    type: "stream",
    build: (b: StreamAdd) => ({
      kind: "streamAdd",
      key: keyFrom(b),
      id: b.id ?? "*",
      fields: streamFields(b.fields),
    }),
  },
  streamDelete: {
    type: "stream",
    build: (b: StreamDelete) => ({ kind: "streamDelete", key: keyFrom(b), ids: [b.id] }),
  },
} satisfies Record<string, MemberEditSpec<never>>;

export type MemberEditName = keyof typeof MEMBER_EDITS;
export type MemberEditInput<N extends MemberEditName> = Parameters<
  (typeof MEMBER_EDITS)[N]["build"]
>[0];

/**
 * Values edited member by member, plus create / rename / TTL / string edit, for the API (and any
 * other caller): every call is a gate operation made with the caller's origin; `confirm` is
 * passed through so a 428 challenge can be answered by sending the same request with it.
 */
export class ValueActions {
  private readonly keys: KeyActions;
  readonly pages: ValuePages;

  constructor(
    private readonly deps: ValueDeps,
    private readonly origin: "api" | "cli" = "api",
  ) {
    this.keys = new KeyActions(deps, origin);
    this.pages = new ValuePages(deps, origin);
  }

  run<O extends Operation>(
    profile: ConnectionProfile,
    op: O,
    confirm?: Confirmation,
  ): Promise<ResultOf<O>> {
    return this.deps.gate.run(profile, op, {
      origin: this.origin,
      ...(confirm ? { confirmation: confirm } : {}),
    });
  }

  /** A member edit: checks the key's type is one the engine stores, then runs its operation. */
  edit<N extends MemberEditName>(profile: ConnectionProfile, name: N, body: MemberEditInput<N>) {
    const spec = MEMBER_EDITS[name] as MemberEditSpec<MemberEditInput<N>>;
    this.pages.requireType(profile, spec.type);
    return this.run(profile, spec.build(body), body.confirm);
  }

  /**
   * Sets one list element. With `expected`, the element is read first and the write refused when
   * it changed since the client loaded it (a read then a write: close, not atomic).
   */
  async listSet(profile: ConnectionProfile, body: ListSet) {
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

  async listRemove(profile: ConnectionProfile, body: ListRemove) {
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
  async create(profile: ConnectionProfile, body: KeyCreate) {
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
    await this.run(profile, this.firstWrite(key, body), body.confirm);
    return { created: true, ...keyOut(key), type };
  }

  /** The one write that creates a key of `body.type`: its first member's edit. */
  private firstWrite(key: Bytes, body: KeyCreate): Operation {
    const b = body;
    switch (body.type) {
      case "string":
        return {
          kind: "set",
          key,
          value: bytesFrom(body, "value", false) ?? new Uint8Array(),
          ...(body.ttl !== undefined ? { ttlSeconds: body.ttl } : {}),
        };
      case "hash":
        return MEMBER_EDITS.hashSet.build(b);
      case "list":
        return MEMBER_EDITS.listPush.build({ ...b, end: "tail" });
      case "set":
        return MEMBER_EDITS.setAdd.build(b);
      case "zset":
        return MEMBER_EDITS.zsetAdd.build({ ...b, score: body.score ?? 0 });
      case "stream":
        if (!body.fields) throw badInput("A new stream needs a first entry: give fields.");
        return MEMBER_EDITS.streamAdd.build({ ...b, fields: body.fields });
    }
  }

  async rename(profile: ConnectionProfile, body: KeyRename) {
    const caps = this.deps.capabilities(profile);
    if (!caps.rename) {
      throw new CachifyError(
        "capability",
        caps.reasons.rename ?? `${profile.engine} cannot rename a key in place.`,
        { details: { engine: profile.engine, kind: "rename" } },
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

  ttl(profile: ConnectionProfile, body: KeyTtl) {
    return this.keys.expire(profile, keyFrom(body), body.ttl, body.confirm);
  }

  /** Edits a string in place; its TTL is kept unless keepTtl is false. */
  setString(profile: ConnectionProfile, body: StringSet) {
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
