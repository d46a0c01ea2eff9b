import { connect as netConnect } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";

/** A parsed RESP2 reply. Errors are values here (the caller asserts on them). */
export type RespValue = string | number | null | RespError | RespValue[];

export class RespError {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

export interface RespTarget {
  port: number;
  host?: string;
  /** TLS options (ca, cert, key, servername...); plain TCP when absent. */
  tls?: ConnectionOptions;
  /** Sent first as AUTH [user] password; its reply is not returned. */
  auth?: { username?: string; password: string };
}

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** Parses one reply at `pos`; undefined when the buffer does not hold all of it yet. */
function parse(buf: Buffer, pos: number): { value: RespValue; next: number } | undefined {
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString("utf8", pos + 1, eol);
  switch (type) {
    case "+":
      return { value: line, next: eol + 2 };
    case "-":
      return { value: new RespError(line), next: eol + 2 };
    case ":":
      return { value: Number(line), next: eol + 2 };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.toString("utf8", eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      const items: RespValue[] = [];
      let next = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`not a RESP reply (first byte ${JSON.stringify(type)})`);
  }
}

/**
 * Sends commands in one pipeline and returns their replies (harness probes and setup only; the
 * product never uses this). Supports AUTH and TLS, unlike rawCommand.
 */
export function respCall(
  target: RespTarget,
  commands: string[][],
  timeoutMs = 2000,
): Promise<RespValue[]> {
  const host = target.host ?? "127.0.0.1";
  const all = target.auth
    ? [
        ["AUTH", ...(target.auth.username ? [target.auth.username] : []), target.auth.password],
        ...commands,
      ]
    : commands;
  return new Promise((resolve, reject) => {
    const sock = target.tls
      ? tlsConnect({ host, port: target.port, ...target.tls })
      : netConnect({ host, port: target.port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no full reply from ${host}:${target.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once(target.tls ? "secureConnect" : "connect", () => {
      sock.write(all.map(encode).join(""));
    });
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const replies: RespValue[] = [];
      let pos = 0;
      try {
        while (replies.length < all.length) {
          const r = parse(buf, pos);
          if (!r) return;
          replies.push(r.value);
          pos = r.next;
        }
      } catch (e) {
        clearTimeout(timer);
        sock.destroy();
        reject(e);
        return;
      }
      clearTimeout(timer);
      sock.end();
      resolve(target.auth ? replies.slice(1) : replies);
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** One command; throws on an error reply. */
export async function respCommand(
  target: RespTarget,
  ...args: string[]
): Promise<Exclude<RespValue, RespError>> {
  const [reply] = await respCall(target, [args]);
  if (reply instanceof RespError) throw new Error(`${args[0]}: ${reply.message}`);
  return reply as Exclude<RespValue, RespError>;
}
