import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { helpers, launchChromium, newPage, requireWebBuild } from "./support.ts";

/**
 * The life of a Chromium suite's studio: a fresh data folder, the built studio on a free port, one
 * page in Chromium; closed and removed after the suite, which must have logged no errors in the
 * page (the check runs last, so a failure still cleans up). The suite's own servers and data go
 * in `before`, its profiles in `started`.
 */

type StudioOptions = Omit<Parameters<typeof startStudio>[0], "dataDir" | "port">;

export interface StudioPage {
  studio: RunningStudio;
  browser: Browser;
  page: Page;
  /** Page errors and console errors other than HTTP statuses (see newPage). */
  errors: string[];
  h: ReturnType<typeof helpers>;
  dataDir: string;
}

export interface StudioPageSetup {
  /** Names the data folder: cachify-e2e-NAME-…. */
  name: string;
  /** Before the studio starts: the suite's own servers, data on the shared ones. */
  before?: () => Promise<void>;
  /** Options of startStudio (a function when they name the suite's servers). */
  studio?: StudioOptions | (() => StudioOptions);
  /** Once the studio runs, before the browser: profiles, settings. */
  started?: (studio: RunningStudio) => Promise<void> | void;
  page?: Parameters<typeof newPage>[1];
  /** The hash the page opens at, once the connection rail shows; false: the suite goes itself. */
  open?: string | false;
  /** After the browser and the studio are closed: stop servers, remove keys. */
  after?: () => Promise<void>;
}

/** Call in a describe's body; the fields are set once its beforeAll has run. */
export function useStudioPage(setup: StudioPageSetup): StudioPage {
  const s = { errors: [] as string[] } as StudioPage;
  beforeAll(async () => {
    requireWebBuild();
    s.dataDir = await mkdtemp(join(tmpdir(), `cachify-e2e-${setup.name}-`));
    await setup.before?.();
    const options = typeof setup.studio === "function" ? setup.studio() : setup.studio;
    s.studio = await startStudio({ dataDir: s.dataDir, port: 0, ...options });
    await setup.started?.(s.studio);
    s.browser = await launchChromium();
    ({ page: s.page, errors: s.errors } = await newPage(s.browser, setup.page));
    s.h = helpers(s.page);
    if (setup.open !== false) {
      await s.page.goto(`${s.studio.url}${setup.open ?? ""}`);
      await s.page.getByRole("navigation", { name: "Connections" }).waitFor();
    }
  }, 120_000);

  afterAll(async () => {
    await s.browser?.close();
    await s.studio?.close();
    await setup.after?.();
    if (s.dataDir) await rm(s.dataDir, { recursive: true, force: true });
    expect(s.errors, "errors logged in the page").toEqual([]);
  });
  return s;
}

/** Deletes a suite's keys from a shared server (KEYS prefix*, then DEL 500 at a time). */
export async function deleteKeys(port: number, prefix: string): Promise<void> {
  const reply = await rawCommand(port, ["KEYS", `${prefix}*`]).catch(() => "");
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const left = reply.match(new RegExp(`${escaped}[^\\r]*`, "g")) ?? [];
  for (let i = 0; i < left.length; i += 500) {
    await rawCommand(port, ["DEL", ...left.slice(i, i + 500)]).catch(() => {});
  }
}
