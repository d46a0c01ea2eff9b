import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CachifyError, WarmupEntry, WarmupSetParams } from "@cachify/core";
import { afterAll, describe, expect, it } from "vitest";
import { readWarmupEntries } from "./files.ts";

const dir = mkdtempSync(join(tmpdir(), "cachify-wf-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(params: WarmupSetParams): Promise<string[]> {
  const out: string[] = [];
  const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");
  await readWarmupEntries(params, async (entries: WarmupEntry[]) => {
    for (const e of entries) out.push(`${text(e.key)}=${text(e.value)}/${e.ttlSeconds ?? ""}`);
  });
  return out;
}

describe("warm-up entries from a file or from uploaded content", () => {
  it("reads uploaded content as the file with the same text, multi-byte text across chunks", async () => {
    // Values of ~300 KB with 2-, 3- and 4-byte characters: lines and characters cut at 1 MiB.
    const value = (i: number) => `${"é€😀".repeat(30_000 + i)}|${i}`;
    const jsonl = `${Array.from({ length: 12 }, (_, i) => JSON.stringify({ key: `k${i}`, value: value(i), ttlSeconds: 60 + i })).join("\n")}\n`;
    const csv = `key,value\n${Array.from({ length: 12 }, (_, i) => `k${i},"${value(i)}"`).join("\n")}\n`;
    for (const [name, text, format] of [
      ["w.jsonl", jsonl, "jsonl"],
      ["w.csv", csv, "csv"],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const fromFile = await read({ file, condition: "always" });
      expect(fromFile).toHaveLength(12);
      expect(fromFile[11]).toBe(`k11=${value(11)}/${format === "jsonl" ? 71 : ""}`);
      // The format follows the content when not given: "{" first is JSON lines.
      expect(await read({ content: text, condition: "always" })).toEqual(fromFile);
    }
  });

  it("refuses a 1 GiB file without a newline after reading about the cap, memory bounded", async () => {
    // Sparse: a gigabyte of zero bytes that takes no disk.
    const file = join(dir, "huge.jsonl");
    const fd = openSync(file, "w");
    ftruncateSync(fd, 1024 ** 3);
    closeSync(fd);
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const started = performance.now();
    const error = await read({ file, condition: "always" }).catch((e: Error) => e);
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^line 1 is longer than 3 MiB/);
    expect((error as CachifyError).details?.param).toBe("file");
    // Reading a gigabyte would take seconds and as much memory.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  });

  it("names the param the entries came from on a line it cannot read (details.param)", async () => {
    const missing = join(dir, "missing.csv");
    const cases: [WarmupSetParams, string, RegExp][] = [
      [{ content: "key,value\na\n", condition: "always" }, "content", /^CSV line 2 has 1 fields/],
      [{ content: '{"key":1}\n', condition: "always" }, "content", /^line 1/],
      [{ content: "no header\n", condition: "always" }, "content", /^CSV line 1 must be a header/],
      [{ file: missing, condition: "always" }, "file", /^Cannot read the warm-up file/],
      [{ entries: [{ keyBase64: "!!", value: "v" }], condition: "always" }, "entries", /base64/],
    ];
    for (const [params, param, message] of cases) {
      const error = (await read(params).catch((e: unknown) => e)) as CachifyError;
      expect(error.message).toMatch(message);
      expect(error.code).toBe("bad-input");
      expect(error.details?.param, error.message).toBe(param);
    }
  });
});
