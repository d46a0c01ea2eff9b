import {
  badInput,
  type CachifyError,
  type ConnectionProfile,
  type ParamChange,
  PROFILE_DEFAULTS,
  RETRY_DISABLED,
  specParams,
  templateDescriptor,
  validateSpec,
} from "@cachify/core";

/** Files are read where their user chose them: the CLI's own user. Over HTTP, contents only. */
export const PATH_REFUSED =
  "Param file names a path on the studio's machine, which the studio reads only for its command line: upload the file's contents instead (param content; the web form does this with the file you pick), or run it with cachify workflow plan warmup-set --param file=PATH.";

/** The refusal of a path over HTTP, on the param that gave it. */
export const pathRefused = () => badInput(PATH_REFUSED, { param: "file" });

/** Policy checks for saved templates need a profile's defaults; these are the product's. */
export const NEUTRAL_PROFILE = {
  timeoutMs: PROFILE_DEFAULTS.timeoutMs,
  retry: RETRY_DISABLED,
} as ConnectionProfile;

/** Overlays edits (any alias: ttl or ttlSeconds) on params; an empty value removes a param. */
export function mergeParams(
  builtin: string,
  base: Record<string, unknown>,
  edits: Record<string, unknown>,
): Record<string, unknown> {
  const d = templateDescriptor(builtin);
  const out: Record<string, unknown> = { ...base };
  // A warm-up's entries come from one place: one given in the edits replaces the base's.
  if (WARMUP_SOURCES.some((k) => edits[k] !== undefined && edits[k] !== "")) {
    for (const k of WARMUP_SOURCES) delete out[k];
  }
  for (const [name, value] of Object.entries(edits)) {
    const p = d.params.find((x) => x.name === name || x.aliases?.includes(name));
    if (!p) {
      throw badInput(
        `Template ${builtin} has no param "${name}": its params are ${d.params.map((x) => x.name).join(", ")}.`,
        { param: name },
      );
    }
    if (value === "" || value === null || value === undefined) delete out[p.name];
    else out[p.name] = value;
  }
  return out;
}

/** Validates the params a saved template gives; the ones each run must give may be missing. */
export function partialParams(
  builtin: string,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const d = templateDescriptor(builtin);
  const filled: Record<string, unknown> = { ...params };
  if (d.id !== "warmup-set") {
    filled.pattern ??= "*";
    if (d.id === "ttl-normalize") filled.ttlSeconds ??= 1;
  } else if (filled.file === undefined && filled.entries === undefined) filled.entries = [];
  const typed = specParams(validateSpec(builtin, filled));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(params)) if (typed[k] !== undefined) out[k] = typed[k];
  return out;
}

const WARMUP_SOURCES = ["file", "content", "entries"];

/** Inline warm-up values stay out of execution records (history never holds values). */
export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(params.entries)) return params;
  return { ...params, entries: `<${params.entries.length} inline entries>` };
}

/** A rerun's change of inline entries, as an execution record keeps it (no values). */
export function redactChange(c: ParamChange): ParamChange {
  const shown = (v: unknown) => (Array.isArray(v) ? `<${v.length} inline entries>` : v);
  return c.param === "entries" ? { ...c, from: shown(c.from), to: shown(c.to) } : c;
}

/** A plan keeps an upload as its size only: a new dry-run needs the file again. */
export function uploadGone(note: string): CachifyError {
  return badInput(
    `The entries were uploaded (${note}) and are not kept: upload the file again (param content) for a new dry-run.`,
    { param: "content" },
  );
}
