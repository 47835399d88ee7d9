import type { Clock } from '@ballast/core';
import type { LevelName, LogSink } from '@ballast/logger';
import type { Limit } from './rate-limit.js';
import type { UpstreamBehaviour } from './upstream.js';

/** Everything `createService` can be told; every field has an embedded default. */
export interface ServiceConfig {
  /** The port to listen on; `0` picks a free one. @defaultValue `0` */
  port?: number;
  /** @defaultValue `'127.0.0.1'` */
  host?: string;
  /** With a Redis URL: Redis rate limiting, a Redis health check, and the cache's Redis tier and bus. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key this service writes. @defaultValue `'http-service:'` */
  redisPrefix?: string;
  /** Limits per client IP and per API key. @defaultValue 60/min and 1000/h */
  limits?: readonly Limit[];
  /** Read the client IP from `X-Forwarded-For` (only behind a proxy you trust). @defaultValue `false` */
  trustProxy?: boolean;
  /** Log sinks. @defaultValue `[stdoutSink()]` */
  logSinks?: LogSink[];
  /** @defaultValue `'info'` */
  logLevel?: LevelName;
  /** The upstream's starting behaviour. */
  upstream?: Partial<UpstreamBehaviour>;
  /** Seed of the upstream's misbehaviour. @defaultValue `42` */
  seed?: number;
  /** Freshness of the product list and of one product; each stays 10 min as stale-if-error. */
  ttl?: { products?: string | number; product?: string | number };
  /** How long the upstream breaker stays open before a probe. @defaultValue `'5s'` */
  halfOpenAfter?: string | number;
  /** Time limit of one upstream attempt. @defaultValue `'1s'` */
  upstreamTimeout?: string | number;
  /** Print spans to stdout (`OTEL_TRACES_CONSOLE=1`). @defaultValue `false` */
  consoleTraces?: boolean;
  /** Send spans over OTLP/HTTP to this URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`). */
  otlpTracesUrl?: string;
  /** Expose `POST /_chaos` to switch the upstream's behaviour (never in production). @defaultValue `false` */
  chaosEndpoint?: boolean;
  /** Listen for SIGTERM/SIGINT and exit the process after draining (as `main.ts` does). @defaultValue `false` */
  handleSignals?: boolean;
  /**
   * How long shutdown keeps serving with readiness failing (503) before it stops accepting
   * connections, so a load balancer's readiness probe takes the replica out of rotation
   * first. Keep it above the probe's period. @defaultValue `'5s'` with `handleSignals`, else `0`
   */
  preStopDelay?: string | number;
  /** The time source of graceful shutdown (tests pass a `ManualClock`). @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * The config from the environment: `PORT`, `HOST`, `REDIS_URL`, `LOG_LEVEL`, `OTEL_TRACES_CONSOLE`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`, `TRUST_PROXY`,
 * `PRE_STOP_DELAY` (`'5s'` unless set, `0` to exit at once) and `CHAOS=1`, the only way this
 * function turns `POST /_chaos` on.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    port: env.PORT === undefined ? 3000 : Number(env.PORT),
    host: env.HOST ?? '127.0.0.1',
    redisUrl: env.REDIS_URL || undefined,
    ...(env.LOG_LEVEL ? { logLevel: env.LOG_LEVEL as LevelName } : {}),
    consoleTraces: env.OTEL_TRACES_CONSOLE === '1',
    ...otlpFromEnv(env),
    trustProxy: env.TRUST_PROXY === '1',
    chaosEndpoint: env.CHAOS === '1',
    handleSignals: true,
    ...(env.PRE_STOP_DELAY
      ? { preStopDelay: /^\d+$/.test(env.PRE_STOP_DELAY) ? Number(env.PRE_STOP_DELAY) : env.PRE_STOP_DELAY }
      : {}),
  };
}

/** The OTLP traces URL the standard OpenTelemetry variables ask for, if any. */
function otlpFromEnv(env: NodeJS.ProcessEnv): { otlpTracesUrl?: string } {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    return { otlpTracesUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT };
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    return { otlpTracesUrl: `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` };
  }
  return {};
}
