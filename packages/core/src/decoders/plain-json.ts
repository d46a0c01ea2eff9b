import type { DecodedNode } from "./node.ts";
import { encodeBase64 } from "./text-codecs.ts";

/**
 * The `--json` projection of a decoded value: plain JSON a script can read without knowing our
 * node kinds. Scalars become JSON scalars (integers beyond 2^53 and non-finite floats as strings
 * so nothing is rounded); what JSON has no word for becomes a one-key object tagged with `$`:
 * `{"$bytes": base64}`, `{"$object": class, ...}`, `{"$enum": ...}`, `{"$ref": n}`. A map whose
 * keys are all strings is a JSON object; any other map is `{"$map": [[key, value], ...]}`.
 */
export type PlainJson =
  | null
  | boolean
  | number
  | string
  | PlainJson[]
  | { [key: string]: PlainJson };

const b64 = (bytes: Uint8Array) => new TextDecoder().decode(encodeBase64(bytes));

export function toPlainJson(n: DecodedNode): PlainJson {
  switch (n.kind) {
    case "null":
      return null;
    case "bool":
      return n.value;
    case "int": {
      const v = Number(n.value);
      return Number.isSafeInteger(v) ? v : n.value;
    }
    case "float":
      return Number.isFinite(n.value) ? n.value : String(n.value);
    case "string":
      return n.value;
    case "bytes":
      return { $bytes: b64(n.value) };
    case "ext":
      return { $ext: n.type, $bytes: b64(n.value) };
    case "list":
      return n.variant ? { [`$${n.variant}`]: n.items.map(toPlainJson) } : n.items.map(toPlainJson);
    case "map": {
      if (n.entries.every((e) => e.key.kind === "string")) {
        const out: { [key: string]: PlainJson } = {};
        for (const e of n.entries) out[(e.key as { value: string }).value] = toPlainJson(e.value);
        return out;
      }
      return { $map: n.entries.map((e) => [toPlainJson(e.key), toPlainJson(e.value)]) };
    }
    case "object": {
      const out: { [key: string]: PlainJson } = { $object: n.className };
      if (n.construct) out.$construct = n.construct;
      if (n.args) out.$args = toPlainJson(n.args);
      if (n.state) out.$state = toPlainJson(n.state);
      if (n.raw) out.$raw = b64(n.raw);
      out.$fields = toPlainJson({ kind: "map", entries: n.fields });
      if (n.ref !== undefined) out.$id = n.ref;
      return out;
    }
    case "enum":
      return { $enum: `${n.className}::${n.name}` };
    case "reference":
      return { $ref: n.target };
    case "unknown":
      return { $unknown: n.reason, ...(n.value ? { $bytes: b64(n.value) } : {}) };
  }
}
