export { decodeDumpString, dumpRdbVersion } from "./dump-format.ts";
export { mapRedisError } from "./errors.ts";
export { createRedisProvider, RedisProvider } from "./provider.ts";
export { checkTlsFiles } from "./tls-files.ts";
