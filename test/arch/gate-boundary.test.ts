import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import * as core from "@cachify/core";
import { describe, expect, it } from "vitest";
import { walkFiles } from "./walk.ts";

/**
 * The gate is the one place safety is decided (docs/design/architecture.md#one-gate): the
 * read-only policy, every confirmation (operations, profile changes, plans) and the approvals that
 * let a confirmed action go on. These checks read every source file, so a new side door fails
 * here whatever test happened to look at it.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const rel = (f: string) => relative(ROOT, f);

const sources = (dir: string) =>
  walkFiles(
    join(ROOT, dir),
    (_, name) => /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts"),
  );

const ALL = ["packages", "apps"].flatMap(sources);

/** The calls that decide: the read-only check, the confirmation check, a challenge's answer. */
const CHECK_CALLS: [string, RegExp][] = [
  ["enforceReadOnly", /(?<!function )\benforceReadOnly\(/],
  ["enforceConfirmation", /(?<!function )\benforceConfirmation\(/],
  ["ChallengeRegistry.redeem / issue", /\bchallenges\??\.(redeem|issue)\(/],
  ["a second challenge registry", /\bnew\s+ChallengeRegistry\(/],
  ["an approval table", /\bnew\s+(ExecutionApprovals|ConfirmationScopes)\(/],
];
const GATE_HOMES = ["packages/core/src/gate/", "packages/core/src/policy/"];

describe("one gate: safety checks run only in packages/core/src/gate and policy", () => {
  it("no file elsewhere calls the read-only or confirmation checks or makes approvals", () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const file of ALL) {
      const name = rel(file);
      scanned++;
      if (GATE_HOMES.some((home) => name.startsWith(home))) continue;
      const text = readFileSync(file, "utf8");
      for (const [what, re] of CHECK_CALLS) if (re.test(text)) offenders.push(`${name}: ${what}`);
    }
    console.log(`gate boundary: ${scanned} source files scanned, ${offenders.length} offenders`);
    expect(scanned).toBeGreaterThan(200);
    expect(offenders).toEqual([]);
  });

  it("the checks are not even exported: the core's index offers the gate, not its parts", () => {
    const exported = Object.keys(core);
    for (const name of [
      "enforceReadOnly",
      "enforceConfirmation",
      "enforceGuardrail",
      "ExecutionApprovals",
      "ConfirmationScopes",
      "PlanChallenges",
      "ChangeGuard",
    ])
      expect(exported, name).not.toContain(name);
    expect(exported).toContain("OperationGate");
  });

  it("policy code has no test-only branch (no origin is trusted because it is a test)", () => {
    const branches = ALL.filter((f) =>
      /origin\s*[!=]==\s*"test"|"test"\s*[!=]==\s*origin/.test(readFileSync(f, "utf8")),
    ).map(rel);
    expect(branches).toEqual([]);
  });
});

// ---------- the app layer ----------

interface Edge {
  from: string;
  to: string;
  spec: string;
}

/** Static imports (type-only ones too: a type cycle is still a design cycle). */
function importsOf(file: string): { spec: string }[] {
  const text = readFileSync(file, "utf8");
  const out: { spec: string }[] = [];
  const re = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (const m of text.matchAll(re)) out.push({ spec: m[1]! });
  return out;
}

describe("the app layer", () => {
  it("apps/studio/src/app imports no adapter package (engines sit behind the provider port)", () => {
    const files = sources("apps/studio/src/app");
    const offenders = files.flatMap((f) =>
      importsOf(f)
        .filter((i) => /^@cachify\/(redis|memcached|store)$/.test(i.spec))
        .map((i) => `${rel(f)} imports ${i.spec}`),
    );
    console.log(`app layer: ${files.length} files, ${offenders.length} adapter imports`);
    expect(files.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  it("no import cycle among the sources of any package or app", () => {
    const cycles: string[] = [];
    let modules = 0;
    for (const dir of [
      "packages/core/src",
      "packages/redis/src",
      "packages/memcached/src",
      "packages/store/src",
      "packages/codecs/src",
      "apps/studio/src",
      "apps/web/src",
    ]) {
      const files = sources(dir);
      modules += files.length;
      const known = new Set(files);
      const edges: Edge[] = files.flatMap((f) =>
        importsOf(f)
          .filter((i) => i.spec.startsWith("."))
          .map((i) => ({ from: f, to: resolve(dirname(f), i.spec), spec: i.spec }))
          .filter((e) => known.has(e.to)),
      );
      for (const scc of stronglyConnected(files, edges))
        if (scc.length > 1) cycles.push(scc.map(rel).sort().join(" ↔ "));
    }
    console.log(`import graph: ${modules} modules, ${cycles.length} cycles`);
    expect(cycles).toEqual([]);
  });
});

/** Tarjan's strongly connected components: any with two or more modules is a cycle. */
function stronglyConnected(nodes: string[], edges: Edge[]): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) next.get(e.from)!.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      out.push(scc);
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}
