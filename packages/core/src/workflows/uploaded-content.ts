import { specParams } from "./templates.ts";
import type { WorkflowSpec } from "./types.ts";

const NOTE = /^<uploaded file: [\d,]+ bytes>$/;

/** UTF-8 length without encoding the text (it may be tens of MB). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** What a plan keeps in place of uploaded content: its size, never its text (it holds values). */
export function uploadedNote(content: string): string {
  return `<uploaded file: ${utf8Length(content).toLocaleString("en-US")} bytes>`;
}

/** True for a note left by `uploadedNote`: the content itself is gone (upload it again). */
export function isUploadedNote(v: unknown): boolean {
  return typeof v === "string" && NOTE.test(v);
}

/** The params a plan record keeps: as validated, uploaded content replaced by its note. */
export function planParams(spec: WorkflowSpec): Record<string, unknown> {
  const out = specParams(spec);
  if (typeof out.content === "string" && !isUploadedNote(out.content)) {
    out.content = uploadedNote(out.content);
  }
  return out;
}
