import { badInput } from "../common/errors.ts";
import { checkGlob } from "../common/glob.ts";
import {
  BUILTIN_TEMPLATES,
  CONDITIONS,
  type TemplateDescriptor,
  TTL_MODES,
  VALUE_TYPES,
} from "./template-descriptors.ts";
import type {
  BuiltinTemplateId,
  DeleteByPatternParams,
  TtlNormalizeParams,
  WarmupEntryInput,
  WarmupSetParams,
  WorkflowSpec,
} from "./types.ts";
import { BUILTIN_IDS } from "./types.ts";

/** Longest TTL a template accepts: 10 years (Memcached cannot go past 2038 anyway). */
const MAX_TTL_SECONDS = 315_360_000;
/** Inline entries travel in the plan's params: keep them small; larger sets belong in a file. */
export const MAX_INLINE_ENTRIES = 10_000;

export function templateDescriptor(id: string): TemplateDescriptor {
  const t = BUILTIN_TEMPLATES.find((d) => d.id === id);
  if (!t) {
    throw badInput(`Unknown template "${id}": use one of ${BUILTIN_IDS.join(", ")}.`, {
      param: "template",
    });
  }
  return t;
}

export function isBuiltinId(id: string): id is BuiltinTemplateId {
  return (BUILTIN_IDS as readonly string[]).includes(id);
}

/**
 * Parses `K=V` pairs (the CLI's --param) into a params object. Values stay text; validation
 * converts them. `entries` may be given as JSON.
 */
export function paramsFromPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw badInput(`--param "${pair}" is not K=V: write it as name=value, e.g. pattern=user:*.`, {
        param: eq < 0 ? pair.trim() : "params",
      });
    }
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1);
    if (name === "entries") {
      try {
        out[name] = JSON.parse(value);
      } catch {
        throw badInput('--param entries=... must be JSON: [{"key":"k","value":"v"}].', {
          param: "entries",
        });
      }
    } else out[name] = value;
  }
  return out;
}

/** Resolves aliases (ttl → ttlSeconds) and refuses names the template does not have. */
function canonical(t: TemplateDescriptor, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || value === null || value === "") continue;
    const d = t.params.find((p) => p.name === name || p.aliases?.includes(name));
    if (!d) {
      throw badInput(
        `Template ${t.id} has no param "${name}": its params are ${t.params.map((p) => p.name).join(", ")}.`,
        { param: name },
      );
    }
    if (d.name in out) {
      throw badInput(`Param ${d.name} is given twice (as ${name} too): give it once.`, {
        param: d.name,
      });
    }
    out[d.name] = value;
  }
  for (const d of t.params) {
    if (d.required && !(d.name in out)) {
      throw badInput(`Template ${t.id} needs the param ${d.name} (${d.help}).`, {
        param: d.name,
      });
    }
  }
  return out;
}

function integer(
  t: string,
  name: string,
  v: unknown,
  min: number,
  max: number,
  hint: string,
  param = name,
): number {
  const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min || n > max) {
    throw badInput(
      `Param ${name} of ${t} must be a whole number from ${min} to ${max.toLocaleString("en-US")} (${hint}); got ${JSON.stringify(v)}.`,
      { param },
    );
  }
  return n;
}

function decimal(t: string, name: string, v: unknown, min: number, max: number): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
    throw badInput(
      `Param ${name} of ${t} must be a number from ${min} to ${max}; got ${JSON.stringify(v)}.`,
      { param: name },
    );
  }
  return n;
}

function oneOf<T extends string>(t: string, name: string, v: unknown, values: readonly T[]): T {
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
    throw badInput(
      `Param ${name} of ${t} must be one of ${values.join(", ")}; got ${JSON.stringify(v)}.`,
      { param: name },
    );
  }
  return v as T;
}

function pattern(t: string, v: unknown): string {
  if (typeof v !== "string" || v === "") {
    throw badInput(`Param pattern of ${t} must be a glob pattern such as user:*.`, {
      param: "pattern",
    });
  }
  try {
    checkGlob(v);
  } catch (e) {
    throw badInput(`Param pattern of ${t}: ${(e as Error).message}`, { param: "pattern" });
  }
  return v;
}

function entries(v: unknown): WarmupEntryInput[] {
  if (!Array.isArray(v)) {
    throw badInput('Param entries of warmup-set must be a list: [{"key":"k","value":"v"}].', {
      param: "entries",
    });
  }
  if (v.length > MAX_INLINE_ENTRIES) {
    throw badInput(
      `Param entries of warmup-set holds ${v.length} entries; inline entries are limited to ${MAX_INLINE_ENTRIES.toLocaleString("en-US")}: put larger sets in a JSON-lines or CSV file (param file).`,
      { param: "entries" },
    );
  }
  return v.map((e, i) => {
    const where = `entry ${i + 1} of param entries`;
    const at = { param: "entries", entry: i + 1 };
    if (typeof e !== "object" || e === null) throw badInput(`${where} is not an object.`, at);
    const o = e as Record<string, unknown>;
    const out: WarmupEntryInput = {};
    for (const f of ["key", "keyBase64", "value", "valueBase64"] as const) {
      if (o[f] !== undefined) {
        if (typeof o[f] !== "string") throw badInput(`${where}: ${f} must be text.`, at);
        out[f] = o[f] as string;
      }
    }
    if ((out.key === undefined) === (out.keyBase64 === undefined)) {
      throw badInput(`${where} needs a key (key or keyBase64, one of them).`, at);
    }
    if (out.value === undefined && out.valueBase64 === undefined) {
      throw badInput(`${where} needs a value (value or valueBase64).`, at);
    }
    if (o.ttlSeconds !== undefined) {
      out.ttlSeconds = integer(
        "warmup-set",
        `ttlSeconds of ${where}`,
        o.ttlSeconds,
        1,
        MAX_TTL_SECONDS,
        "seconds",
        "entries",
      );
    }
    return out;
  });
}

/**
 * Checks a template's params and returns them typed. Every error names the param and says what
 * to give instead. Text values (from the CLI) are converted.
 */
export function validateSpec(builtin: string, input: Record<string, unknown>): WorkflowSpec {
  const t = templateDescriptor(builtin);
  const p = canonical(t, input);
  switch (t.id) {
    case "delete-by-pattern": {
      const params: DeleteByPatternParams = { pattern: pattern(t.id, p.pattern) };
      if (p.type !== undefined) params.type = oneOf(t.id, "type", p.type, VALUE_TYPES);
      if (p.limit !== undefined)
        params.limit = integer(t.id, "limit", p.limit, 1, 1_000_000_000, "keys");
      return { builtin: t.id, params };
    }
    case "ttl-normalize": {
      const params: TtlNormalizeParams = {
        pattern: pattern(t.id, p.pattern),
        ttlSeconds: integer(t.id, "ttlSeconds", p.ttlSeconds, 1, MAX_TTL_SECONDS, "seconds"),
        mode: p.mode === undefined ? "all" : oneOf(t.id, "mode", p.mode, TTL_MODES),
      };
      if (p.spreadPercent !== undefined) {
        params.spreadPercent = decimal(t.id, "spreadPercent", p.spreadPercent, 0, 50);
      }
      if (p.type !== undefined) params.type = oneOf(t.id, "type", p.type, VALUE_TYPES);
      if (p.limit !== undefined)
        params.limit = integer(t.id, "limit", p.limit, 1, 1_000_000_000, "keys");
      return { builtin: t.id, params };
    }
    case "warmup-set": {
      const params: WarmupSetParams = {
        condition:
          p.condition === undefined ? "always" : oneOf(t.id, "condition", p.condition, CONDITIONS),
      };
      if (p.file !== undefined) {
        if (typeof p.file !== "string")
          throw badInput("Param file of warmup-set must be a path.", { param: "file" });
        params.file = p.file;
      }
      if (p.content !== undefined) {
        if (typeof p.content !== "string") {
          throw badInput(
            "Param content of warmup-set must be the file's text (JSON lines or CSV).",
            { param: "content" },
          );
        }
        params.content = p.content;
      }
      if (p.format !== undefined)
        params.format = oneOf(t.id, "format", p.format, ["jsonl", "csv"] as const);
      if (p.entries !== undefined) params.entries = entries(p.entries);
      const sources = [params.file, params.content, params.entries].filter((x) => x !== undefined);
      if (sources.length !== 1) {
        throw badInput(
          "Template warmup-set needs its entries from one place: param content (an uploaded JSON-lines or CSV file), param entries (inline), or param file (a path, CLI only); not several and not none.",
          { param: "entries" },
        );
      }
      if (p.ttlSeconds !== undefined) {
        params.ttlSeconds = integer(
          t.id,
          "ttlSeconds",
          p.ttlSeconds,
          1,
          MAX_TTL_SECONDS,
          "seconds",
        );
      }
      return { builtin: t.id, params };
    }
  }
}

/** The params as stored and compared (typed values, canonical names). */
export function specParams(spec: WorkflowSpec): Record<string, unknown> {
  return { ...spec.params } as Record<string, unknown>;
}
