export { type ConnectionOptions, formatAddress, MemcachedConnection } from "./connection.ts";
export { checkKey, checkKeys, isValidKey, MAX_KEY_BYTES } from "./key-check.ts";
export type {
  DumpReply,
  ErrorReply,
  LineReply,
  MetaReply,
  MetaStatus,
  QuietReply,
  Reply,
  ReplyShape,
  StatsReply,
} from "./replies.ts";
export type { DumpLineHandler } from "./reply-reader.ts";
export {
  metaDelete,
  metaDeleteQuiet,
  metadumpRequest,
  metaGet,
  metaNoop,
  metaSet,
  metaSetQuiet,
  type Request,
  statsRequest,
  versionRequest,
} from "./requests.ts";
