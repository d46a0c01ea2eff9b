import { benchApp, planAndApply } from "./workflows-common.ts";

/**
 * B10's worker, run in its own process so its peak RSS is the workflow's alone:
 * `tsx bench/b10-child.ts PORT KEYS` → one JSON line.
 */
const [port, keys] = process.argv.slice(2).map(Number);
const { app, cleanup } = benchApp();
const idle = process.resourceUsage().maxRSS;
const profile = app.profiles.create({ name: "b10", url: `redis://127.0.0.1:${port}` });
const peak = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
}, 25);
const t = performance.now();
const r = await planAndApply(app, profile, "delete-by-pattern", { pattern: "user*" });
const ms = performance.now() - t;
clearInterval(sampler);
await cleanup();
console.log(
  JSON.stringify({
    idleMb: Math.round(idle / 1024),
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    matched: r.plan.matched,
    applied: r.execution.applied,
    planMs: Math.round(r.planMs),
    applyMs: Math.round(r.applyMs),
    ms: Math.round(ms),
    keys,
    heapTotalMb: Math.round(peak.heapTotal / 1048576),
    externalMb: Math.round(peak.external / 1048576),
  }),
);
process.exit(0);
