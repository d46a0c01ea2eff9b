import { badInput, type CachifyError } from "../common/errors.ts";
import { jsonSyntaxError } from "../workflows/json-syntax.ts";

/**
 * The most entries one import takes. Parsing and validation are linear, so 200,000 take a few
 * seconds and a few hundred MB at most; a bigger file is refused before any entry is built.
 */
export const MAX_IMPORT_ENTRIES = 200_000;
/** The most text one import reads (the studio's API takes 5 MB; a CLI file may be larger). */
export const MAX_IMPORT_TEXT = 64 * 1024 * 1024;

/** Problems named in a refusal's message, and in its details.errors: a bad file stays readable. */
export const LISTED_ERRORS = 20;
export const DETAILED_ERRORS = 1000;

export function importTooLarge(count: number): CachifyError {
  return badInput(
    `The file lists ${count.toLocaleString("en-US")} connections; one import takes at most ${MAX_IMPORT_ENTRIES.toLocaleString("en-US")}: split it into several files. Nothing was imported.`,
    { field: "content", count, max: MAX_IMPORT_ENTRIES },
  );
}

/**
 * Where a connections file stops being JSON, as "line 3, column 14: a comma or } was expected
 * here". JSON.parse's own message quotes the text around the error, which may be a password.
 */
export function jsonProblem(text: string): string {
  const { column, reason } = jsonSyntaxError(text);
  const index = column - 1;
  const lineStart = text.lastIndexOf("\n", index - 1) + 1;
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < lineStart; i = text.indexOf("\n", i + 1)) line++;
  return `line ${line}, column ${index - lineStart + 1}: ${reason}`;
}
