import { type ConnectionProfile, ENVIRONMENTS, SEVERITIES } from "@cachify/core";
import { z } from "zod";
import { parse } from "./parse.ts";

/**
 * The request shapes of the local API, in one place: every route parses its params, query and
 * body with these (parse.ts), so the same field is checked the same way everywhere.
 */

/** `/api/.../:id`: a profile, rule, plan or execution by id (a profile also by name). */
export const IdParams = z.object({ id: z.string().min(1) });

/** The answer to a 428 challenge: sent again with the same request. */
export const Confirm = z
  .object({ challengeId: z.string().optional(), typedName: z.string().optional() })
  .optional();

/** A body that only carries a confirmation (DELETE of a key, a profile, a lock). */
export const ConfirmBody = z.object({ confirm: Confirm }).optional();

/** Any byte string as text or base64: `<name>` or `<name>Base64`. */
export const bytesRef = <N extends string>(name: N) =>
  ({
    [name]: z.string().optional(),
    [`${name}Base64`]: z.string().optional(),
  }) as { [K in N | `${N}Base64`]: z.ZodOptional<z.ZodString> };

/** A key as text or as its exact bytes (base64). */
export const KeyRef = bytesRef("key");
export const KeyQuery = z.object(KeyRef);

/** Members per page (keys, collections). */
export const PageCount = z.coerce.number().int().min(1).max(10_000).optional();

/** A list limit in a query string. */
export const Limit = z.coerce.number().int().min(1).max(1000).optional();

/** A list in a query string: `a,b` or repeated `x=a&x=b`. */
export const QueryList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    [v]
      .flat()
      .flatMap((s) => s.split(","))
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  )
  .optional();

/** A partial record of switches / fields: the core checks each one (one rule set for API and CLI). */
export const AnyRecord = z.record(z.string(), z.unknown());

export const Environment = z.enum(ENVIRONMENTS as unknown as ["dev", "staging", "prod"]);
export const Severity = z.enum(SEVERITIES);

// ---- values ----------------------------------------------------------------------------------

export const Score = z.union([
  z.number(),
  z.string().regex(/^[+-]?(inf|\d+(\.\d+)?([eE][+-]?\d+)?)$/i),
]);
export const StreamField = z.object({ ...bytesRef("field"), ...bytesRef("value") });
const StreamFields = z.array(StreamField).min(1).max(1000);
const keyed = <S extends z.ZodRawShape>(shape: S) =>
  z.object({ ...KeyRef, ...shape, confirm: Confirm });

export const ValueBodies = {
  hashSet: keyed({ ...bytesRef("field"), ...bytesRef("value") }),
  hashDelete: keyed(bytesRef("field")),
  listPush: keyed({ ...bytesRef("value"), end: z.enum(["head", "tail"]).optional() }),
  listSet: keyed({ index: z.number().int(), ...bytesRef("value"), ...bytesRef("expected") }),
  listRemove: keyed({ index: z.number().int(), ...bytesRef("expected") }),
  setAdd: keyed(bytesRef("member")),
  setRemove: keyed(bytesRef("member")),
  zsetAdd: keyed({ ...bytesRef("member"), score: Score }),
  zsetRemove: keyed(bytesRef("member")),
  streamAdd: keyed({ id: z.string().max(100).optional(), fields: StreamFields }),
  streamDelete: keyed({ id: z.string().max(100) }),
  string: keyed({ ...bytesRef("value"), keepTtl: z.boolean().optional() }),
  create: keyed({
    type: z.enum(["string", "hash", "list", "set", "zset", "stream"]),
    ...bytesRef("value"),
    ...bytesRef("field"),
    ...bytesRef("member"),
    score: Score.optional(),
    fields: StreamFields.optional(),
    ttl: z.number().int().min(1).optional(),
  }),
  rename: keyed({ ...bytesRef("newKey"), overwrite: z.boolean().optional() }),
  ttl: keyed({ ttl: z.number().int() }),
  /** PUT /key: a string value, with a TTL for a new one. */
  set: keyed({ ...bytesRef("value"), ttl: z.number().int().min(1).optional() }),
};

export const CollectionPageQuery = z.object({
  ...KeyRef,
  cursor: z.string().max(200).optional(),
  count: PageCount,
  match: z.string().max(10_000).optional(),
});

const MiB = 1024 * 1024;
const cap = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

/**
 * GET /value/view: the key, the view (`auto` or a chain such as `gzip,json`), and the decode
 * limits a user may raise past their defaults, named as a limit error names them.
 */
export const ValueViewQuery = z.object({
  ...KeyRef,
  view: z.string().max(200).optional(),
  maxOutputBytes: cap(1, 1024 * MiB),
  maxInputBytes: cap(1, 1024 * MiB),
  maxDepth: cap(1, 10_000),
  maxNodes: cap(1, 100_000_000),
  timeoutMs: cap(100, 120_000),
});

export const KeyListQuery = z.object({
  match: z.string().optional(),
  type: z.string().optional(),
  count: PageCount,
  cursor: z.string().optional(),
});

// ---- observability ---------------------------------------------------------------------------

export const RangeQuery = z.object({
  range: z.string().optional(),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  step: z.coerce.number().int().optional(),
  profiles: QueryList,
});

export const TimelineQuery = z.object({
  profiles: QueryList,
  profileId: z.string().optional(),
  environments: QueryList,
  sources: QueryList,
  severities: QueryList,
  since: z.coerce.number().int().optional(),
  until: z.coerce.number().int().optional(),
  q: z.string().max(200).optional(),
  limit: Limit,
  beforeId: z.string().optional(),
});

const Switches = <K extends string>(...names: K[]) =>
  z.object(
    Object.fromEntries(names.map((n) => [n, z.boolean().optional()])) as Record<
      K,
      z.ZodOptional<z.ZodBoolean>
    >,
  );
const Numbers = <K extends string>(...names: K[]) =>
  z.object(
    Object.fromEntries(names.map((n) => [n, z.number().optional()])) as Record<
      K,
      z.ZodOptional<z.ZodNumber>
    >,
  );

export const ObservabilitySettingsBody = z.object({
  pollIntervalMs: z.number().int().optional(),
  eventsIntervalMs: z.number().int().optional(),
  metricsRetentionDays: z.number().int().optional(),
  timelineRetentionDays: z.number().int().optional(),
  notifications: Switches("inApp", "desktop", "workflows").optional(),
  health: Numbers("slowPingMs", "memoryRatio", "connectionsRatio").optional(),
});

export const AlertRuleBody = z.object({
  name: z.string().optional(),
  enabled: z.boolean().optional(),
  severity: Severity.optional(),
  scope: z
    .object({
      profiles: z.array(z.string()).optional(),
      environments: z.array(Environment).optional(),
    })
    .optional(),
  metric: z.string().optional(),
  reduce: z.enum(["last", "avg", "max", "rate"]).optional(),
  windowMs: z.number().int().optional(),
  op: z.enum([">", ">=", "<", "<=", "==", "!="]).optional(),
  threshold: z.number().optional(),
  forMs: z.number().int().optional(),
  repeatIntervalMs: z.number().int().optional(),
  notify: Switches("inApp", "desktop").optional(),
  sendResolved: z.boolean().optional(),
});

/** Resolves the profile a route's `:id` names (by id or name). */
export function profileParam(profiles: { resolve(ref: string): ConnectionProfile }) {
  return (params: unknown): ConnectionProfile =>
    profiles.resolve(parse(IdParams, params, "path").id);
}
