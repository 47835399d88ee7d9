export { aggregateStatus, type StatusInput, statusRank } from './aggregate.js';
export {
  type DiskSpaceCheckOptions,
  diskSpaceCheck,
  type FreeSpace,
} from './checks/disk-space.js';
export {
  type EventLoopLagCheckOptions,
  eventLoopLagCheck,
} from './checks/event-loop-lag.js';
export { type HttpCheckOptions, httpCheck } from './checks/http.js';
export { type MemoryCheckOptions, memoryCheck } from './checks/memory.js';
export { type PingCheckOptions, pingCheck } from './checks/ping.js';
export { type RedisCheckOptions, type RedisPingable, redisCheck } from './checks/redis.js';
export type { CheckSettings } from './checks/settings.js';
export { type DoctorOptions, doctorExitCode, renderDoctor } from './doctor.js';
export {
  type CheckCallOptions,
  type CheckChange,
  createHealth,
  type Health,
  type HealthEvents,
  type HealthOptions,
} from './health.js';
export {
  type HealthHandlerOptions,
  type HealthRequestHandler,
  healthHandler,
  type ShowDetails,
} from './http-handler.js';
export { gracefulShutdown } from './shutdown.js';
export type {
  DrainableServer,
  GracefulShutdown,
  GracefulShutdownOptions,
  ShutdownHook,
  ShutdownHookInput,
  SignalSource,
} from './shutdown-types.js';
export type {
  CheckInput,
  CheckKind,
  CheckOutcome,
  CheckReport,
  HealthCheck,
  HealthReport,
  ServiceInfo,
} from './types.js';
