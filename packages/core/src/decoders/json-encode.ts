import { CachifyError } from "../common/errors.ts";
import type { DecodedNode } from "./node.ts";
import { encodeUtf8 } from "./reader.ts";

/**
 * Compact JSON, spelled as JSON.stringify and Python's `json.dumps(separators=(",", ":"),
 * ensure_ascii=False)` spell it, so a value those wrote re-encodes to the same bytes. Numbers keep
 * the spelling they were read with. Nodes JSON cannot hold say so instead of guessing.
 */
export function encodeJson(node: DecodedNode): Uint8Array {
  return encodeUtf8(toText(node));
}

function toText(n: DecodedNode): string {
  switch (n.kind) {
    case "null":
      return "null";
    case "bool":
      return n.value ? "true" : "false";
    case "int":
      return n.value;
    case "float":
      if (n.text !== undefined && /^-?[0-9]/.test(n.text)) return n.text;
      if (!Number.isFinite(n.value)) throw cannot("a non-finite float");
      return JSON.stringify(n.value);
    case "string":
      return JSON.stringify(n.value);
    case "list":
      return `[${n.items.map(toText).join(",")}]`;
    case "map":
      return `{${n.entries
        .map((e) => {
          if (e.key.kind !== "string") throw cannot(`a map key of kind ${e.key.kind}`);
          return `${JSON.stringify(e.key.value)}:${toText(e.value)}`;
        })
        .join(",")}}`;
    default:
      throw cannot(`a ${n.kind} node`);
  }
}

const cannot = (what: string) =>
  new CachifyError("bad-input", `JSON: cannot encode ${what}; choose a format that can hold it`);
