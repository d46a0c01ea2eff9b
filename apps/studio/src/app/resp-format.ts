import { bytesAsUtf8, bytesToBase64, displayKey, type RespValue } from "@cachify/core";

/** A reply as JSON: bulk strings as text when UTF-8, else {base64}. */
export type JsonReply =
  | null
  | number
  | string
  | { error: string }
  | { base64: string }
  | JsonReply[];

export function replyToJson(r: RespValue): JsonReply {
  switch (r.type) {
    case "nil":
      return null;
    case "integer":
      return r.value;
    case "status":
      return r.value;
    case "error":
      return { error: r.value };
    case "bulk": {
      const t = bytesAsUtf8(r.value);
      return t !== undefined ? t : { base64: bytesToBase64(r.value) };
    }
    case "array":
      return r.value.map(replyToJson);
  }
}

/** redis-cli's way of printing a reply, binary bytes escaped. */
export function replyToText(r: RespValue, indent = ""): string {
  switch (r.type) {
    case "nil":
      return "(nil)";
    case "integer":
      return `(integer) ${r.value}`;
    case "status":
      return r.value;
    case "error":
      return `(error) ${r.value}`;
    case "bulk":
      return `"${displayKey(r.value).replace(/"/g, '\\"')}"`;
    case "array":
      if (r.value.length === 0) return "(empty array)";
      return r.value
        .map((v, i) => {
          const n = `${i + 1}) `;
          const inner = replyToText(v, `${indent}${" ".repeat(n.length)}`);
          return `${i === 0 ? "" : indent}${n}${inner}`;
        })
        .join("\n");
  }
}
