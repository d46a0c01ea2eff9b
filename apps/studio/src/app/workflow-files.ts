import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import {
  badInput,
  CsvEntryParser,
  entryFromInput,
  LineSplitter,
  parseJsonLine,
  type WarmupEntry,
  type WarmupSetParams,
} from "@cachify/core";

/** Entries per callback: the planner handles them as one batch (dedupe, existence check). */
const BATCH = 2000;

/**
 * Streams a warm-up set's entries in batches: from the inline entries, or from a JSON-lines or CSV
 * file read in chunks (a file of millions of lines is never held whole). Errors name the line.
 */
export async function readWarmupEntries(
  params: WarmupSetParams,
  each: (entries: WarmupEntry[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  if (params.entries) {
    const all = params.entries.map(entryFromInput);
    for (let i = 0; i < all.length; i += BATCH) await each(all.slice(i, i + BATCH));
    return;
  }
  const file = resolve(params.file ?? "");
  const format = params.format ?? (/\.csv$/i.test(file) ? "csv" : "jsonl");
  const csv = format === "csv" ? new CsvEntryParser() : undefined;
  const lines = new LineSplitter();
  let batch: WarmupEntry[] = [];
  const take = async (entries: WarmupEntry[]) => {
    for (const e of entries) batch.push(e);
    if (batch.length >= BATCH) {
      const b = batch;
      batch = [];
      await each(b);
    }
  };
  const parseText = (text: string): WarmupEntry[] => {
    if (csv) return csv.push(text);
    const out: WarmupEntry[] = [];
    lines.push(text, (line, n) => {
      const e = parseJsonLine(line, n);
      if (e) out.push(e);
    });
    return out;
  };
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw signal.reason;
      await take(parseText(chunk as string));
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "EISDIR") {
      throw badInput(
        `Cannot read the warm-up file ${file} (${code}): check the path (param file) and that you may read it.`,
      );
    }
    throw e;
  } finally {
    stream.destroy();
  }
  const rest: WarmupEntry[] = [];
  if (csv) rest.push(...csv.end());
  else
    lines.end((line, n) => {
      const e = parseJsonLine(line, n);
      if (e) rest.push(e);
    });
  await take(rest);
  if (batch.length > 0) await each(batch);
}
