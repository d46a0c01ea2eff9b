import { ReplyError } from "ioredis";

/**
 * Engine errors are recognised by class, never by `err.name`: redis-errors derives the name from
 * `constructor.name`, which a bundler may rename (`ReplyError3`), and then every WRONGTYPE or
 * NOPERM reply would pass for a connection failure.
 */
const ReplyErrorClass = ReplyError as unknown as new (message: string) => Error;

/** An error reply from the server (`-ERR ...`, `-WRONGTYPE ...`), thrown or nested in an array. */
export function isReplyError(e: unknown): e is Error {
  return e instanceof ReplyErrorClass;
}

/** The reply could not be parsed as RESP: the peer does not speak Redis (HTTP, memcached, TLS). */
export function isProtocolError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  const err: Error = e;
  if (isReplyError(err)) return false;
  // redis-parser's ParserError carries the bytes it choked on and where.
  return ("offset" in err && "buffer" in err) || /^Protocol error, got/.test(e.message);
}
