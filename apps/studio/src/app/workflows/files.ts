import { createReadStream, fstatSync } from "node:fs";
import { resolve } from "node:path";
import {
  badInput,
  CsvEntryParser,
  entryFromInput,
  JsonLinesParser,
  naming,
  type WarmupEntry,
  type WarmupSetParams,
  warmupSourceParam,
} from "@cachify/core";

/** Entries per callback: the planner handles them as one batch (dedupe, existence check). */
const BATCH = 2000;
/** Bytes (or characters, for CSV) parsed at a time, from a file or from uploaded content. */
const CHUNK = 1 << 20;

/** Chunks to parse, the total size when known, and how much was read so far (same unit). */
interface Source {
  chunks: AsyncIterable<string | Uint8Array>;
  size(): number | undefined;
  read(): number;
  close(): void;
}

/**
 * Streams a warm-up set's entries in batches: from the inline entries, from uploaded content, or
 * from a JSON-lines or CSV file read in chunks (a file of millions of lines is never held whole).
 * Errors name the line (and column), never its text, and the param read (`details.param`).
 */
export async function readWarmupEntries(
  params: WarmupSetParams,
  each: (entries: WarmupEntry[]) => Promise<void>,
  signal?: AbortSignal,
  /** Told once how many entries to expect (exact inline, estimated from a file's size). */
  expect?: (entries: number) => void,
): Promise<void> {
  const param = warmupSourceParam(params);
  const parse = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw naming(e, param);
    }
  };
  if (params.entries) {
    expect?.(params.entries.length);
    const entries = params.entries;
    const all = parse(() => entries.map(entryFromInput));
    for (let i = 0; i < all.length; i += BATCH) await each(all.slice(i, i + BATCH));
    return;
  }
  const format = params.format ?? defaultFormat(params);
  // CSV is parsed as text; JSON lines straight from the bytes (JsonLinesParser).
  const csv = format === "csv" ? new CsvEntryParser() : undefined;
  const jsonl = csv ? undefined : new JsonLinesParser();
  const source =
    params.content !== undefined
      ? contentSource(params.content, csv !== undefined)
      : fileSource(resolve(params.file ?? ""), csv !== undefined);
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
  let told = false;
  try {
    for await (const chunk of source.chunks) {
      if (signal?.aborted) throw signal.reason;
      const entries = parse(() =>
        csv ? csv.push(chunk as string) : jsonl!.push(chunk as Uint8Array),
      );
      const size = source.size();
      if (!told && size !== undefined && entries.length > 0) {
        // Entries in the first chunk × chunks in the file (the first chunk is typical).
        told = true;
        expect?.(Math.ceil((entries.length * size) / Math.max(1, source.read())));
      }
      await take(entries);
    }
  } finally {
    source.close();
  }
  await take(parse(() => (csv ? csv.end() : jsonl!.end())));
  if (batch.length > 0) await each(batch);
}

/** A file's name ending in .csv is CSV; content is CSV unless it starts with "{". */
function defaultFormat(params: WarmupSetParams): "jsonl" | "csv" {
  if (params.content !== undefined) return /^\s*\{/.test(params.content) ? "jsonl" : "csv";
  return /\.csv$/i.test(params.file ?? "") ? "csv" : "jsonl";
}

/** Uploaded content, parsed a chunk at a time like a file (the text is held once, by the request). */
function contentSource(content: string, csv: boolean): Source {
  let read = 0;
  const bytes = csv ? undefined : Buffer.from(content, "utf8");
  const size = bytes ? bytes.length : content.length;
  async function* chunks() {
    for (; read < size; ) {
      const from = read;
      read = Math.min(size, read + CHUNK);
      yield bytes ? bytes.subarray(from, read) : content.slice(from, read);
    }
  }
  return { chunks: chunks(), size: () => size, read: () => read, close: () => {} };
}

/** A file on this machine, for the CLI (its user chose it); read in 1 MiB chunks. */
function fileSource(file: string, csv: boolean): Source {
  const stream = createReadStream(file, {
    ...(csv ? { encoding: "utf8" as const } : {}),
    highWaterMark: CHUNK,
  });
  let size: number | undefined;
  stream.once("open", (fd: number) => {
    try {
      size = fstatSync(fd).size;
    } catch {
      // No estimate: the de-dup set grows as it goes.
    }
  });
  async function* chunks() {
    try {
      for await (const chunk of stream) yield chunk as string | Buffer;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EACCES" || code === "EISDIR") {
        throw badInput(
          `Cannot read the warm-up file ${file} (${code}): check the path (param file) and that you may read it.`,
          { param: "file" },
        );
      }
      throw e;
    }
  }
  return {
    chunks: chunks(),
    size: () => size,
    read: () => stream.bytesRead,
    close: () => stream.destroy(),
  };
}
