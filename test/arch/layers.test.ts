import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import * as core from "@cachify/core";
import { describe, expect, it } from "vitest";
import { walkFiles } from "./walk.ts";

const ROOT = resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return walkFiles(
    join(ROOT, dir),
    (_, name) => /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts"),
  );
}

interface Import {
  file: string;
  spec: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (const m of text.matchAll(re))
    out.push({ file: relative(ROOT, file), spec: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g))
    out.push({ file: relative(ROOT, file), spec: m[1]!, typeOnly: false });
  return out;
}

const all = (dir: string) => sourceFiles(dir).flatMap(importsOf);

describe("architecture: layer rules (architecture.md)", () => {
  it("core imports only core: no engine client, socket, file system or SQLite", () => {
    const bad = all("packages/core/src").filter((i) => !i.spec.startsWith("."));
    expect(bad).toEqual([]);
  });

  it("ioredis only in packages/redis, sockets only in packages/memcached, SQLite only in packages/store", () => {
    const rules: [RegExp, string][] = [
      [/^ioredis$|^cluster-key-slot$/, "packages/redis/"],
      [/^(node:)?(net|tls)$/, "packages/memcached/"],
      [/^better-sqlite3$/, "packages/store/"],
    ];
    const offenders = ["packages", "apps"]
      .flatMap(all)
      .filter((i) => rules.some(([re, home]) => re.test(i.spec) && !i.file.startsWith(home)));
    expect(offenders).toEqual([]);
  });

  it("packages are used only through their public index, never by path", () => {
    // The one declared second entry: packages/core/package.json exports "./shared".
    const declared = new Set(["@cachify/core/shared"]);
    const offenders = ["packages", "apps"]
      .flatMap(all)
      .filter(
        (i) =>
          (/^@cachify\/[^/]+\/.+/.test(i.spec) && !declared.has(i.spec)) ||
          /(\.\.\/)+(packages|apps)\//.test(i.spec),
      );
    expect(offenders).toEqual([]);
  });

  it("adapters do not import each other or the apps", () => {
    const offenders = [
      "packages/redis/src",
      "packages/memcached/src",
      "packages/store/src",
      "packages/codecs/src",
    ]
      .flatMap(all)
      .filter((i) => i.spec.startsWith("@cachify/") && i.spec !== "@cachify/core");
    expect(offenders).toEqual([]);
  });

  it("the codecs use only Node's zlib and workers and their two zstd packages, and only the composition root or the CLI uses them", () => {
    const allowed =
      /^(\.|@cachify\/core$|node:(zlib|worker_threads|fs|path|url|module|os)$|fzstd$|@hpcc-js\/wasm-zstd$|vitest$|fast-check$)/;
    const inside = all("packages/codecs/src").filter((i) => !allowed.test(i.spec));
    expect(inside).toEqual([]);
    const users = ["packages", "apps"]
      .flatMap(all)
      .filter((i) => i.spec === "@cachify/codecs")
      .filter((i) => !/^apps\/studio\/src\/(composition|cli)\//.test(i.file));
    expect(users).toEqual([]);
  });

  it("the web UI imports the core's types, its pure shared entry at run time, and nothing else of ours", () => {
    const offenders = all("apps/web/src").filter(
      (i) =>
        i.spec.startsWith("@cachify/") &&
        !(i.spec === "@cachify/core" && i.typeOnly) &&
        i.spec !== "@cachify/core/shared",
    );
    expect(offenders).toEqual([]);
  });

  it("the core's shared entry reaches only pure folders", () => {
    // `@cachify/core/shared` runs in the browser bundle: what it reaches must not pull in the
    // gate (tickets, providers), the stores' ports or anything node-specific. These folders hold
    // only pure leaf code (errors, globs, key bytes); widen the list only with folders like them.
    const PURE = ["packages/core/src/common/"];
    const entry = join(ROOT, "packages/core/src/shared.ts");
    const seen = new Set<string>();
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const i of importsOf(file)) {
        expect(i.spec.startsWith("."), `${i.file} imports ${i.spec}`).toBe(true);
        queue.push(resolve(file, "..", i.spec));
      }
    }
    const reached = [...seen].filter((f) => f !== entry).map((f) => relative(ROOT, f));
    expect(reached.length).toBeGreaterThan(0);
    expect(reached.filter((f) => !PURE.some((dir) => f.startsWith(dir)))).toEqual([]);
  });

  it("only the gate can mint tickets, and every provider checks them", () => {
    expect(Object.keys(core)).not.toContain("mintTicket");
    const minted = ["packages", "apps"]
      .flatMap(sourceFiles)
      .filter((f) => /mintTicket\(\{/.test(readFileSync(f, "utf8")))
      .map((f) => relative(ROOT, f));
    expect(minted).toEqual(["packages/core/src/gate/gate.ts"]);
    const providers = ["packages"]
      .flatMap(sourceFiles)
      .filter((f) => /implements\s+CacheProvider/.test(readFileSync(f, "utf8")));
    expect(providers.length).toBeGreaterThanOrEqual(2);
    for (const f of providers)
      expect(readFileSync(f, "utf8"), relative(ROOT, f)).toMatch(/assertTicket\(ticket\)/);
  });
});
