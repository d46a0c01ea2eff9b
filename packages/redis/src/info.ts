/** Parses INFO output into flat fields (`# Section` headers dropped). */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    const i = line.indexOf(":");
    if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1);
  }
  return fields;
}

/** Number of keys in one db from the keyspace section (`db0:keys=12,expires=0,...`). */
export function keysInDb(fields: Record<string, string>, db: number): number {
  const m = /keys=(\d+)/.exec(fields[`db${db}`] ?? "");
  return m ? Number(m[1]) : 0;
}
