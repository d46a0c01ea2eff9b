export { type ConnectionOptions, formatAddress, MemcachedConnection } from "./connection.ts";
export { checkKey, checkKeys, MAX_KEY_BYTES } from "./key-check.ts";
export type {
  DumpReply,
  ErrorReply,
  LineReply,
  MetaReply,
  MetaStatus,
  Reply,
  ReplyShape,
  StatsReply,
} from "./replies.ts";
export {
  metaDelete,
  metadumpRequest,
  metaGet,
  metaNoop,
  metaSet,
  type Request,
  statsRequest,
  versionRequest,
} from "./requests.ts";
