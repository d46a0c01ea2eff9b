import { checkKey } from "./key-check.ts";
import type { ReplyShape } from "./replies.ts";

/** One request: the exact bytes to write and the shape of the reply to read back. */
export interface Request {
  bytes: Buffer;
  shape: ReplyShape;
  /** For metadump: receives each entry line as it is read. */
  onLine?: (line: string) => void;
}

const CRLF = Buffer.from("\r\n");

/** A meta command on a key: `<cmd> <key> <flags...>\r\n`. The key is checked here too. */
function metaLine(cmd: string, key: Uint8Array, flags: string[], size?: number): Buffer {
  checkKey(key);
  for (const f of flags) {
    if (!/^[A-Za-z][\x21-\x7e]*$/.test(f)) throw new Error(`bad meta flag "${f}"`);
  }
  const tokens = size === undefined ? flags : [String(size), ...flags];
  const tail = tokens.length > 0 ? ` ${tokens.join(" ")}\r\n` : "\r\n";
  return Buffer.concat([Buffer.from(`${cmd} `), key, Buffer.from(tail)]);
}

/**
 * `mg <key> <flags>`: v value, t remaining TTL (-1 none), f client flags, s size, c CAS,
 * T<exptime> to change the TTL while reading.
 */
export function metaGet(key: Uint8Array, flags: string[]): Request {
  return { bytes: metaLine("mg", key, flags), shape: "meta" };
}

/** `ms <key> <len> <flags>\r\n<value>\r\n`: T<exptime>, F<client flags>, C<cas>, M<mode>. */
export function metaSet(key: Uint8Array, value: Uint8Array, flags: string[]): Request {
  const head = metaLine("ms", key, flags, value.length);
  return { bytes: Buffer.concat([head, value, CRLF]), shape: "meta" };
}

/** `md <key> <flags>`: HD deleted, NF not found. */
export function metaDelete(key: Uint8Array, flags: string[] = []): Request {
  return { bytes: metaLine("md", key, flags), shape: "meta" };
}

/** `mn`: answered by MN; a cheap round trip (ping). */
export function metaNoop(): Request {
  return { bytes: Buffer.from("mn\r\n"), shape: "meta" };
}

export function statsRequest(): Request {
  return { bytes: Buffer.from("stats\r\n"), shape: "stats" };
}

export function versionRequest(): Request {
  return { bytes: Buffer.from("version\r\n"), shape: "line" };
}

/**
 * `lru_crawler metadump all`: one `key=<url-encoded> exp=... la=... cas=... fetch=... cls=...
 * size=...` line per item, then END. The server hands the connection to its crawler thread while
 * it dumps and does not read further commands reliably meanwhile, so send it on a connection of
 * its own.
 */
export function metadumpRequest(onLine: (line: string) => void): Request {
  return { bytes: Buffer.from("lru_crawler metadump all\r\n"), shape: "dump", onLine };
}
