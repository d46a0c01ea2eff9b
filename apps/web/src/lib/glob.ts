/** Redis glob (`*`, `?`, `[abc]`, `[^a]`, `\x`) as a RegExp, to tell whether a key fits a filter. */
export function globMatcher(pattern: string): (key: string) => boolean {
  if (pattern === "*" || pattern === "") return () => true;
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]!);
    } else if (c === "*") {
      re += "[\\s\\S]*";
    } else if (c === "?") {
      re += "[\\s\\S]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = end;
    } else {
      re += escapeRe(c);
    }
  }
  try {
    const r = new RegExp(`${re}$`);
    return (key) => r.test(key);
  } catch {
    return () => false;
  }
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
