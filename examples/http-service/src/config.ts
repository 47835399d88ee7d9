import type { Clock } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import type { LevelName, LogSink, RotateOptions, SyslogSinkOptions } from '@ballast/logger';
import type { AdminTokens } from './admin.js';
import type { ErrorReportSettings } from './error-reports.js';
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
  /** Also write the log lines to this file, rotated (`LOG_FILE`). */
  logFile?: string;
  /** Rotation of `logFile`. @defaultValue `{ size: '50MB', interval: 'daily', keep: 7, compress: true }` */
  logRotate?: RotateOptions;
  /** Also send the log lines to a syslog collector as RFC 5424 (`SYSLOG_URL`). */
  syslog?: Pick<SyslogSinkOptions, 'transport' | 'host' | 'port' | 'facility' | 'level'>;
  /** How error reports are grouped and limited; they go to the log as `error report` lines. */
  errorReports?: ErrorReportSettings;
  /**
   * Admin name → bearer token (`ADMIN_TOKENS=alice:token,bob:token`, tokens of 16 characters or
   * more). With admins, `/admin/*` is served and every privileged action is recorded in the
   * audit log; `/_chaos`, when enabled, then needs an admin token too. @defaultValue none: no admin API
   */
  admins?: AdminTokens;
  /** The hash-chained audit log of privileged actions (`AUDIT_LOG`). @defaultValue `'audit.log'` (with admins) */
  auditLogPath?: string;
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
  /** How long an upstream read runs before a hedged second one starts. @defaultValue `'150ms'` */
  hedgeDelay?: string | number;
  /** How long a product lookup that missed the cache waits to share a batch. @defaultValue `'2ms'` */
  batchDelay?: string | number;
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
 * The config from the environment: `PORT`, `HOST`, `REDIS_URL`, `LOG_LEVEL`, `LOG_FILE`,
 * `SYSLOG_URL` (`udp://host:514`, `tcp://host:601`), `ADMIN_TOKENS`, `AUDIT_LOG`,
 * `OTEL_TRACES_CONSOLE`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `TRUST_PROXY`, `PRE_STOP_DELAY` (`'5s'` unless set, `0` to exit at once) and `CHAOS=1`, the
 * only way this function turns `POST /_chaos` on.
 *
 * @throws ConfigurationError for a `SYSLOG_URL` or `ADMIN_TOKENS` it cannot read.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    port: env.PORT === undefined ? 3000 : Number(env.PORT),
    host: env.HOST ?? '127.0.0.1',
    redisUrl: env.REDIS_URL || undefined,
    ...(env.LOG_LEVEL ? { logLevel: env.LOG_LEVEL as LevelName } : {}),
    ...(env.LOG_FILE ? { logFile: env.LOG_FILE } : {}),
    ...(env.SYSLOG_URL ? { syslog: syslogFromUrl(env.SYSLOG_URL) } : {}),
    ...(env.ADMIN_TOKENS ? { admins: adminsFromEnv(env.ADMIN_TOKENS) } : {}),
    ...(env.AUDIT_LOG ? { auditLogPath: env.AUDIT_LOG } : {}),
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

/** `udp://logs:514` or `tcp://logs:601` as syslog sink options. */
function syslogFromUrl(text: string): NonNullable<ServiceConfig['syslog']> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidOption('SYSLOG_URL', text, 'udp://host:port or tcp://host:port');
  }
  const transport = url.protocol.slice(0, -1);
  if (transport !== 'udp' && transport !== 'tcp') {
    throw invalidOption('SYSLOG_URL', text, 'udp://host:port or tcp://host:port');
  }
  return { transport, host: url.hostname, port: Number(url.port || 514), facility: 'local0' };
}

/** `alice:token,bob:token` as admin name → token (the token itself is never shown in an error). */
function adminsFromEnv(text: string): AdminTokens {
  const admins: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf(':');
    if (at <= 0) throw invalidOption('ADMIN_TOKENS', '[hidden]', 'name:token pairs separated by commas');
    admins[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return admins;
}
