import { badInput } from "./errors.ts";

/**
 * Redis glob patterns (as MATCH and KEYS read them): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, and `\`
 * to escape. Used to filter listings the engine cannot filter itself (Memcached) and to check a
 * pattern before it is sent. Matching is on the key's bytes as latin1 so binary keys work.
 */
export function globToRegExp(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      i++;
      if (i >= pattern.length)
        throw badInput(`Pattern "${pattern}" ends with a lone backslash: escape it as \\\\.`);
      re += escapeRe(pattern[i]!);
    } else if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const end = findClassEnd(pattern, i);
      if (end < 0)
        throw badInput(
          `Pattern "${pattern}" has an unclosed "[": close it with "]" or escape it as \\[.`,
        );
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      let cls = "";
      for (let j = 0; j < body.length; j++) {
        const b = body[j]!;
        if (b === "\\" && j + 1 < body.length) cls += escapeRe(body[++j]!);
        else if (b === "-" && j > 0 && j < body.length - 1) cls += "-";
        else cls += escapeRe(b);
      }
      re += negate ? `[^${cls}]` : cls === "" ? "(?!)" : `[${cls}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`${re}$`);
}

function findClassEnd(p: string, start: number): number {
  for (let i = start + 1; i < p.length; i++) {
    if (p[i] === "\\") i++;
    else if (p[i] === "]" && i > start + 1) return i;
    else if (p[i] === "]" && i === start + 1) return i;
  }
  return -1;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|\-/]/.test(c) ? `\\${c}` : c;
}

const latin1 = new TextDecoder("latin1");

/** A matcher over key bytes. `undefined` or "*" matches everything. */
export function keyMatcher(pattern: string | undefined): (key: Uint8Array) => boolean {
  if (pattern === undefined || pattern === "" || pattern === "*") return () => true;
  const bytes = new TextEncoder().encode(pattern);
  const re = globToRegExp(latin1.decode(bytes));
  return (key) => re.test(latin1.decode(key));
}

/** The literal prefix of a pattern (before its first wildcard), for namespace narrowing. */
export function literalPrefix(pattern: string): string {
  const m = /^[^*?[\\]*/.exec(pattern);
  return m ? m[0] : "";
}
