/** One benchmark's outcome: our figure, the baseline measured in the same run, and the target. */
export interface BenchResult {
  id: string;
  what: string;
  ours: string;
  baseline: string;
  /** ours / baseline (lower is better) or whatever the target compares. */
  ratio: number | undefined;
  target: string;
  pass: boolean;
  note?: string;
}

export function printTable(results: BenchResult[]): string {
  const rows = [
    ["id", "benchmark", "ours", "baseline (same run)", "ratio", "target", "result"],
    ...results.map((r) => [
      r.id,
      r.what,
      r.ours,
      r.baseline,
      r.ratio === undefined ? "-" : r.ratio.toFixed(2),
      r.target,
      r.pass ? "pass" : "FAIL",
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const out = [
    line(rows[0]!),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.slice(1).map(line),
  ];
  for (const r of results) if (r.note) out.push(`${r.id}: ${r.note}`);
  return out.join("\n");
}

export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
export const msText = (ms: number) => `${ms.toFixed(1)} ms`;
