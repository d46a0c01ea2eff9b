import { createReadStream, fstatSync } from "node:fs";
import { resolve } from "node:path";
import {
  badInput,
  CsvEntryParser,
  entryFromInput,
  JsonLinesParser,
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
  /** Told once how many entries to expect (exact inline, estimated from a file's size). */
  expect?: (entries: number) => void,
): Promise<void> {
  if (params.entries) {
    expect?.(params.entries.length);
    const all = params.entries.map(entryFromInput);
    for (let i = 0; i < all.length; i += BATCH) await each(all.slice(i, i + BATCH));
    return;
  }
  const file = resolve(params.file ?? "");
  const format = params.format ?? (/\.csv$/i.test(file) ? "csv" : "jsonl");
  // CSV is parsed as text; JSON lines straight from the bytes (JsonLinesParser).
  const csv = format === "csv" ? new CsvEntryParser() : undefined;
  const jsonl = csv ? undefined : new JsonLinesParser();
  let batch: WarmupEntry[] = [];
  const take = async (entries: WarmupEntry[]) => {
    if (batch.length === 0 && entries.length >= BATCH) batch = entries;
    else for (const e of entries) batch.push(e);
    if (batch.length >= BATCH) {
      const b = batch;
      batch = [];
      await each(b);
    }
  };
  const stream = createReadStream(file, {
    ...(csv ? { encoding: "utf8" as const } : {}),
    highWaterMark: 1 << 20,
  });
  let size: number | undefined;
  stream.once("open", (fd: number) => {
    try {
      size = fstatSync(fd).size;
    } catch {
      // No estimate: the de-dup set grows as it goes.
    }
  });
  let told = false;
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw signal.reason;
      const entries = csv ? csv.push(chunk as string) : jsonl!.push(chunk as Buffer);
      if (!told && size !== undefined && entries.length > 0) {
        // Entries in the first chunk × chunks in the file (the first chunk is typical).
        told = true;
        expect?.(Math.ceil((entries.length * size) / Math.max(1, stream.bytesRead)));
      }
      await take(entries);
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
  await take(csv ? csv.end() : jsonl!.end());
  if (batch.length > 0) await each(batch);
}
