/** Where a JSON text goes wrong (1-based column, in characters) and why, quoting none of it. */
export interface JsonSyntaxError {
  column: number;
  reason: string;
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const HEX = /^[0-9a-fA-F]{4}$/;

/**
 * The first syntax error of a JSON text. JSON.parse's own message quotes the text ("Unexpected
 * token 'a', "abc..." is not valid JSON"), and a warm-up line may come from any file: its content
 * must never reach an error or the database. Iterative (an explicit stack), so a line of a million
 * "[" cannot overflow the call stack; called only after JSON.parse failed.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError {
  const n = text.length;
  const open: string[] = [];
  let i = 0;
  let mode: "value" | "after" | "key" = "value";
  const at = (reason: string): JsonSyntaxError => ({ column: i + 1, reason });
  const expected = (what: string) =>
    at(i >= n ? `the line ends where ${what} should be` : `${what} was expected here`);
  const skip = () => {
    while (isSpace(text[i])) i++;
  };
  /** Reads a string from its opening quote; returns an error, or undefined once past it. */
  const string = (): JsonSyntaxError | undefined => {
    i++;
    for (;;) {
      if (i >= n) return at("the line ends inside a string: close it with a double quote");
      const c = text[i]!;
      if (c === '"') {
        i++;
        return undefined;
      }
      if (c < " ") return at("a control character inside a string: escape it (\\n, \\t, \\u0000)");
      if (c === "\\") {
        const e = text[i + 1];
        if (e === "u") {
          if (!HEX.test(text.slice(i + 2, i + 6)))
            return at("\\u must be followed by 4 hex digits");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return at('an unknown escape: use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX');
        continue;
      }
      i++;
    }
  };
  const number = (): JsonSyntaxError | undefined => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (isDigit(text[i])) while (isDigit(text[i])) i++;
    else return at("a number needs digits after its minus sign");
    if (text[i] === ".") {
      i++;
      if (!isDigit(text[i])) return at("a number needs digits after its decimal point");
      while (isDigit(text[i])) i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!isDigit(text[i])) return at("a number needs digits in its exponent");
      while (isDigit(text[i])) i++;
    }
    return undefined;
  };

  for (;;) {
    skip();
    if (mode === "key") {
      if (text[i] === "}") return at("a comma before } (JSON allows no trailing comma)");
      if (text[i] !== '"') return expected("a property name in double quotes");
      const e = string();
      if (e) return e;
      skip();
      if (text[i] !== ":") return expected("a colon after the property name");
      i++;
      mode = "value";
      continue;
    }
    if (mode === "after") {
      const top = open[open.length - 1];
      if (top === undefined) {
        return i < n ? at("more text after the JSON value") : at("no error found");
      }
      const close = top === "{" ? "}" : "]";
      if (text[i] === close) {
        i++;
        open.pop();
        continue;
      }
      if (text[i] !== ",") return expected(`a comma or ${close}`);
      i++;
      skip();
      if (top === "[" && text[i] === "]")
        return at("a comma before ] (JSON allows no trailing comma)");
      mode = top === "{" ? "key" : "value";
      continue;
    }
    const c = text[i];
    if (c === undefined) return at("the line ends where a value was expected");
    if (c === "{" || c === "[") {
      i++;
      skip();
      if (text[i] === (c === "{" ? "}" : "]")) {
        i++;
        mode = "after";
      } else {
        open.push(c);
        mode = c === "{" ? "key" : "value";
      }
      continue;
    }
    let e: JsonSyntaxError | undefined;
    if (c === '"') e = string();
    else if (c === "-" || isDigit(c)) e = number();
    else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      if (!word) return at("an unexpected character where a value was expected");
      i += word.length;
    }
    if (e) return e;
    mode = "after";
  }
}
