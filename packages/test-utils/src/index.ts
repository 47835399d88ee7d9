export { eventually } from './eventually.js';
export { type FaultMode, type FaultProxy, type FaultProxyOptions, startFaultProxy } from './fault-proxy.js';
export { freePort } from './free-port.js';
export {
  SOURCE_CONDITION,
  type StartedProcess,
  type StartProcessOptions,
  sourceNodeArgs,
  startProcess,
} from './process.js';
export { pingRedis, redisUrl, requireRedis, uniquePrefix } from './redis.js';
export { type RedisServer, type RedisServerOptions, startRedisServer } from './redis-server.js';
export { recordSkip, SKIP_LOG_ENV } from './skips.js';
