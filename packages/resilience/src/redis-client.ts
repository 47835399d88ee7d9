/**
 * The part of an ioredis client (`Redis` or `Cluster`) that {@link redisRateLimiter} calls.
 * Declared here rather than imported, so that the types of `@ballast/resilience` never name
 * ioredis, an optional peer: a TypeScript project without ioredis still compiles. Pass your
 * `new Redis()` or `new Cluster()`.
 */
export interface RedisScriptClient {
  /** Runs a Lua script already loaded by its SHA1 (`EVALSHA`). */
  evalsha(sha: string, numKeys: number, ...args: string[]): Promise<unknown>;
  /** Runs a Lua script (`EVAL`). */
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
}
