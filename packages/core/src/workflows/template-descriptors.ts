import type { ValueType } from "../operations/operation.ts";
import type { BuiltinTemplateId, TtlMode, WarmupCondition } from "./types.ts";

/**
 * The built-in templates as the API and the CLI list them: each param's name (what a refusal
 * names in `details.param`), kind, aliases and help.
 */

export interface ParamDescriptor {
  name: string;
  type: "string" | "integer" | "number" | "enum" | "entries";
  required: boolean;
  values?: readonly string[];
  aliases?: readonly string[];
  help: string;
}

export interface TemplateDescriptor {
  id: BuiltinTemplateId;
  version: number;
  name: string;
  description: string;
  /** Changes or deletes data that exists (needs a typed confirmation of the count). */
  destructive: boolean;
  params: readonly ParamDescriptor[];
  engines: { redis: string; memcached: string };
}

export const VALUE_TYPES: readonly ValueType[] = [
  "string",
  "hash",
  "list",
  "set",
  "zset",
  "stream",
];
export const TTL_MODES: readonly TtlMode[] = ["all", "persistent-only", "clamp-max", "clamp-min"];
export const CONDITIONS: readonly WarmupCondition[] = ["always", "if-absent", "if-present"];

export const BUILTIN_TEMPLATES: readonly TemplateDescriptor[] = [
  {
    id: "delete-by-pattern",
    version: 1,
    name: "Delete by pattern",
    description:
      "Deletes every key matching a glob pattern (UNLINK on Redis 4 and later, md on Memcached).",
    destructive: true,
    params: [
      {
        name: "pattern",
        type: "string",
        required: true,
        help: "glob pattern, e.g. session:* (Redis MATCH syntax)",
      },
      {
        name: "type",
        type: "enum",
        required: false,
        values: VALUE_TYPES,
        help: "only keys of this type (Redis)",
      },
      { name: "limit", type: "integer", required: false, help: "delete at most this many keys" },
    ],
    engines: {
      redis: "standalone, Sentinel and Cluster (every primary scanned in parallel)",
      memcached:
        "keys listed with lru_crawler metadump (best effort) and deleted on the server that listed them",
    },
  },
  {
    id: "ttl-normalize",
    version: 1,
    name: "TTL normalize",
    description:
      "Sets the TTL of matching keys: all of them, only those without a TTL, or clamps TTLs to a maximum or a minimum; an optional spread keeps them from expiring at the same moment.",
    destructive: true,
    params: [
      { name: "pattern", type: "string", required: true, help: "glob pattern, e.g. cache:*" },
      {
        name: "ttlSeconds",
        type: "integer",
        required: true,
        aliases: ["ttl"],
        help: "the TTL in seconds",
      },
      {
        name: "mode",
        type: "enum",
        required: false,
        values: TTL_MODES,
        help: "all (default) | persistent-only (keys without a TTL) | clamp-max (lower longer TTLs and give persistent keys one) | clamp-min (raise shorter TTLs)",
      },
      {
        name: "spreadPercent",
        type: "number",
        required: false,
        aliases: ["spread"],
        help: "vary each key's TTL by up to this percent (0-50), the same for a key every run",
      },
      {
        name: "type",
        type: "enum",
        required: false,
        values: VALUE_TYPES,
        help: "only keys of this type (Redis)",
      },
      { name: "limit", type: "integer", required: false, help: "change at most this many keys" },
    ],
    engines: {
      redis:
        "EXPIRE with NX / LT / GT on Redis 7 and later (atomic per key); earlier servers read the TTL first",
      memcached: "mg with T; modes other than all read the TTL first (not atomic)",
    },
  },
  {
    id: "warmup-set",
    version: 1,
    name: "Warm-up set",
    description:
      "Writes keys from a JSON-lines or CSV file (uploaded, or a path for the CLI), or from inline entries, always, only where missing, or only where present.",
    destructive: true,
    params: [
      {
        name: "file",
        type: "string",
        required: false,
        help: 'CLI only: the path of a JSON-lines ({"key":..,"value":..,"ttlSeconds"?:..}) or CSV (key,value[,ttlSeconds] header) file',
      },
      {
        name: "content",
        type: "string",
        required: false,
        help: "the content of such a file, uploaded (the API reads no path: the web form sends the file you pick)",
      },
      {
        name: "format",
        type: "enum",
        required: false,
        values: ["jsonl", "csv"],
        help: "file format (default: a file's name ending in .csv, or content not starting with {, is CSV; anything else JSON lines)",
      },
      {
        name: "entries",
        type: "entries",
        required: false,
        help: "inline entries [{key, value, ttlSeconds?}] (API and saved templates)",
      },
      {
        name: "ttlSeconds",
        type: "integer",
        required: false,
        aliases: ["ttl"],
        help: "TTL for entries without their own (default: no expiry)",
      },
      {
        name: "condition",
        type: "enum",
        required: false,
        values: CONDITIONS,
        help: "always (default) | if-absent (never overwrite) | if-present (only refresh)",
      },
    ],
    engines: {
      redis: "SET, SET NX or SET XX, pipelined (per node in a Cluster)",
      memcached: "ms in set, add (ME) or replace (MR) mode on the key's server (ketama)",
    },
  },
];
