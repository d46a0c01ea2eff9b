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
    const offenders = ["packages", "apps"]
      .flatMap(all)
      .filter(
        (i) => /^@cachify\/[^/]+\/.+/.test(i.spec) || /(\.\.\/)+(packages|apps)\//.test(i.spec),
      );
    expect(offenders).toEqual([]);
  });

  it("adapters do not import each other or the apps", () => {
    const offenders = ["packages/redis/src", "packages/memcached/src", "packages/store/src"]
      .flatMap(all)
      .filter((i) => i.spec.startsWith("@cachify/") && i.spec !== "@cachify/core");
    expect(offenders).toEqual([]);
  });

  it("the web UI imports only types from the core, and nothing else of ours", () => {
    const offenders = all("apps/web/src").filter(
      (i) => i.spec.startsWith("@cachify/") && !(i.spec === "@cachify/core" && i.typeOnly),
    );
    expect(offenders).toEqual([]);
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
