import {
  badInput,
  type Confirmation,
  type ConnectionProfile,
  checkGlob,
  type OperationGate,
  type Origin,
  type ValueType,
} from "@cachify/core";
import { keyOut, ttlSeconds, valueOut } from "./key-args.ts";

const VALUE_TYPES: ValueType[] = ["string", "hash", "list", "set", "zset", "stream"];

export interface KeyListRequest {
  match?: string | undefined;
  type?: string | undefined;
  count?: number | undefined;
  cursor?: string | undefined;
}

/**
 * The key-level actions the CLI and the API share. Each one is a gate call (or two): nothing
 * here talks to an engine directly.
 */
export class KeyActions {
  constructor(
    private readonly deps: { gate: Pick<OperationGate, "run"> },
    private readonly origin: Origin,
  ) {}

  async list(profile: ConnectionProfile, req: KeyListRequest) {
    if (req.match !== undefined) checkGlob(req.match); // a clear error before anything is sent
    if (req.type !== undefined && !VALUE_TYPES.includes(req.type as ValueType)) {
      throw badInput(`Unknown type "${req.type}": use one of ${VALUE_TYPES.join(", ")}.`);
    }
    const count = req.count ?? 500;
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      throw badInput("count must be a whole number from 1 to 10000.");
    }
    const ctx = { origin: this.origin };
    const page = await this.deps.gate.run(
      profile,
      {
        kind: "scan",
        cursor: req.cursor ?? "0",
        count,
        ...(req.match !== undefined ? { match: req.match } : {}),
        ...(req.type !== undefined ? { type: req.type as ValueType } : {}),
      },
      ctx,
    );
    // Type and TTL only for the keys of this page (one pipelined round trip).
    const info = page.keys.length
      ? await this.deps.gate.run(profile, { kind: "describe", keys: page.keys }, ctx)
      : [];
    return {
      keys: info.map((i) => ({
        ...keyOut(i.key),
        type: i.type,
        ttl: ttlSeconds(i.ttlMs),
        ...(i.sizeBytes !== undefined ? { sizeBytes: i.sizeBytes } : {}),
      })),
      cursor: page.cursor,
      done: page.done,
      ...(page.total !== undefined ? { total: page.total } : {}),
      ...(page.bestEffort ? { bestEffort: page.bestEffort } : {}),
    };
  }

  /** One key's type, TTL and (for a string) value bytes, as the gate reads them. */
  read(profile: ConnectionProfile, key: Uint8Array) {
    return this.deps.gate.run(profile, { kind: "get", key }, { origin: this.origin });
  }

  async get(profile: ConnectionProfile, key: Uint8Array) {
    const read = await this.read(profile, key);
    return {
      ...keyOut(read.key),
      type: read.type,
      ttl: ttlSeconds(read.ttlMs),
      ...(read.value !== undefined ? valueOut(read.value) : { value: null }),
      ...(read.sizeBytes !== undefined ? { sizeBytes: read.sizeBytes } : {}),
    };
  }

  async set(
    profile: ConnectionProfile,
    key: Uint8Array,
    value: Uint8Array,
    ttl: number | undefined,
    confirmation: Confirmation | undefined,
  ) {
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1)) {
      throw badInput("ttl must be a whole number of seconds, 1 or more.");
    }
    return this.deps.gate.run(
      profile,
      { kind: "set", key, value, ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) },
      { origin: this.origin, ...(confirmation ? { confirmation } : {}) },
    );
  }

  async delete(
    profile: ConnectionProfile,
    keys: Uint8Array[],
    confirmation: Confirmation | undefined,
  ) {
    if (keys.length === 0) throw badInput("Name at least one key to delete.");
    return this.deps.gate.run(
      profile,
      { kind: "delete", keys },
      { origin: this.origin, ...(confirmation ? { confirmation } : {}) },
    );
  }

  async expire(
    profile: ConnectionProfile,
    key: Uint8Array,
    seconds: number,
    confirmation: Confirmation | undefined,
  ) {
    if (!Number.isInteger(seconds) || (seconds < 1 && seconds !== -1)) {
      throw badInput(
        "SECONDS must be a whole number of seconds, 1 or more, or -1 to remove the TTL.",
      );
    }
    return this.deps.gate.run(
      profile,
      { kind: "expire", key, ttlSeconds: seconds },
      { origin: this.origin, ...(confirmation ? { confirmation } : {}) },
    );
  }
}
