export { abortReason, type Clock, sleepWith, systemClock, type TimerHandle } from './clock.js';
export { closestName } from './closest-name.js';
export { type DeadlineEntry, DeadlineQueue, type DeadlineQueueOptions } from './deadline-queue.js';
export { type Duration, formatDuration, parseDuration } from './duration.js';
export { isErrorLike } from './error-like.js';
export {
  createEmitter,
  type Emitter,
  type EmitterOptions,
  type EventSource,
  type Listener,
} from './events.js';
export type { HealthIndicator, HealthResult, HealthStatus } from './health.js';
export { otelApi } from './internal/otel.js';
export { type LogFn, type LoggerLike, noopLogger } from './logger.js';
export { parseSize, type Size } from './size.js';
export {
  createTelemetry,
  type EventDefinition,
  errorType,
  type GaugeReader,
  getMeter,
  getTracer,
  type InstrumentKind,
  type InstrumentOf,
  type Instruments,
  type MetricDefinition,
  recordError,
  type SpanDefinition,
  type Telemetry,
  type TelemetryDefinitions,
  withSpan,
} from './telemetry.js';
