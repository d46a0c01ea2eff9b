import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildProfile,
  CachifyError,
  checkGlob,
  keyMatcher,
  parseConnectionUrl,
  parseProfileFile,
} from "@cachify/core";
import { checkKey } from "@cachify/memcached";
import { type RunningStudio, startStudio } from "@cachify/studio";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
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
