import { CachifyError } from "@cachify/core";

/**
 * Secrets read without argv (a password on the command line is in the shell history and the
 * process list): the first line of standard input, or a prompt on the terminal without echo.
 */

/** The first line of `stream` (up to a newline or the end), without its line break. */
export function readFirstLine(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const finish = (err?: Error) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.pause();
      if (err) reject(err);
      else resolve(firstLine(buf));
    };
    const onData = (chunk: string) => {
      buf += chunk;
      if (buf.includes("\n")) finish();
    };
    const onEnd = () => finish();
    const onError = (e: Error) => finish(e);
    stream.setEncoding("utf8");
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.resume();
  });
}

export const firstLine = (text: string): string => text.split("\n", 1)[0]!.replace(/\r$/, "");

/** Asks on stderr and reads a line from the terminal with echo off; Ctrl-C cancels. */
export function promptHidden(
  question: string,
  stream: NodeJS.ReadStream = process.stdin,
  out: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = "";
    const wasRaw = stream.isRaw;
    const finish = (err?: Error) => {
      stream.off("data", onData);
      stream.setRawMode(wasRaw);
      stream.pause();
      out.write("\n");
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === "\r" || c === "\n" || c === "\u0004") return finish();
        if (c === "\u0003") {
          return finish(new CachifyError("bad-input", "Cancelled: no password was given."));
        }
        if (c === "\u007f" || c === "\b") typed = typed.slice(0, -1);
        else typed += c;
      }
    };
    // Echo goes off before the question shows: nothing typed after it can be echoed.
    stream.setRawMode(true);
    stream.setEncoding("utf8");
    stream.on("data", onData);
    stream.resume();
    out.write(question);
  });
}
