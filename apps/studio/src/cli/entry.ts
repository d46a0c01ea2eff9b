import { runCli } from "./program.ts";

const code = await runCli(process.argv.slice(2));
// Let stdout drain, then exit even if a socket would keep the loop alive.
process.stdout.write("", () => process.exit(code));
