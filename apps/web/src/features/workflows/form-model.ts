import type { ParamDescriptor } from "../../api/types.ts";
import {
  detectFormat,
  entriesToJsonLines,
  parseEntries,
  type WarmupEntry,
} from "./parse-entries.ts";

/**
 * A template form's state: every param as the user typed it (text), the warm-up entries' source,
 * and the few policy settings the form offers. Converted to the API's params on send; the server
 * validates and its message is shown next to the field it names.
 */
export interface EntriesState {
  /** typed: the text box (sent as inline entries); upload: a file picked in the browser (its content is sent); kept: a rerun keeps the original entries. */
  source: "typed" | "upload" | "kept";
  text: string;
  fileName?: string;
  /** An upload's size as sent (its text JSON-escaped, in UTF-8 bytes), measured once when picked. */
  uploadBytes?: number;
  /** What "kept" stands for ("<12 inline entries>"). */
  keptNote?: string;
  /** Why a file must be picked again (a rerun of an uploaded file, or of a path read by the CLI). */
  pickAgain?: string;
}

/**
 * The most an upload may take as sent: the studio takes request bodies up to 64 MiB, and the
 * rest of the request needs a little room. Larger files go through the CLI (param file).
 */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024 - 64 * 1024;

/** The bytes an uploaded text takes in the request (JSON-escaped, UTF-8). */
export function uploadSize(text: string): number {
  return new TextEncoder().encode(JSON.stringify(text)).byteLength;
}

export function tooLargeToUpload(fileName: string | undefined, bytes: number): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${fileName ?? "The file"} takes ${mib(bytes)} to upload; the studio takes up to ${mib(MAX_UPLOAD_BYTES)}. Run a file this large with the command line instead: cachify workflow plan warmup-set --profile NAME --param file=PATH.`;
}

export interface FormState {
  params: Record<string, string>;
  entries: EntriesState;
  policy: Record<string, string>;
}

export const POLICY_FIELDS: readonly {
  name: string;
  label: string;
  hint: string;
  kind: "integer" | "enum";
  values?: readonly { value: string; label: string }[];
}[] = [
  {
    name: "batchSize",
    label: "Batch size",
    hint: "keys per batch (1 to 10,000; default 1,000)",
    kind: "integer",
  },
  {
    name: "maxOpsPerSecond",
    label: "Max keys per second",
    hint: "throttle (empty: as fast as the server answers)",
    kind: "integer",
  },
  {
    name: "stepTimeoutMs",
    label: "Batch timeout (ms)",
    hint: "each batch attempt (default: the profile's timeout)",
    kind: "integer",
  },
  {
    name: "retry.maxAttempts",
    label: "Attempts per batch",
    hint: "1 = no retry (default: the profile's retry)",
    kind: "integer",
  },
  {
    name: "onAbort",
    label: "When aborted",
    hint: "what happens when an abort rule trips",
    kind: "enum",
    values: [
      { value: "stop", label: "stop where it is" },
      { value: "stopAndRollback", label: "stop and roll back" },
    ],
  },
];

const WARMUP_SOURCE_PARAMS = new Set(["entries", "file", "content", "format"]);

/** Params the generic field list shows (the warm-up source has its own control). */
export function plainParams(descriptors: readonly ParamDescriptor[]): ParamDescriptor[] {
  return descriptors.filter((d) => !WARMUP_SOURCE_PARAMS.has(d.name));
}

export function isWarmup(descriptors: readonly ParamDescriptor[]): boolean {
  return descriptors.some((d) => d.name === "entries");
}

function text(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : String(v);
}

/** Form state from params (a saved preset's, or an execution's for "rerun with edits"). */
export function formFromParams(
  descriptors: readonly ParamDescriptor[],
  params: Record<string, unknown> = {},
  policy: Record<string, unknown> = {},
): FormState {
  const out: FormState = {
    params: {},
    entries: { source: "typed", text: "" },
    policy: {},
  };
  for (const d of plainParams(descriptors)) {
    const v = params[d.name] ?? d.aliases?.map((a) => params[a]).find((x) => x !== undefined);
    out.params[d.name] = text(v);
  }
  if (isWarmup(descriptors)) {
    if (typeof params.format === "string") out.params.format = params.format;
    if (typeof params.file === "string") {
      // The studio reads no path for the browser: the file must be picked and uploaded.
      out.entries = {
        source: "upload",
        text: "",
        pickAgain: `The original run read ${params.file} on the studio's machine (from the command line): pick that file to upload it.`,
      };
    } else if (typeof params.content === "string") {
      out.entries = {
        source: "upload",
        text: "",
        pickAgain: `The original run's file was uploaded (${params.content}) and is not kept: pick it again.`,
      };
    } else if (Array.isArray(params.entries)) {
      out.entries = { source: "typed", text: entriesToJsonLines(params.entries as WarmupEntry[]) };
    } else if (typeof params.entries === "string") {
      out.entries = { source: "kept", text: "", keptNote: params.entries };
    }
  }
  const flat = flatten(policy);
  for (const f of POLICY_FIELDS) out.policy[f.name] = text(flat[f.name]);
  return out;
}

function flatten(o: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "object" && v !== null && !Array.isArray(v))
      Object.assign(out, flatten(v as Record<string, unknown>, name));
    else out[name] = v;
  }
  return out;
}

/** "600" → 600; anything that is not a plain number stays text so the server can say why. */
function numeric(v: string): number | string {
  const t = v.trim();
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

export interface BuiltParams {
  params: Record<string, unknown>;
  /** Client-side problems (unreadable entries) by field; nothing is sent while there are any. */
  problems: Record<string, string>;
  entryCount?: number;
}

/** The params to send. Empty fields are left out (the template's default applies). */
export function paramsFromForm(
  descriptors: readonly ParamDescriptor[],
  form: FormState,
): BuiltParams {
  const params: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  let entryCount: number | undefined;
  for (const d of plainParams(descriptors)) {
    const v = form.params[d.name] ?? "";
    if (v.trim() === "") continue;
    params[d.name] = d.type === "integer" || d.type === "number" ? numeric(v) : v;
  }
  if (isWarmup(descriptors)) {
    const e = form.entries;
    if (e.source === "upload") {
      // The file's content goes as it is; the studio reads it (and says which line is wrong).
      if (e.fileName !== undefined) {
        params.content = e.text;
        params.format = form.params.format || detectFormat(e.text, e.fileName);
        if ((e.uploadBytes ?? 0) > MAX_UPLOAD_BYTES) {
          problems.entries = tooLargeToUpload(e.fileName, e.uploadBytes!);
        }
      }
    } else if (e.source === "typed") {
      if (e.text.trim() !== "") {
        const parsed = parseEntries(e.text, detectFormat(e.text, e.fileName));
        entryCount = parsed.entries.length;
        if (parsed.errors.length > 0) problems.entries = parsed.errors.join(" ");
        else if (parsed.tooMany)
          problems.entries =
            "More than 10,000 entries: typed entries stop there. Save them in a file and pick it (File from this computer): a file is uploaded whole.";
        else params.entries = parsed.entries;
      }
    }
  }
  return { params, problems, ...(entryCount !== undefined ? { entryCount } : {}) };
}

export function policyFromForm(form: FormState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of POLICY_FIELDS) {
    const v = (form.policy[f.name] ?? "").trim();
    if (v !== "") out[f.name] = f.kind === "integer" ? numeric(v) : v;
  }
  return out;
}

/**
 * Where a server param (`details.param`) differs from the form field it is shown on: the warm-up's
 * sources all go in the one entries control. Every other param is its own field: a template
 * param by its name ("ttlSeconds"), a policy setting as "policy.<setting>" ("policy.batchSize").
 */
export const FIELD_OF_PARAM: Readonly<Record<string, string>> = {
  file: "entries",
  content: "entries",
  format: "entries",
};

/**
 * The form field a param the server names (`details.param`) is shown on, or undefined when this
 * form shows no such field (the error is then the whole form's). `withPolicy`: the form has the
 * policy settings (a rerun's has not).
 */
export function fieldOfParam(
  param: string,
  descriptors: readonly ParamDescriptor[],
  withPolicy = true,
): string | undefined {
  const field = FIELD_OF_PARAM[param] ?? param;
  if (field === "entries") return isWarmup(descriptors) ? field : undefined;
  if (field.startsWith("policy.")) {
    const shown = withPolicy && POLICY_FIELDS.some((f) => `policy.${f.name}` === field);
    return shown ? field : undefined;
  }
  return plainParams(descriptors).some((d) => d.name === field) ? field : undefined;
}

/** Params changed between the original run and the edited form: what the rerun will change. */
export function paramsChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { param: string; from: unknown; to: unknown }[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return names
    .filter((n) => !same(before[n], after[n]))
    .map((n) => ({ param: n, from: before[n], to: after[n] }));
}
