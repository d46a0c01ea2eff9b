import { checkKey, isValidKey } from "./key-check.ts";
import type { ReplyShape } from "./replies.ts";
import type { DumpLineHandler } from "./reply-reader.ts";

/** One request: the exact bytes to write and the shape of the reply to read back. */
export interface Request {
  bytes: Buffer;
  shape: ReplyShape;
  /** For metadump: receives each entry line as it is read. */
  onLine?: DumpLineHandler;
}

const CRLF = Buffer.from("\r\n");
const MN = Buffer.from("mn\r\n");

/** A meta flag: a letter, then printable characters (never a space or a line end). */
function checkFlag(f: string): void {
  if (!/^[A-Za-z][\x21-\x7e]*$/.test(f)) throw new Error(`bad meta flag "${f}"`);
}

/** A meta command on a key: `<cmd> <key> <flags...>\r\n`. The key is checked here too. */
function metaLine(cmd: string, key: Uint8Array, flags: string[], size?: number): Buffer {
  checkKey(key);
  for (const f of flags) checkFlag(f);
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

/**
 * Many quiet meta commands in one request, ended by `mn` (shape "quiet"): `md <key> q` per key
 * (HD suppressed; NF and errors come back). One buffer for the whole run, every key checked
 * before any byte is written.
 */
export function metaDeleteQuiet(keys: readonly Uint8Array[]): Request {
  let size = MN.length;
  for (const key of keys) {
    if (!isValidKey(key)) checkKey(key); // throws, saying what is wrong with the key
    size += key.length + 7; // "md " + key + " q\r\n"
  }
  const out = Buffer.allocUnsafe(size);
  let n = 0;
  for (const key of keys) {
    out[n++] = 0x6d; // m
    out[n++] = 0x64; // d
    out[n++] = 0x20;
    n = putKey(out, n, key);
    out[n++] = 0x20;
    out[n++] = 0x71; // q
    out[n++] = 0x0d;
    out[n++] = 0x0a;
  }
  MN.copy(out, n);
  return { bytes: out, shape: "quiet" };
}

/**
 * `ms <key> <len> <flags> q\r\n<value>\r\n` per item, quiet, ended by `mn` (shape "quiet"): HD
 * suppressed; NS (mode E or R not met) and errors come back. Flags are checked once for the run.
 */
export function metaSetQuiet(
  items: readonly { key: Uint8Array; value: Uint8Array; flags: readonly string[] }[],
): Request {
  let size = MN.length;
  const tails: string[] = new Array(items.length);
  let lastFlags: readonly string[] | undefined;
  let lastText = "";
  for (let i = 0; i < items.length; i++) {
    const { key, value, flags } = items[i]!;
    if (!isValidKey(key)) checkKey(key);
    if (flags !== lastFlags) {
      for (const f of flags) checkFlag(f);
      lastFlags = flags;
      lastText = flags.length > 0 ? ` ${flags.join(" ")} q\r\n` : " q\r\n";
    }
    const tail = ` ${value.length}${lastText}`;
    tails[i] = tail;
    size += 3 + key.length + tail.length + value.length + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let n = 0;
  for (let i = 0; i < items.length; i++) {
    const { key, value } = items[i]!;
    out[n++] = 0x6d; // m
    out[n++] = 0x73; // s
    out[n++] = 0x20;
    n = putKey(out, n, key);
    n += out.write(tails[i]!, n, "latin1");
    n = putKey(out, n, value);
    out[n++] = 0x0d;
    out[n++] = 0x0a;
  }
  MN.copy(out, n);
  return { bytes: out, shape: "quiet" };
}

function putKey(out: Buffer, at: number, bytes: Uint8Array): number {
  const len = bytes.length;
  if (len < 64) for (let i = 0; i < len; i++) out[at + i] = bytes[i]!;
  else out.set(bytes, at);
  return at + len;
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
export function metadumpRequest(onLine: DumpLineHandler): Request {
  return { bytes: Buffer.from("lru_crawler metadump all\r\n"), shape: "dump", onLine };
}
