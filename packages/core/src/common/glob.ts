import { badInput } from "./errors.ts";

/**
 * Redis glob patterns (as MATCH and KEYS read them): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, and `\`
 * to escape, over the key's bytes (binary keys work). Used to filter listings the engine cannot
 * filter itself (Memcached) and to check a pattern before it is sent.
 *
 * Matching is the greedy wildcard walk with one backtrack point, O(key × pattern) at worst: a
 * regular expression built from `*a*a*a*…b` would backtrack exponentially on a long key.
 */
type Token =
  | { t: "lit"; b: number }
  | { t: "any" }
  | { t: "star" }
  | { t: "class"; negate: boolean; ranges: [number, number][] };

const encoder = new TextEncoder();

export function compileGlob(pattern: string): Token[] {
  const p = encoder.encode(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === 0x5c) {
      i++;
      if (i >= p.length) {
        throw badInput(`Pattern "${pattern}" ends with a lone backslash: escape it as \\\\.`);
      }
      tokens.push({ t: "lit", b: p[i]! });
    } else if (c === 0x2a) {
      if (tokens.at(-1)?.t !== "star") tokens.push({ t: "star" });
    } else if (c === 0x3f) tokens.push({ t: "any" });
    else if (c === 0x5b) {
      let j = i + 1;
      const negate = p[j] === 0x5e;
      if (negate) j++;
      const ranges: [number, number][] = [];
      let closed = false;
      for (; j < p.length; j++) {
        let b = p[j]!;
        if (b === 0x5d && (ranges.length > 0 || j > i + 1 + (negate ? 1 : 0))) {
          closed = true;
          break;
        }
        if (b === 0x5c && j + 1 < p.length) b = p[++j]!;
        if (p[j + 1] === 0x2d && j + 2 < p.length && p[j + 2] !== 0x5d) {
          let hi = p[j + 2]!;
          j += 2;
          if (hi === 0x5c && j + 1 < p.length) hi = p[++j]!;
          ranges.push(b <= hi ? [b, hi] : [hi, b]);
        } else ranges.push([b, b]);
      }
      if (!closed) {
        throw badInput(
          `Pattern "${pattern}" has an unclosed "[": close it with "]" or escape it as \\[.`,
        );
      }
      tokens.push({ t: "class", negate, ranges });
      i = j;
    } else tokens.push({ t: "lit", b: c });
  }
  return tokens;
}

function one(tok: Token, b: number): boolean {
  switch (tok.t) {
    case "lit":
      return tok.b === b;
    case "any":
      return true;
    case "class": {
      const inside = tok.ranges.some(([lo, hi]) => b >= lo && b <= hi);
      return tok.negate ? !inside : inside;
    }
    default:
      return false;
  }
}

export function matchGlob(tokens: Token[], key: Uint8Array): boolean {
  let ti = 0;
  let ki = 0;
  let starT = -1;
  let starK = 0;
  while (ki < key.length) {
    const tok = tokens[ti];
    if (tok && tok.t !== "star" && one(tok, key[ki]!)) {
      ti++;
      ki++;
    } else if (tok?.t === "star") {
      starT = ti++;
      starK = ki;
    } else if (starT >= 0) {
      ti = starT + 1;
      ki = ++starK;
    } else return false;
  }
  while (tokens[ti]?.t === "star") ti++;
  return ti === tokens.length;
}

/** Checks a pattern; throws a bad-input error that says how to fix it. */
export function checkGlob(pattern: string): void {
  compileGlob(pattern);
}

/** A matcher over key bytes. `undefined`, "" or "*" matches everything. */
export function keyMatcher(pattern: string | undefined): (key: Uint8Array) => boolean {
  if (pattern === undefined || pattern === "" || pattern === "*") return () => true;
  const tokens = compileGlob(pattern);
  return (key) => matchGlob(tokens, key);
}

/** The literal prefix of a pattern (before its first wildcard), for namespace narrowing. */
export function literalPrefix(pattern: string): string {
  const m = /^[^*?[\\]*/.exec(pattern);
  return m ? m[0] : "";
}
