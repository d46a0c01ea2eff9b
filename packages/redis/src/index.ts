export { createRedisProvider, RedisProvider } from "./provider.ts";
export { mapRedisError } from "./errors.ts";
