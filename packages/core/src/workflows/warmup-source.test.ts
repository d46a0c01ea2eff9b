import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonLinesParser, LineSplitter, parseJsonLine, type WarmupEntry } from "./warmup-source.ts";

type Outcome = { entries: string[] } | { error: string };

const show = (e: WarmupEntry) =>
  JSON.stringify([
    Buffer.from(e.key).toString("hex"),
    Buffer.from(e.value).toString("hex"),
    e.ttlSeconds ?? null,
  ]);

/** The reference: the text decoded whole, split in lines, each line through parseJsonLine. */
function reference(bytes: Buffer): Outcome {
  try {
    const entries: string[] = [];
    const lines = new LineSplitter();
    const each = (line: string, no: number) => {
      const e = parseJsonLine(line, no);
      if (e) entries.push(show(e));
    };
    lines.push(bytes.toString("utf8"), each);
    lines.end(each);
    return { entries };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The byte parser, fed in chunks of `size`. */
function bytewise(bytes: Buffer, size: number): Outcome {
  try {
    const p = new JsonLinesParser();
    const entries: string[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      for (const e of p.push(bytes.subarray(i, i + size))) entries.push(show(e));
    }
    for (const e of p.end()) entries.push(show(e));
    return { entries };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const asciiText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const anyText = fc.oneof(
  asciiText,
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom("", 'a"b', "a\\\\b", "é", "\u2028"),
);
const ttl = fc.oneof(
  fc.integer({ min: -3, max: 400_000_000 }),
  fc.constantFrom(0, 1, 3600, 315_360_000, 315_360_001, 1.5, 1e3, -0, null, "60", "x", true),
);
const space = fc.constantFrom("", " ", "  ", "\t", " \t ");

/** A line of the usual shape, in any field order and spacing, sometimes with a twist. */
const usualLine = fc
  .record(
    {
      key: fc.oneof(asciiText, anyText),
      value: fc.oneof(asciiText, anyText, fc.integer(), fc.constant({ a: 1 })),
      ttlSeconds: ttl,
      ttl,
      keyBase64: fc.constantFrom("a2V5", "!!"),
      other: fc.constantFrom(1, "x", [1]),
    },
    { requiredKeys: [] },
  )
  .chain((o) =>
    fc
      .tuple(fc.shuffledSubarray(Object.keys(o), { minLength: 0 }), space, space)
      .map(
        ([names, s1, s2]) =>
          `${s1}{${names.map((n) => `${s2}${JSON.stringify(n)}${s1}:${s2}${JSON.stringify((o as Record<string, unknown>)[n])}`).join(`${s1},`)}${s2}}${s1}`,
      ),
  );

const line = fc.oneof(
  { weight: 6, arbitrary: usualLine },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.json() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "   ",
      '\uFEFF{"key":"k","value":"v"}',
      '{"key":"k","value":"v"',
      '{"key":"k","value":"v"}x',
      '{"key":"k","key":"j","value":"v"}',
      '{"key":"k","value":"v","ttlSeconds":007}',
      '{"key":"a\u0001","value":"v"}',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("latin1")),
  },
);

/** A usual line whose key or value holds raw bytes: invalid UTF-8, control bytes, DEL. */
const rawLine = fc
  .tuple(
    fc.uint8Array({ maxLength: 12 }).map((b) => b.filter((c) => c !== 0x0a && c !== 0x22)),
    fc.boolean(),
  )
  .map(([raw, inKey]) =>
    Buffer.concat([
      Buffer.from(inKey ? '{"key":"k' : '{"key":"k","value":"v'),
      Buffer.from(raw),
      Buffer.from(inKey ? '","value":"v"}' : '"}'),
    ]),
  );

describe("JsonLinesParser (JSON lines read from bytes)", () => {
  it("gives the same entries and the same errors as parseJsonLine on the decoded text, in any chunking", () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        fc.array(rawLine, { maxLength: 2 }),
        (lines, nl, trailing, size, raw) => {
          const bytes = Buffer.concat([
            Buffer.from(lines.join(nl) + (lines.length > 0 ? nl : ""), "utf8"),
            ...raw.flatMap((r) => [r, Buffer.from(nl)]),
            Buffer.from(trailing ? "{}" : ""),
          ]);
          const want = reference(bytes);
          expect(bytewise(bytes, size)).toEqual(want);
          expect(bytewise(bytes, bytes.length || 1)).toEqual(want);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("reads the usual shape without decoding, as views of the chunk", () => {
    const chunk = Buffer.from(
      '{"key":"user:1","value":"v-1","ttlSeconds":60}\n{ "value" : "v-2", "key" : "user:2" }\r\n',
    );
    const [a, b] = new JsonLinesParser().push(chunk);
    expect(a).toEqual({
      key: new Uint8Array(Buffer.from("user:1")),
      value: new Uint8Array(Buffer.from("v-1")),
      ttlSeconds: 60,
    });
    expect(a!.key.buffer).toBe(chunk.buffer);
    expect(b).toEqual({
      key: new Uint8Array(Buffer.from("user:2")),
      value: new Uint8Array(Buffer.from("v-2")),
    });
  });

  it("names the line of a bad entry, counting blank lines and lines split across chunks", () => {
    const p = new JsonLinesParser();
    p.push(Buffer.from('{"key":"a","value":"1"}\n\n{"key":"b",'));
    expect(() => p.push(Buffer.from('"value":"2","ttl":0}\n'))).toThrow(
      /^line 3: ttlSeconds must be a whole number of seconds from 1 to 315360000; it is less than 1\.$/,
    );
  });
});
