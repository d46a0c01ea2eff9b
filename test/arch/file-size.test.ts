import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { walkFiles } from "./walk.ts";

/**
 * Files small and named for what they hold: no source file over 400 lines, unless
 * docs/contributing.md names it, with the reason, in its "Files over 400 lines" table. A listed
 * file that has shrunk below the limit (or is gone) must leave the table, so it stays true.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const LIMIT = 400;
const DIRS = ["packages", "apps", "test", "bench", "scripts"];
const SOURCE = /\.(ts|tsx|mjs|js|css|sh)$/;

function exceptions(): Map<string, string> {
  const text = readFileSync(join(ROOT, "docs/contributing.md"), "utf8");
  const section = text.split(/^## Files over 400 lines$/m)[1]?.split(/^## /m)[0] ?? "";
  const out = new Map<string, string>();
  for (const m of section.matchAll(/^\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*$/gm))
    out.set(m[1]!, m[2]!);
  return out;
}

describe("file sizes (docs/contributing.md#files-over-400-lines)", () => {
  const files = DIRS.flatMap((d) =>
    walkFiles(join(ROOT, d), (p, name) => SOURCE.test(name) && !p.includes("/test-artifacts/")),
  );
  const lines = new Map(
    files.map((f) => [relative(ROOT, f), readFileSync(f, "utf8").split("\n").length - 1]),
  );
  const allowed = exceptions();

  it(`no source file over ${LIMIT} lines unless the contributing page names it and why`, () => {
    const over = [...lines].filter(([f, n]) => n > LIMIT && !allowed.has(f));
    console.log(
      `file sizes: ${lines.size} source files, ${[...lines.values()].filter((n) => n > LIMIT).length} over ${LIMIT} lines, ${allowed.size} named exceptions`,
    );
    expect(lines.size).toBeGreaterThan(300);
    expect(over.map(([f, n]) => `${f}: ${n} lines`)).toEqual([]);
  });

  it("every named exception exists, is still over the limit and says why", () => {
    const stale = [...allowed].filter(
      ([f, why]) => (lines.get(f) ?? 0) <= LIMIT || why.trim().length < 20,
    );
    expect(stale.map(([f]) => f)).toEqual([]);
  });
});
