import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { walkFiles } from "./walk.ts";

/**
 * Every markdown document a source comment cites must exist in this repository, and every
 * `#anchor` on such a citation must match a heading of that document. A citation is a path
 * ending in the markdown extension: with a folder it is read from the repository root (or from
 * the citing file's folder when it starts with ./ or ../); a bare file name is looked up in
 * docs/design/, then docs/. Only comments are read: test names and other strings are code.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const DIRS = ["apps", "packages", "test", "bench", "scripts"];
const SOURCE = /\.(ts|tsx|mjs|css|sh)$/;
const BARE_NAME_HOMES = ["docs/design", "docs"];

interface Comment {
  /** Offset of the comment's first character in the file. */
  at: number;
  text: string;
}

// ---------- comments ----------

/** Words after which a slash starts a regular expression, not a division. */
const REGEX_AFTER_WORD = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);
const REGEX_AFTER_PUNCT = "(,=:[!&|?{};+-*%<>~^";

/** Index just past a quoted string starting at `i` (an unterminated one stops at the line end). */
function skipQuoted(src: string, i: number): number {
  const quote = src[i];
  let j = i + 1;
  while (j < src.length) {
    const ch = src[j]!;
    if (ch === "\\") j += 2;
    else if (ch === quote) return j + 1;
    else if (ch === "\n") return j;
    else j++;
  }
  return src.length;
}

/** Index just past a regular expression literal starting at `i` (its flags included). */
function skipRegex(src: string, i: number): number {
  let j = i + 1;
  let inClass = false;
  while (j < src.length) {
    const ch = src[j]!;
    if (ch === "\\") j += 2;
    else if (ch === "\n") return j;
    else if (inClass) {
      if (ch === "]") inClass = false;
      j++;
    } else if (ch === "[") {
      inClass = true;
      j++;
    } else if (ch === "/") {
      j++;
      while (j < src.length && /[a-z]/i.test(src[j]!)) j++;
      return j;
    } else j++;
  }
  return src.length;
}

/**
 * Comments of a TypeScript / JavaScript file (TSX too). A small scanner: strings, template
 * literals (with nested `${}` code) and regular expression literals are skipped, so a double
 * slash or a slash-star inside them is not taken for a comment.
 */
function scriptComments(src: string, jsx: boolean): Comment[] {
  const out: Comment[] = [];
  const n = src.length;
  /** Brace depth at which each open template's `${` code resumes the template. */
  const templates: number[] = [];
  let depth = 0;
  /** The last significant token: one punctuation character, a word, or "x" for a value. */
  let prev = "";

  const template = (from: number): number => {
    let j = from;
    while (j < n) {
      const ch = src[j]!;
      if (ch === "\\") j += 2;
      else if (ch === "`") {
        prev = "x";
        return j + 1;
      } else if (ch === "$" && src[j + 1] === "{") {
        templates.push(depth);
        prev = "(";
        return j + 2;
      } else j++;
    }
    return n;
  };

  // A hashbang line counts as a comment.
  let i = src.startsWith("#!") ? src.indexOf("\n") : 0;
  if (i < 0) i = n;
  if (i > 0) out.push({ at: 0, text: src.slice(2, i) });
  while (i < n) {
    const c = src[i]!;
    const next = src[i + 1];
    // In JSX text a URL's "scheme://" is not a comment (the scanner does not model JSX text).
    if (c === "/" && next === "/" && !(jsx && src[i - 1] === ":")) {
      const end = src.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      out.push({ at: i, text: src.slice(i + 2, stop) });
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      out.push({ at: i, text: src.slice(i + 2, end < 0 ? n : end) });
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      i = skipQuoted(src, i);
      prev = "x";
    } else if (c === "`") {
      i = template(i + 1);
    } else if (c === "{") {
      depth++;
      prev = "{";
      i++;
    } else if (c === "}") {
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        i = template(i + 1);
      } else {
        depth--;
        prev = "}";
        i++;
      }
    } else if (c === "/") {
      // JSX closing tags (`</div>`) and self-closing ones (`<br />`) are not regexes.
      const jsxSlash = jsx && (prev === "<" || next === ">");
      if (
        !jsxSlash &&
        (prev === "" || REGEX_AFTER_PUNCT.includes(prev) || REGEX_AFTER_WORD.has(prev))
      ) {
        i = skipRegex(src, i);
        prev = "x";
      } else {
        prev = "/";
        i++;
      }
    } else if (/[\w$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(src[j]!)) j++;
      const word = src.slice(i, j);
      prev = REGEX_AFTER_WORD.has(word) ? word : "x";
      i = j;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      prev = c;
      i++;
    }
  }
  return out;
}

/** Comments of a stylesheet: block comments outside strings. */
function cssComments(src: string): Comment[] {
  const out: Comment[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'") i = skipQuoted(src, i);
    else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      out.push({ at: i, text: src.slice(i + 2, end < 0 ? src.length : end) });
      i = end < 0 ? src.length : end + 2;
    } else i++;
  }
  return out;
}

/** Comments of a shell script: a `#` at a word's start, outside quotes, to the line end. */
function shellComments(src: string): Comment[] {
  const out: Comment[] = [];
  let quote: "'" | '"' | undefined;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i += 2;
      else {
        if (c === quote) quote = undefined;
        i++;
      }
    } else if (c === "\\") i += 2;
    else if (c === "'" || c === '"') {
      quote = c;
      i++;
    } else if (c === "#" && (i === 0 || /\s|;/.test(src[i - 1]!))) {
      const end = src.indexOf("\n", i);
      const stop = end < 0 ? src.length : end;
      out.push({ at: i, text: src.slice(i + 1, stop) });
      i = stop;
    } else i++;
  }
  return out;
}

function commentsOf(path: string, src: string): Comment[] {
  if (path.endsWith(".css")) return cssComments(src);
  if (path.endsWith(".sh")) return shellComments(src);
  return scriptComments(src, path.endsWith(".tsx"));
}

// ---------- citations ----------

/** A markdown path (bare name or with folders) and an optional #anchor, not part of a URL. */
const CITATION = /(?<![\w./-])((?:\.\.?\/)*(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.md)(#[\w-]+)?(?!\w)/g;

function citationsIn(text: string): { path: string; anchor?: string }[] {
  return [...text.matchAll(CITATION)].map((m) =>
    m[2] ? { path: m[1]!, anchor: m[2].slice(1) } : { path: m[1]! },
  );
}

const inRepo = (abs: string) => {
  const rel = relative(ROOT, abs);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
};
const isFile = (abs: string) => existsSync(abs) && statSync(abs).isFile();

/** The repository file a citation names, or undefined. Files outside the repository never count. */
function resolveCitation(path: string, citingFile: string): string | undefined {
  const candidates = !path.includes("/")
    ? BARE_NAME_HOMES.map((home) => join(ROOT, home, path))
    : path.startsWith("./") || path.startsWith("../")
      ? [resolve(dirname(citingFile), path)]
      : [join(ROOT, path)];
  return candidates.find((c) => inRepo(c) && isFile(c));
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

const anchorCache = new Map<string, Set<string>>();

/** Every anchor a markdown file's headings produce (repeats get -1, -2, ... as on GitHub). */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const times = seen.get(base) ?? 0;
    seen.set(base, times + 1);
    anchors.add(times === 0 ? base : `${base}-${times}`);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

// ---------- the check ----------

function lineOf(src: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}

describe("documents cited in comments exist", () => {
  it("the comment scanner skips strings, templates and regular expressions", () => {
    const src = [
      'const a = "// not.md"; // one.md',
      // A template whose ${} code holds an object and a string (built so it is not a placeholder).
      "const b = `x $" + "{ { c: '/* no.md */' }.c } // still template`; /* two.md */",
      "const r = /\\/\\/ three.md/g; const d = 4 / 2; // four.md#an-anchor",
    ].join("\n");
    const found = scriptComments(src, false).flatMap((c) => citationsIn(c.text));
    expect(found).toEqual([
      { path: "one.md" },
      { path: "two.md" },
      { path: "four.md", anchor: "an-anchor" },
    ]);
    expect(citationsIn("see https://example.com/a/README.md and docs/x.md.")).toEqual([
      { path: "docs/x.md" },
    ]);
    expect(shellComments("echo '# not.md' # yes.md\n").map((c) => c.text)).toEqual([" yes.md"]);
    expect(slug("The local API's door")).toBe("the-local-apis-door");
  });

  it("every cited path resolves to a file in the repository, every anchor to a heading", () => {
    const files = DIRS.flatMap((d) => walkFiles(join(ROOT, d), (_, name) => SOURCE.test(name)));
    const problems: string[] = [];
    const documents = new Set<string>();
    let checked = 0;
    for (const file of files) {
      const src = readFileSync(file, "utf8");
      for (const comment of commentsOf(file, src)) {
        for (const cite of citationsIn(comment.text)) {
          checked++;
          const where = `${relative(ROOT, file)}:${lineOf(src, comment.at)}`;
          const target = resolveCitation(cite.path, file);
          if (!target) {
            problems.push(`${where}: ${cite.path} is not a file in this repository`);
            continue;
          }
          documents.add(relative(ROOT, target));
          if (cite.anchor !== undefined && !anchorsOf(target).has(cite.anchor)) {
            problems.push(`${where}: ${relative(ROOT, target)} has no heading for #${cite.anchor}`);
          }
        }
      }
    }
    console.log(
      `doc references: ${checked} checked in ${files.length} source files, ${documents.size} documents cited, ${problems.length} broken`,
    );
    expect(problems).toEqual([]);
    // The walk must have found the citations at all (a broken scanner would pass vacuously).
    expect(checked).toBeGreaterThan(20);
  });
});
