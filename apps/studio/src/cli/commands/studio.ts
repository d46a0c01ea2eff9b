import type { Command } from "commander";
import { WorkflowNotifier, watchWorkflows } from "../../app/observability/notifier.ts";
import { type App, recoveryNotice } from "../../composition/open-app.ts";
import type { CliContext } from "../context.ts";
import { type RunAction, wholeNumber } from "../run-action.ts";

/** Said under every printed link: it is one-time, so a pasted-too-late one needs a successor. */
const ONE_TIME = "(The link works once, within 60 s: `cachify studio link` prints a new one.)\n";

export function registerStudioCommand(program: Command, ctx: CliContext, run: RunAction): void {
  const studioCommand = program
    .command("studio")
    .description(
      "start the studio (local web UI and API on 127.0.0.1) and open its window; if one already runs on this data folder, open a window on it",
    )
    .option("--port <n>", "port to listen on (default: a free one)", wholeNumber("--port"), 0)
    .option("--no-open", "do not open a window; just print the link")
    .action(
      run(async (_p, o) => {
        // Loaded on demand: the HTTP server is not needed by the other, short-lived commands.
        const { claimInstance } = await import("../../server/instance-lock.ts");
        const { openWindow } = await import("../../server/open-window.ts");
        const { requestLaunchLink } = await import("../../server/launch-codes.ts");
        const dataDir = ctx.dataDir;
        const claim = await claimInstance(dataDir);
        if (claim.kind === "running") {
          // One studio per data folder: a second launch is a window on the first, through a
          // one-time link of its own (the token stays out of the browser's argv).
          const s = claim.instance;
          ctx.io.out(
            `Cachify Studio is already running for this data folder (pid ${s.pid}, port ${s.port}): ${await requestLaunchLink(s.port, s.token)}\n` +
              ONE_TIME +
              `Data folder: ${dataDir}\n` +
              (o.port && o.port !== s.port
                ? `(--port ${o.port} ignored: it keeps its port)\n`
                : ""),
          );
          if (o.open) {
            const link = await requestLaunchLink(s.port, s.token);
            ctx.io.out(`${(await openWindow(link, { env: ctx.io.env })).message}\n`);
          }
          return;
        }
        const lock = claim.lock;
        const releaseOnExit = () => lock.release();
        process.once("exit", releaseOnExit);
        const { startStudio } = await import("../../server/start-studio.ts");
        let studio: Awaited<ReturnType<typeof startStudio>>;
        try {
          studio = await startStudio({ dataDir, port: o.port });
        } catch (e) {
          lock.release();
          process.off("exit", releaseOnExit);
          throw e;
        }
        const stopNotices = watchWorkflowNotices(studio.app);
        lock.ready({ port: studio.port, token: studio.token });
        if (lock.tookOverFrom !== undefined) {
          ctx.io.out(
            `A studio that stopped without cleaning up (pid ${lock.tookOverFrom}) had left this data folder marked in use: taken over.\n`,
          );
        }
        const recovered = studio.app.store.recovered;
        if (recovered) ctx.io.err(`cachify: ${recoveryNotice(recovered)}\n`);
        ctx.io.out(
          `Cachify Studio is running: ${studio.link()}\n${ONE_TIME}Data folder: ${dataDir}\nPress Ctrl+C to stop.\n`,
        );
        // The window gets a link of its own: the printed one stays usable for a browser tab.
        if (o.open)
          ctx.io.out(`${(await openWindow(studio.link(), { env: ctx.io.env })).message}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
          process.once("SIGHUP", stop);
        });
        // Unmarked first: a launch from now on starts a fresh studio instead of finding this one.
        lock.release();
        process.off("exit", releaseOnExit);
        stopNotices();
        await studio.close();
      }),
    );

  studioCommand
    .command("link")
    .description(
      "print a new one-time link to the studio running on this data folder (each link works once, within 60 s)",
    )
    .action(
      run(async () => {
        const { findRunning } = await import("../../server/instance-lock.ts");
        const { requestLaunchLink } = await import("../../server/launch-codes.ts");
        const s = await findRunning(ctx.dataDir);
        ctx.io.out(`${await requestLaunchLink(s.port, s.token)}\n`);
        ctx.io.err(ONE_TIME);
      }),
    );
}

/**
 * Desktop notices for workflow executions that end while no window shows them (or after a long
 * run), in the studio only: the CLI's own `workflow apply` reports in the terminal.
 */
function watchWorkflowNotices(app: App): () => void {
  const notifier = new WorkflowNotifier({
    desktop: app.observability.desktop,
    settings: () => app.observability.settings(),
    windows: () => app.observability.live.size,
    secretOf: (id) => app.store.profiles.get(id)?.password,
  });
  return watchWorkflows(app.workflows, notifier);
}
