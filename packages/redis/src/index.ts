export { mapRedisError } from "./errors.ts";
export { createRedisProvider, RedisProvider } from "./provider.ts";
