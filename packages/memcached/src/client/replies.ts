/** Status codes of the meta commands (mg, ms, md, mn). */
export type MetaStatus = "VA" | "HD" | "EN" | "NF" | "NS" | "EX" | "MN";

/**
 * How the reader should read the reply to a request:
 * - meta: one status line, plus a data block after `VA <len>`;
 * - line: one line (`VERSION 1.6.18`);
 * - stats: `STAT name value` lines up to `END`;
 * - dump: `key=... exp=...` lines (ended by LF only) up to `END`, handed to a callback one by one
 *   so a listing of millions of keys is never held as one reply;
 * - quiet: a run of quiet (`q`) meta commands ended by `mn`: the replies the server did not
 *   suppress (NF, NS, EX, a hit's VA, errors), then MN.
 */
export type ReplyShape = "meta" | "line" | "stats" | "dump" | "quiet";

export interface MetaReply {
  kind: "meta";
  status: MetaStatus;
  /** Return flags by letter: `t-1` → { t: "-1" }. */
  flags: Record<string, string>;
  value?: Buffer;
}

export interface LineReply {
  kind: "line";
  line: string;
}

export interface StatsReply {
  kind: "stats";
  stats: Record<string, string>;
}

export interface DumpReply {
  kind: "dump";
  lines: number;
}

/**
 * A reply that reports a failure. `ERROR` (unknown command), `CLIENT_ERROR` (bad request) and
 * `SERVER_ERROR` (the server could not do it) for every command; the LRU crawler's own answers
 * (BUSY, BADCLASS, NOTSTARTED, `ERROR metadump not allowed`) for metadump.
 */
export interface ErrorReply {
  kind: "error";
  type: "ERROR" | "CLIENT_ERROR" | "SERVER_ERROR" | "BUSY" | "BADCLASS" | "NOTSTARTED";
  message: string;
  line: string;
}

/**
 * The answer to a run of quiet meta commands: every reply the server sent before the closing MN.
 * Success (HD) is suppressed in quiet mode, so a run that fully succeeded has none; an error reply
 * does not say which command it answers.
 */
export interface QuietReply {
  kind: "quiet";
  replies: (MetaReply | ErrorReply)[];
}

export type Reply = MetaReply | LineReply | StatsReply | DumpReply | ErrorReply | QuietReply;

/** The server sent something the protocol does not allow here: the stream cannot be trusted. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}
