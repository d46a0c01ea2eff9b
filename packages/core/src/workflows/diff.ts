import type { ParamChange } from "./types.ts";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The params that differ between two runs, in name order: what a rerun-with-edits shows first. */
export function paramsDiff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): ParamChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: ParamChange[] = [];
  for (const param of names) {
    const from = before[param] ?? null;
    const to = after[param] ?? null;
    if (!same(from, to)) out.push({ param, from, to });
  }
  return out;
}

/** One line per change: `ttlSeconds: 600 -> 900`. */
export function formatDiff(changes: readonly ParamChange[]): string {
  if (changes.length === 0) return "no param changed";
  return changes
    .map((c) => `${c.param}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`)
    .join("\n");
}
