/**
 * Where a warm-up's entries come from: inline entries (warmup-entry.ts), an uploaded or local
 * file of JSON lines (warmup-json-lines.ts, or LineSplitter and parseJsonLine for text) or CSV
 * (warmup-csv.ts).
 */

import type { WarmupSetParams } from "./types.ts";

export { CsvEntryParser } from "./warmup-csv.ts";
export { entryFromInput, parseJsonLine, type WarmupEntry } from "./warmup-entry.ts";
export { JsonLinesParser, MAX_JSON_LINE_BYTES } from "./warmup-json-lines.ts";

/** Splits text chunks into lines (LF or CRLF), keeping a partial last line for the next chunk. */
export class LineSplitter {
  private rest = "";
  private n = 0;

  push(text: string, each: (line: string, lineNo: number) => void): void {
    const all = this.rest + text;
    let start = 0;
    for (;;) {
      const nl = all.indexOf("\n", start);
      if (nl < 0) break;
      this.n++;
      each(all.slice(start, nl > start && all[nl - 1] === "\r" ? nl - 1 : nl), this.n);
      start = nl + 1;
    }
    this.rest = all.slice(start);
  }

  end(each: (line: string, lineNo: number) => void): void {
    if (this.rest !== "") {
      this.n++;
      each(this.rest, this.n);
    }
    this.rest = "";
  }
}

/** The param a warm-up's entries come from: what an error reading them names (`details.param`). */
export function warmupSourceParam(params: WarmupSetParams): "entries" | "content" | "file" {
  if (params.entries !== undefined) return "entries";
  return params.content !== undefined ? "content" : "file";
}
