import {
  badInput,
  CachifyError,
  type Capabilities,
  type CollectionType,
  type ConnectionProfile,
  type Operation,
  type OperationGate,
  type Origin,
  type ResultOf,
  type ValueType,
} from "@cachify/core";
import { keyFrom, keyOut, valueOut } from "../key-args.ts";

/** What reading and editing values needs: the gate, and what each profile's engine can do. */
export interface ValueDeps {
  gate: Pick<OperationGate, "run">;
  capabilities: (profile: ConnectionProfile) => Capabilities;
}

/** The value types read page by page (a string is read whole). */
export type { CollectionType } from "@cachify/core";
export const COLLECTION_TYPES: readonly CollectionType[] = [
  "hash",
  "list",
  "set",
  "zset",
  "stream",
];
export const isCollection = (t: ValueType): t is CollectionType =>
  COLLECTION_TYPES.includes(t as CollectionType);

/** One page request: the key (text or base64), where to continue, how many members. */
export interface PageRequest {
  key?: string | undefined;
  keyBase64?: string | undefined;
  /** SCAN cursor (hash, set), index (list, zset) or entry id (stream); absent or "0": start. */
  cursor?: string | undefined;
  count?: number | undefined;
  /** Glob on field / member names (hash, set only: HSCAN and SSCAN take MATCH). */
  match?: string | undefined;
}

type Bytes = Uint8Array;

/** A member name as keys travel: display text (binary escaped) plus the exact bytes. */
function nameOut<N extends string>(name: N, bytes: Bytes) {
  const { key, keyBase64 } = keyOut(bytes);
  return { [name]: key, [`${name}Base64`]: keyBase64 } as Record<N | `${N}Base64`, string>;
}
/** A stored value: text when UTF-8 (else null) plus the exact bytes. */
function dataOut<N extends string>(name: N, bytes: Bytes) {
  const { value, valueBase64 } = valueOut(bytes);
  return { [name]: value, [`${name}Base64`]: valueBase64 } as Record<N, string | null> &
    Record<`${N}Base64`, string>;
}

/** JSON has no infinity: scores travel as numbers, or "inf" / "-inf". */
function scoreOut(score: number): number | string {
  if (score === Number.POSITIVE_INFINITY) return "inf";
  if (score === Number.NEGATIVE_INFINITY) return "-inf";
  return score;
}

function indexCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === "" || cursor === "0") return 0;
  if (!/^\d+$/.test(cursor)) throw badInput(`Cursor "${cursor}" is not an index: start from 0.`);
  return Number(cursor);
}

const PAGE = 200;

/** One page as the API and the CLI answer it: the items, where to go on, and the total. */
const answer = <T>(page: { cursor: string; done: boolean; length?: number }, items: T[]) => ({
  items,
  cursor: page.cursor,
  done: page.done,
  length: page.length,
});

/** Members per page. The API checks the same bound in its query schema; the CLI relies on this. */
export function pageSize(count: number | undefined): number {
  if (count === undefined) return PAGE;
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    throw badInput("count must be a whole number from 1 to 10000.");
  }
  return count;
}

/**
 * Collections read one page at a time, shared by the API and the CLI. Every read is a gate call
 * made with the caller's origin, so it is guarded and recorded like any other operation.
 */
export class ValuePages {
  constructor(
    private readonly deps: ValueDeps,
    private readonly origin: Origin,
  ) {}

  private run<O extends Operation>(profile: ConnectionProfile, op: O): Promise<ResultOf<O>> {
    return this.deps.gate.run(profile, op, { origin: this.origin });
  }

  /**
   * Refuses a type the engine does not store before anything is sent (or asked): a Memcached
   * profile has strings only, and the answer should say so rather than ask for a confirmation.
   */
  requireType(profile: ConnectionProfile, type: ValueType): void {
    const caps = this.deps.capabilities(profile);
    if (caps.types.includes(type)) return;
    throw new CachifyError(
      "capability",
      `${caps.reasons.types ?? `${profile.engine} does not store ${type} values.`} ${type} keys cannot be read or edited on "${profile.name}".`,
      { details: { engine: profile.engine, type } },
    );
  }

  page(profile: ConnectionProfile, type: CollectionType, q: PageRequest) {
    switch (type) {
      case "hash":
        return this.hashPage(profile, q);
      case "list":
        return this.listPage(profile, q);
      case "set":
        return this.setPage(profile, q);
      case "zset":
        return this.zsetPage(profile, q);
      case "stream":
        return this.streamPage(profile, q);
    }
  }

  /** A page of a hash or set, read by SCAN: the cursor is the server's, MATCH applies. */
  private byScan<K extends "hashScan" | "setScan">(
    profile: ConnectionProfile,
    kind: K,
    q: PageRequest,
  ) {
    this.requireType(profile, kind === "hashScan" ? "hash" : "set");
    const op = {
      kind,
      key: keyFrom(q),
      cursor: q.cursor ?? "0",
      count: pageSize(q.count),
      ...(q.match ? { match: q.match } : {}),
    } as Extract<Operation, { kind: K }>;
    return this.run(profile, op);
  }

  async hashPage(profile: ConnectionProfile, q: PageRequest) {
    const page = await this.byScan(profile, "hashScan", q);
    return answer(
      page,
      page.items.map((i) => ({
        ...nameOut("field", i.field),
        ...dataOut("value", i.value),
      })),
    );
  }

  /** A page of a list or sorted set, read by index: the cursor is the next index. */
  private async byIndex<K extends "listRange" | "zsetRange">(
    profile: ConnectionProfile,
    kind: K,
    q: PageRequest,
  ) {
    this.requireType(profile, kind === "listRange" ? "list" : "zset");
    const start = indexCursor(q.cursor);
    const stop = start + pageSize(q.count) - 1;
    const op = { kind, key: keyFrom(q), start, stop } as Extract<Operation, { kind: K }>;
    return { start, page: await this.run(profile, op) };
  }

  async listPage(profile: ConnectionProfile, q: PageRequest) {
    const { start, page } = await this.byIndex(profile, "listRange", q);
    return answer(
      page,
      page.items.map((v, i) => ({ index: start + i, ...dataOut("value", v) })),
    );
  }

  async setPage(profile: ConnectionProfile, q: PageRequest) {
    const page = await this.byScan(profile, "setScan", q);
    return answer(
      page,
      page.items.map((m) => nameOut("member", m)),
    );
  }

  async zsetPage(profile: ConnectionProfile, q: PageRequest) {
    const { start, page } = await this.byIndex(profile, "zsetRange", q);
    return answer(
      page,
      page.items.map((m, i) => ({
        rank: start + i,
        ...nameOut("member", m.member),
        score: scoreOut(m.score),
      })),
    );
  }

  async streamPage(profile: ConnectionProfile, q: PageRequest) {
    this.requireType(profile, "stream");
    const start = q.cursor === undefined || q.cursor === "" || q.cursor === "0" ? "-" : q.cursor;
    const page = await this.run(profile, {
      kind: "streamRange",
      key: keyFrom(q),
      start,
      end: "+",
      count: pageSize(q.count),
    });
    return answer(
      page,
      page.items.map((e) => ({
        id: e.id,
        fields: e.fields.map(([f, v]) => ({ ...nameOut("field", f), ...dataOut("value", v) })),
      })),
    );
  }
}

export type CollectionPageOut = Awaited<ReturnType<ValuePages["page"]>>;
