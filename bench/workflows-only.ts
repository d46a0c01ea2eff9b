import { startRedis } from "../test/harness/index.ts";
import { printTable } from "./report.ts";
import { runWorkflowBenches } from "./workflows.ts";

/** `tsx bench/workflows-only.ts [--quick] [--only B1,B3]`: just the workflow benchmarks. */
const quick = process.argv.includes("--quick");
const i = process.argv.indexOf("--only");
const only = i > 0 ? process.argv[i + 1]?.split(",") : undefined;
const redis = await startRedis();
try {
  console.log(printTable(await runWorkflowBenches(redis, quick, only)));
} finally {
  await redis.stop();
}
