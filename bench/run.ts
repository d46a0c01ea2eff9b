import { startRedis } from "../test/harness/index.ts";
import { benchDeleteWithSnapshots } from "./b2-delete-with-snapshots.ts";
import { benchGateOverhead } from "./b7-gate-overhead.ts";
import { benchDashboard } from "./b8-dashboard.ts";
import { benchBrowserFirstPage } from "./b9-browser-first-page.ts";
import { benchProfileImport } from "./b11-profile-import.ts";
import { type BenchResult, printTable } from "./report.ts";
import { runWorkflowBenches } from "./workflows.ts";

/**
 * `npm run bench` (full: 1M keys) or `npm run bench -- --quick` (100k keys). Every benchmark
 * runs against real servers started here, with its baseline measured in the same run.
 */
const quick = process.argv.includes("--quick");
const keys = quick ? 100_000 : 1_000_000;
const results: BenchResult[] = [];
const redis = await startRedis();
try {
  console.log(`cachify bench (${quick ? "quick, 100k keys" : "full, 1M keys"}) on ${redis.url}`);
  results.push(await benchGateOverhead(redis, quick ? 3000 : 10000));
  results.push(await benchBrowserFirstPage(redis, keys));
  // Workflows: B1, B3, B4, B5, B6, B10 (--only B1,B3 runs some of them).
  const only = process.argv.indexOf("--only");
  results.push(
    ...(await runWorkflowBenches(
      redis,
      quick,
      only > 0 ? process.argv[only + 1]?.split(",") : undefined,
    )),
  );
  if (only < 0 || process.argv[only + 1]?.split(",").includes("B2"))
    results.push(await benchDeleteWithSnapshots(redis, keys));
  // Observability: B8 at its defined size in quick mode too (30 days, 10 profiles, 1M events).
  if (only < 0 || process.argv[only + 1]?.split(",").includes("B8"))
    results.push(...(await benchDashboard(redis, 1_000_000)));
  if (only < 0 || process.argv[only + 1]?.split(",").includes("B11"))
    results.push(await benchProfileImport());
} finally {
  await redis.stop();
}
console.log(printTable(results));
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
