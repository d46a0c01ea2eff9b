import {
  bytesAsUtf8,
  bytesToBase64,
  displayKey,
  type JsonReply,
  type RespValue,
} from "@cachify/core";

/** A reply as JSON: bulk strings as text when UTF-8, else {base64}. */
export type { JsonReply } from "@cachify/core";

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

/**
 * Commands whose one bulk-string reply is a report of lines (INFO, CLIENT LIST, LATENCY DOCTOR):
 * redis-cli prints these as text, not as one quoted string full of \r\n. Keyed "name" or
 * "name sub", lower case.
 */
const REPORTS = new Set([
  "info",
  "lolwut",
  "client list",
  "client info",
  "cluster nodes",
  "cluster info",
  "memory doctor",
  "memory malloc-stats",
  "latency doctor",
  "latency graph",
  "latency histogram",
  "debug htstats",
  "debug htstats-key",
]);

/** The reply as redis-cli prints it for the command `args` (reports as plain text). */
export function consoleText(r: RespValue, args: string[]): string {
  const name = (args[0] ?? "").toLowerCase();
  const sub = `${name} ${(args[1] ?? "").toLowerCase()}`;
  if (r.type === "bulk" && (REPORTS.has(name) || REPORTS.has(sub))) {
    const text = bytesAsUtf8(r.value);
    if (text !== undefined) return text.replace(/\r\n/g, "\n").replace(/\n$/, "");
  }
  return replyToText(r);
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
