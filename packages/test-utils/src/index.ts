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
export { type RedisCluster, type RedisClusterOptions, startRedisCluster } from './redis-cluster.js';
export { type RedisSentinel, type RedisSentinelOptions, startRedisSentinel } from './redis-sentinel.js';
export { type RedisServer, type RedisServerOptions, startRedisServer } from './redis-server.js';
export { recordSkip, SKIP_LOG_ENV } from './skips.js';
export {
  type RedisTopologiesOptions,
  type RedisTopology,
  type RedisTopologyName,
  redisTopologies,
  requireRedisServer,
} from './topologies.js';
