/**
 * Sortable unique ids: time (ms, base36), a per-process random part, and a counter. Cheap enough
 * for every operation and history event (no random bytes drawn per id).
 */
const processPart = Array.from(crypto.getRandomValues(new Uint8Array(5)), (b) =>
  b.toString(36).padStart(2, "0"),
).join("");
let counter = 0;

export function newId(prefix: string): string {
  counter = (counter + 1) % 1_679_616; // 36^4
  return `${prefix}_${Date.now().toString(36)}${counter.toString(36).padStart(4, "0")}${processPart}`;
}
