import { resolveDataDir } from "@cachify/store";
import type { ValueDeps } from "../app/values/value-pages.ts";
import { type App, openApp, recoveryNotice } from "../composition/open-app.ts";
import { type CliIo, Printer } from "./io.ts";

/** What every command action gets: the printer, and the app opened on first use, closed after. */
export class CliContext {
  private app: App | undefined;
  printer: Printer;

  constructor(
    readonly io: CliIo,
    private readonly globals: () => { dataDir?: string; json?: boolean },
  ) {
    this.printer = new Printer(io, false);
  }

  /** Called at the start of each action, once options are parsed. */
  begin(local: { json?: boolean }): Printer {
    this.printer = new Printer(this.io, Boolean(local.json ?? this.globals().json));
    return this.printer;
  }

  get dataDir(): string {
    return resolveDataDir({ flag: this.globals().dataDir, env: this.io.env });
  }

  open(): App {
    if (!this.app) {
      this.app = openApp({ dataDir: this.dataDir });
      const r = this.app.store.recovered;
      // Said once, on stderr, so --json output on stdout stays one document.
      if (r) this.io.err(`cachify: ${recoveryNotice(r)}\n`);
    }
    return this.app;
  }

  /** What key, value and console commands need: the gate, and what each engine can do. */
  cacheDeps(): ValueDeps {
    const app = this.open();
    return { gate: app.gate, capabilities: (p) => app.profiles.capabilities(p) };
  }

  async close(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }
}
