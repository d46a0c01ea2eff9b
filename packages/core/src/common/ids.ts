/** Sortable unique ids: time prefix (ms, base36) plus randomness. */
export function newId(prefix: string): string {
  const rand = crypto.getRandomValues(new Uint8Array(8));
  let r = "";
  for (const b of rand) r += b.toString(36).padStart(2, "0");
  return `${prefix}_${Date.now().toString(36)}${r.slice(0, 12)}`;
}
