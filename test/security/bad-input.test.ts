import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildProfile,
  CachifyError,
  CsvEntryParser,
  checkGlob,
  keyMatcher,
  LineSplitter,
  parseConnectionUrl,
  parseJsonLine,
  parseProfileFile,
} from "@cachify/core";
import { checkKey } from "@cachify/memcached";
import { openApp, type RunningStudio, startStudio } from "@cachify/studio";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { cliSandbox } from "../support/cli.ts";

const RUNS = 300;
let tried = 0;

/** Either a value, or a bad-input error with a message: never a crash or another kind of error. */
function cleanlyRefusedOrAccepted(f: () => unknown): void {
  tried++;
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CachifyError);
    expect((e as CachifyError).code).toBe("bad-input");
    expect((e as CachifyError).message.length).toBeGreaterThan(10);
  }
}

describe("bad input, generated: a clear error or a valid result, never a crash", () => {
  afterAll(() => console.log(`bad input: ${tried} generated inputs tried`));

  it("connection URLs", () => {
    const urlish = fc.oneof(
      fc.string(),
      fc
        .constantFrom(
          "redis://",
          "rediss://",
          "memcached://",
          "redis+sentinel://",
          "redis+cluster://",
        )
        .chain((s) => fc.string().map((rest) => s + rest)),
    );
    fc.assert(
      fc.property(urlish, (u) => cleanlyRefusedOrAccepted(() => parseConnectionUrl(u))),
      { numRuns: RUNS },
    );
  });

  it("profile fields (numbers out of range, wrong types, unknown engines)", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
            engine: fc.oneof(fc.constantFrom("redis", "memcached", "mysql"), fc.string()),
            host: fc.oneof(fc.string(), fc.constant("127.0.0.1")),
            port: fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.string()),
            timeoutMs: fc.oneof(fc.integer({ min: -5, max: 10_000_000 }), fc.double(), fc.string()),
            db: fc.oneof(fc.integer({ min: -1, max: 20_000 }), fc.string()),
            environment: fc.oneof(fc.constantFrom("dev", "staging", "prod"), fc.string()),
            retry: fc.oneof(fc.constant(undefined), fc.object()),
          },
          { requiredKeys: [] },
        ),
        (input) => cleanlyRefusedOrAccepted(() => buildProfile(input)),
      ),
      { numRuns: RUNS },
    );
  });

  it("profile import files (malformed JSON, wrong shapes)", () => {
    const file = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({
          version: fc.constantFrom(1, 2, 3, "1"),
          profiles: fc.array(fc.object(), { maxLength: 4 }),
        })
        .map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(file, (text) => cleanlyRefusedOrAccepted(() => parseProfileFile(text))),
      { numRuns: RUNS },
    );
  });

  it("key patterns, and matching them against binary keys", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.uint8Array({ maxLength: 64 }),
        (pattern, key) => {
          cleanlyRefusedOrAccepted(() => {
            checkGlob(pattern);
            keyMatcher(pattern)(key);
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("memcached keys: refused before the socket exactly when they hold a space, a control byte or are too long", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (key) => {
        tried++;
        const bad =
          key.length === 0 || key.length > 250 || key.some((b) => b <= 0x20 || b === 0x7f);
        if (bad) expect(() => checkKey(key)).toThrow(CachifyError);
        else expect(() => checkKey(key)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });
});

describe("bad input against the running API and CLI", () => {
  const servers = inject("servers");
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-fuzz-"));
  const sb = cliSandbox();
  let profileId = "";
  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0 });
    profileId = studio.app.profiles.create({ name: "fuzz", url: servers.redis.url }).id;
    await sb.run("profile", "add", "fuzz", "--url", servers.redis.url);
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
    sb.cleanup();
  });
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`http://127.0.0.1:${studio.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${studio.token}`, "content-type": "application/json" },
      ...(body === undefined
        ? {}
        : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });

  it("answers 4xx with an error message, never 500, for generated profile bodies and patterns", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.object().map((o) => JSON.stringify(o)),
          fc.string(),
        ),
        async (body) => {
          tried++;
          const res = await api("POST", "/api/profiles", body);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect((await res.json()).error.message).toBeTruthy();
        },
      ),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (pattern) => {
        tried++;
        const res = await api(
          "GET",
          `/api/profiles/${profileId}/keys?match=${encodeURIComponent(pattern)}&count=50`,
        );
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 100 },
    );
  });

  it("exits 0 or 2 (never a crash) for generated CLI patterns, counts and TTLs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 8 }),
        async (pattern, count) => {
          tried++;
          const r = await sb.run(
            "keys",
            "fuzz",
            "--match",
            pattern,
            "--count",
            count === "" ? "x" : count,
          );
          expect([0, 2]).toContain(r.code);
          if (r.code === 2) expect(r.stderr).toMatch(/^cachify: |error: /m);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** A warm-up line: good ones, and every way one goes wrong. */
const jsonLine = fc.oneof(
  fc
    .record(
      {
        key: fc.oneof(fc.string({ minLength: 1 }), fc.constant(""), fc.integer()),
        value: fc.oneof(fc.string(), fc.json(), fc.integer()),
        ttlSeconds: fc.oneof(fc.integer({ min: -5, max: 400_000_000 }), fc.string(), fc.double()),
        keyBase64: fc.oneof(fc.base64String(), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.record({ key: fc.string({ minLength: 1 }), value: fc.string() }).map((o) => JSON.stringify(o)),
  fc.string(), // broken JSON, quotes left open
  fc.json(), // valid JSON of the wrong shape
  fc.constant(""),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString("latin1")), // binary
  fc
    .string({ minLength: 1, maxLength: 20 })
    .map((k) => `{"key":"${k}","value":"${"x".repeat(300_000)}"}`), // huge
  fc.string().map((k) => `{"key":${JSON.stringify(k)},"value":"open`), // a quote never closed
);

const csvField = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 12 }).map((t) => `"${t.replaceAll('"', '""')}"`),
  fc.string({ maxLength: 12 }).map((t) => `"${t}`), // broken quotes
  fc.constantFrom("", '"', '""', "a,b", "\r", "\u0000"),
  fc.integer({ min: -3, max: 1000 }).map(String),
  fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString("latin1")),
  fc.constant("y".repeat(200_000)),
);
const csvFile = fc
  .tuple(
    fc.oneof(
      fc.constantFrom("key,value", "key,value,ttlSeconds", "keyBase64,valueBase64"),
      fc.array(csvField, { minLength: 1, maxLength: 3 }).map((f) => f.join(",")),
    ),
    fc.array(fc.array(csvField, { minLength: 0, maxLength: 4 }), { maxLength: 8 }),
    fc.constantFrom("\n", "\r\n"),
  )
  .map(([header, rows, nl]) => [header, ...rows.map((r) => r.join(","))].join(nl));

/**
 * A refusal names the line (1-based, within the file). Checked by shape: the dry-run's error comes
 * from the built studio, whose CachifyError is the bundle's class, not the sources' one.
 */
function expectLineNamed(e: unknown, lines: number, csv: boolean): void {
  expect(e).toBeInstanceOf(Error);
  expect((e as CachifyError).code).toBe("bad-input");
  const m = (csv ? /CSV line (\d+)/ : /line (\d+)/).exec((e as CachifyError).message);
  expect(m, (e as CachifyError).message).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThanOrEqual(1);
  expect(Number(m![1])).toBeLessThanOrEqual(lines);
}

function parseJsonl(text: string, chunk: number): number {
  const lines = new LineSplitter();
  let n = 0;
  const each = (line: string, no: number) => {
    if (parseJsonLine(line, no)) n++;
  };
  for (let i = 0; i < text.length; i += chunk) lines.push(text.slice(i, i + chunk), each);
  lines.end(each);
  return n;
}

function parseCsv(text: string, chunk: number): number {
  const p = new CsvEntryParser();
  let n = 0;
  for (let i = 0; i < text.length; i += chunk) n += p.push(text.slice(i, i + chunk)).length;
  return n + p.end().length;
}

describe("warm-up files, generated: a bad-input error naming the line, or entries", () => {
  it("JSON lines (broken quotes, missing fields, huge lines, binary), in any chunking", () => {
    fc.assert(
      fc.property(
        fc.array(jsonLine, { maxLength: 6 }),
        fc.constantFrom("\n", "\r\n"),
        // Chunks of 1 KB and more: the file reader uses 1 MB chunks, and LineSplitter rescans a
        // line longer than a chunk on every chunk (quadratic for a huge line cut in tiny chunks).
        fc.integer({ min: 1024, max: 65_536 }),
        (lines, nl, chunk) => {
          tried++;
          const text = lines.join(nl);
          let whole: number | undefined;
          try {
            whole = parseJsonl(text, text.length || 1);
          } catch (e) {
            expectLineNamed(e, Math.max(1, lines.length), false);
          }
          // Chunk boundaries never change the outcome.
          let chunked: number | undefined;
          try {
            chunked = parseJsonl(text, chunk);
          } catch {}
          expect(chunked).toBe(whole);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("CSV (broken quotes, missing fields, huge fields, binary), in any chunking", () => {
    fc.assert(
      fc.property(csvFile, fc.integer({ min: 1, max: 4096 }), (text, chunk) => {
        tried++;
        const physical = text.split("\n").length;
        let whole: number | undefined;
        try {
          whole = parseCsv(text, text.length || 1);
        } catch (e) {
          expectLineNamed(e, physical, true);
        }
        let chunked: number | undefined;
        try {
          chunked = parseCsv(text, chunk);
        } catch {}
        expect(chunked).toBe(whole);
      }),
      { numRuns: 200 },
    );
  });

  it("through a real dry-run: refused files name the line and write nothing to the server", async () => {
    const servers = inject("servers");
    const dir = mkdtempSync(join(tmpdir(), "cachify-warmfuzz-"));
    const app = openApp({ dataDir: join(dir, "data") });
    const prefix = `wfz${Date.now().toString(36)}:`;
    let refused = 0;
    let planned = 0;
    try {
      const profile = app.profiles.create({ name: "warmfuzz", url: servers.redis.url });
      const keyed = fc.oneof(
        fc.tuple(fc.constant("jsonl"), fc.array(jsonLine, { minLength: 1, maxLength: 4 })),
        fc.tuple(
          fc.constant("csv"),
          csvFile.map((t) => [t]),
        ),
      );
      await fc.assert(
        fc.asyncProperty(keyed, async ([format, lines]) => {
          tried++;
          // Every key the file could name carries our prefix.
          const text = lines
            .join("\n")
            .replaceAll('"key":"', `"key":"${prefix}`)
            .replace(/^key,/, "key,");
          const file = join(dir, `f${tried}.${format}`);
          writeFileSync(file, text);
          try {
            const plan = await app.workflows.plan({
              template: "warmup-set",
              profile,
              params: { file, format },
              // A path is read for the command line only (over HTTP, contents are uploaded).
              origin: "cli",
            });
            planned++;
            expect(plan.status).toBe("ready");
          } catch (e) {
            refused++;
            expectLineNamed(e, Math.max(1, text.split("\n").length), format === "csv");
          }
        }),
        { numRuns: 25 },
      );
      // A dry-run never writes: nothing with our prefix exists, refused or not.
      expect(await rawCommand(servers.redis.port, ["KEYS", `${prefix}*`])).toBe("*0\r\n");
      console.log(`warm-up files through the dry-run: ${planned} planned, ${refused} refused`);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
