import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import * as studio from "@cachify/studio";
import { describe, expect, it } from "vitest";
import { BUILT } from "../harness/index.ts";
import { walkFiles } from "./walk.ts";

/**
 * The suites that start the studio or the CLI run the built files users run. A bundle that could
 * not open a hash once passed every test because they imported the TypeScript sources; these
 * checks keep that door shut.
 */
const ROOT = resolve(import.meta.dirname, "../..");
/** Entry points whose sources a test must not import: they are what the bundle is made of. */
const ENTRY_SOURCES = /(start-studio|cli\/program|cli\/entry|apps\/studio\/src\/index)\.ts$/;

function testFiles(): string[] {
  const isTest = (p: string, name: string) =>
    /\.tsx?$/.test(name) && (p.includes("/test/") || /\.test\.tsx?$/.test(name));
  return ["test", "apps", "packages"].flatMap((d) => walkFiles(join(ROOT, d), isTest));
}

describe("tests run the built studio", () => {
  it('"@cachify/studio" is the bundle in apps/studio/dist at run time', async () => {
    const built = await import(BUILT.library);
    expect(studio.startStudio).toBe(built.startStudio);
    expect(studio.runCli).toBe(built.runCli);
    expect(studio.openApp).toBe(built.openApp);
  });

  it("no test imports the studio's or the CLI's entry sources", () => {
    const files = testFiles();
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
        const spec = m[1] ?? m[2]!;
        if (!spec.startsWith(".")) continue;
        const target = relative(ROOT, resolve(file, "..", spec));
        if (ENTRY_SOURCES.test(target)) offenders.push(`${relative(ROOT, file)} → ${spec}`);
      }
    }
    console.log(`built-artifact: ${files.length} test files checked`);
    expect(files.length).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it("the version the CLI and the API report is package.json's", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(studio.VERSION).toBe(pkg.version);
  });
});
