import type { Command } from "commander";
import { recoveryNotice } from "../../app/open-app.ts";
import type { CliContext } from "../context.ts";
import { type RunAction, wholeNumber } from "../run-action.ts";

export function registerStudioCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("studio")
    .description("start the studio (local web UI and API on 127.0.0.1) and open its window")
    .option("--port <n>", "port to listen on (default: a free one)", wholeNumber("--port"), 0)
    .option("--no-open", "do not open a window; just print the link")
    .action(
      run(async (_p, o) => {
        // Loaded on demand: the HTTP server is not needed by the other, short-lived commands.
        const { startStudio } = await import("../../server/start-studio.ts");
        const { openWindow } = await import("../../server/open-window.ts");
        const studio = await startStudio({ dataDir: ctx.dataDir, port: o.port });
        const recovered = studio.app.store.recovered;
        if (recovered) ctx.io.err(`cachify: ${recoveryNotice(recovered)}\n`);
        ctx.io.out(
          `Cachify Studio is running: ${studio.url}\nData folder: ${ctx.dataDir}\nPress Ctrl+C to stop.\n`,
        );
        if (o.open) {
          const how = await openWindow(studio.url);
          ctx.io.out(`${how}\n`);
        }
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await studio.close();
      }),
    );
}
