import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonSyntaxError } from "./json-syntax.ts";
import { CsvEntryParser, JsonLinesParser, MAX_JSON_LINE_BYTES } from "./warmup-source.ts";

/** A token planted in every generated line: no error may repeat it. */
const SECRET = "Zq7-planted-secret";
/** What a data folder's cachify.key holds: one base64 line. */
const KEY_FILE = "dGhpcyBpcyBub3QgYSByZWFsIGtleSBidXQgbG9va3MgbGlrZSBvbmU=\n";

function errorOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const jsonl = (text: string) =>
  errorOf(() => {
    const p = new JsonLinesParser();
    p.push(Buffer.from(text));
    p.end();
  });
const csv = (text: string) =>
  errorOf(() => {
    const p = new CsvEntryParser();
    p.push(text);
    p.end();
  });

/** Lines holding the secret where a value, a key, a TTL, a header or plain junk would be. */
const plantedLine = fc.oneof(
  fc.constantFrom(
    SECRET,
    `{${SECRET}}`,
    `{"key":"${SECRET}"`,
    `{"key":"k","value":"v","ttlSeconds":"${SECRET}"}`,
    `{"key":"k","value":"v","ttl":${SECRET}}`,
    `{"keyBase64":"${SECRET}","value":"v"}`,
    `["${SECRET}"]`,
    `{"key":"k","value":"${SECRET}",}`,
    `{"key":"k" "value":"${SECRET}"}`,
  ),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }))
    .map(([a, b]) => `${a}${SECRET}${b}`),
);

describe("warm-up errors quote no file content: line, column and reason only", () => {
  it("a data folder's key file read as entries is refused without its text", () => {
    const j = jsonl(KEY_FILE);
    expect(j).toMatch(/^line 1 is not valid JSON at column 1 \(.+\)/);
    expect(j).not.toContain(KEY_FILE.trim().slice(0, 8));
    const c = csv(KEY_FILE);
    expect(c).toMatch(/^CSV line 1 must be a header/);
    expect(c).not.toContain(KEY_FILE.trim().slice(0, 8));
  });

  it("JSON lines and CSV, generated around a planted token", () => {
    fc.assert(
      fc.property(fc.array(plantedLine, { minLength: 1, maxLength: 4 }), (lines) => {
        const text = lines.join("\n");
        for (const m of [jsonl(text), csv(text), csv(`key,value\n${text}`)]) {
          if (m !== undefined) expect(m).not.toContain(SECRET);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("says where JSON goes wrong and why", () => {
    const cases: [string, number, RegExp][] = [
      ["{bad", 2, /property name in double quotes was expected/],
      ['{"a":1,}', 8, /comma before }/],
      ['{"a" 1}', 6, /colon after the property name was expected/],
      ['{"a":"x', 8, /ends inside a string/],
      ["[1,]", 4, /comma before ]/],
      ['{"a":tru}', 6, /unexpected character/],
      ['{"a":1} x', 9, /more text after the JSON value/],
      ['{"a":"\\q"}', 7, /unknown escape/],
      ['{"a":-}', 7, /digits after its minus sign/],
      ['{"a":1', 7, /ends where a comma or } should be/],
    ];
    for (const [text, column, reason] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonSyntaxError(text), text).toMatchObject({
        column,
        reason: expect.stringMatching(reason),
      });
    }
    // Iterative: a million brackets do not overflow the stack.
    expect(jsonSyntaxError("[".repeat(1_000_000)).reason).toMatch(/ends where a value/);
  });

  it("finds an error wherever JSON.parse finds one", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((j) => j.slice(0, -1)),
        ),
        (text) => {
          try {
            JSON.parse(text);
            return;
          } catch {}
          const e = jsonSyntaxError(text);
          expect(e.reason).not.toBe("no error found");
          expect(e.column).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeLessThanOrEqual(text.length + 1);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("JSON-lines line cap", () => {
  it("refuses a line longer than the cap, counting a line cut across chunks", () => {
    const p = new JsonLinesParser();
    const line = `{"key":"k","value":"${"v".repeat(MAX_JSON_LINE_BYTES)}"}\n`;
    expect(() => p.push(Buffer.from(line))).toThrow(/^line 1 is longer than 3 MiB/);
    const q = new JsonLinesParser();
    q.push(Buffer.from('{"key":"a","value":"1"}\n'));
    const half = Buffer.alloc(MAX_JSON_LINE_BYTES / 2 + 1, "x");
    q.push(half);
    expect(() => q.push(half)).toThrow(/^line 2 is longer than 3 MiB/);
    // At the cap exactly, with a CRLF: read (and refused as JSON, not for its length).
    const r = new JsonLinesParser();
    const atCap = Buffer.alloc(MAX_JSON_LINE_BYTES, "x");
    expect(() => {
      r.push(atCap);
      r.push(Buffer.from("\r\n"));
    }).toThrow(/^line 1 is not valid JSON/);
  });

  it("refuses a 1 GiB line without a newline having read little more than the cap, memory bounded", () => {
    const chunk = Buffer.alloc(1 << 20, "x");
    /** A generated 1 GiB stream: the same chunk over and over, nothing written anywhere. */
    function* gigabyte() {
      for (let i = 0; i < 1024; i++) yield chunk;
    }
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    let fed = 0;
    const p = new JsonLinesParser();
    const error = errorOf(() => {
      for (const c of gigabyte()) {
        fed += c.length;
        p.push(c);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    });
    expect(error).toMatch(/^line 1 is longer than 3 MiB, the most a warm-up line may hold/);
    expect(fed).toBeLessThanOrEqual(MAX_JSON_LINE_BYTES + 2 * chunk.length);
    expect(peak - before).toBeLessThan(32 * 1024 * 1024);
  });
});
