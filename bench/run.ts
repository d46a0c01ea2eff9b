import { startRedis } from "../test/harness/index.ts";
import { benchGateOverhead } from "./b7-gate-overhead.ts";
import { benchBrowserFirstPage } from "./b9-browser-first-page.ts";
import { type BenchResult, printTable } from "./report.ts";

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
} finally {
  await redis.stop();
}
console.log(printTable(results));
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
