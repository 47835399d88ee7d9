import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorReporter } from '@ballast/errors';
import {
  createHealth,
  eventLoopLagCheck,
  gracefulShutdown,
  type Health,
  healthHandler,
  memoryCheck,
  redisCheck,
} from '@ballast/health';
import { createLogger, fileSink, httpLogger, type Logger, stdoutSink, syslogSink } from '@ballast/logger';
import type { CircuitState } from '@ballast/resilience';
import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { type AdminDeps, adminAuthenticator } from './admin.js';
import { type AuditTrail, openAuditTrail } from './audit.js';
import { type Catalog, createCatalog } from './catalog.js';
import type { ServiceConfig } from './config.js';
import { createErrorReports, type ErrorReports } from './error-reports.js';
import { sendProblem } from './problem.js';
import { createRateLimiter, DEFAULT_LIMITS } from './rate-limit.js';
import { redisCacheParts } from './redis-cache.js';
import { handleRoute, routeOf } from './routes.js';
import { installTelemetry } from './telemetry.js';
import { startUpstream, type Upstream } from './upstream.js';
import { createUpstreamClient } from './upstream-client.js';

/** One change of the upstream breaker's state, as recorded for the summary. */
export interface BreakerTransition {
  from: CircuitState;
  to: CircuitState;
  at: number;
}

/** A running service. */
export interface Service {
  readonly server: Server;
  /** The base URL the service listens on. */
  readonly url: string;
  /** The in-process upstream and its chaos switches (`upstream.set({ mode: 'outage' })`). */
  readonly upstream: Upstream;
  readonly catalog: Catalog;
  readonly health: Health;
  readonly logger: Logger;
  /** The error reporter (dedupe, storms, silences); its reports are `error report` log lines. */
  readonly reports: ErrorReports;
  /** The audit trail of privileged actions, when admins are configured. */
  readonly audit: AuditTrail | undefined;
  /** Every state change of the upstream breaker since start. */
  readonly breakerTransitions: readonly BreakerTransition[];
  /** Drains in-flight requests, then closes the cache, Redis, the upstream and the logs. */
  close(): Promise<void>;
}

/**
 * Starts the catalogue service and its flaky upstream: logger (default redaction,
 * request ids; a rotating file and syslog on request), error reports, rate limits, tiered
 * cache, resilience pipeline (with hedged and batched upstream reads), health endpoints,
 * Prometheus metrics, traces, the audited admin API (with `admins`) and graceful
 * shutdown, all from embedded defaults; with `redisUrl`, rate limits and the cache's L2
 * live in Redis, and so does the audit log's head receipt.
 */
export async function createService(config: ServiceConfig = {}): Promise<Service> {
  const telemetry = await installTelemetry({
    consoleTraces: config.consoleTraces ?? false,
    ...(config.otlpTracesUrl === undefined ? {} : { otlpTracesUrl: config.otlpTracesUrl }),
  });
  const logger = createLogger({
    name: 'http-service',
    level: config.logLevel ?? 'info',
    sinks: [
      ...(config.logSinks ?? [stdoutSink()]),
      ...(config.logFile === undefined
        ? []
        : [
            fileSink({
              path: config.logFile,
              rotate: config.logRotate ?? { size: '50MB', interval: 'daily', keep: 7, compress: true },
            }),
          ]),
      ...(config.syslog === undefined ? [] : [syslogSink({ appName: 'http-service', ...config.syslog })]),
    ],
  });
  const reports = createErrorReports(logger, config.errorReports);
  const reporter: ErrorReporter = reports.reporter;
  // ioredis is loaded only when Redis is configured (it costs ~10 MB of RSS otherwise).
  const redis = config.redisUrl
    ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 1 })
    : undefined;
  // Without a listener ioredis prints every connection error's stack on stderr, outside the
  // logger and its redaction; the logger also rate-limits the repeats while Redis is down.
  redis?.on('error', (error: unknown) => {
    logger.warn({ err: error }, 'redis client error');
    reporter.report(error, { severity: 'warning', context: { component: 'redis' } });
  });
  const prefix = config.redisPrefix ?? 'http-service:';
  // Admins and the audit log are checked before anything listens: a bad token or an
  // unwritable audit path fails the start.
  const authenticate = config.admins === undefined ? undefined : adminAuthenticator(config.admins);
  const audit =
    authenticate === undefined
      ? undefined
      : openAuditTrail({ path: config.auditLogPath ?? 'audit.log', logger, redis, prefix });
  const upstream = await startUpstream({
    ...(config.upstream ? { behaviour: config.upstream } : {}),
    ...(config.seed === undefined ? {} : { seed: config.seed }),
  });
  const client = createUpstreamClient(upstream.url);
  const redisParts = redis ? redisCacheParts(redis, `${prefix}cache:`) : undefined;
  const catalog = createCatalog({
    client,
    ...(redisParts ? redisParts : {}),
    ...(config.ttl ? { ttl: config.ttl } : {}),
    ...(config.halfOpenAfter === undefined ? {} : { halfOpenAfter: config.halfOpenAfter }),
    ...(config.upstreamTimeout === undefined ? {} : { upstreamTimeout: config.upstreamTimeout }),
    ...(config.hedgeDelay === undefined ? {} : { hedgeDelay: config.hedgeDelay }),
    ...(config.batchDelay === undefined ? {} : { batchDelay: config.batchDelay }),
    reporter,
  });
  const breakerTransitions: BreakerTransition[] = [];
  catalog.breaker.on('stateChange', ({ from, to }) => {
    breakerTransitions.push({ from, to, at: Date.now() });
    logger.warn({ breaker: 'upstream', from, to }, 'upstream circuit breaker changed state');
  });
  const { limiter, breaker: limiterBreaker } = createRateLimiter(
    config.limits ?? DEFAULT_LIMITS,
    redis,
    `${prefix}ratelimit:`,
  );

  const health = createHealth({
    service: { name: 'http-service', version: '1.0.0' },
    checks: [
      catalog.breaker,
      catalog.cache.health,
      eventLoopLagCheck(),
      memoryCheck({ maxRss: '200MB' }),
      ...(redis ? [redisCheck(redis, { critical: false })] : []),
      ...(limiterBreaker ? [limiterBreaker] : []),
    ],
  });
  const serveHealth = healthHandler(health, { showDetails: 'always' });
  const logRequests = httpLogger({ logger });
  const meter = metrics.getMeter('http-service');
  const duration = meter.createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Time to answer a request',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] },
  });
  const tracer = trace.getTracer('http-service');
  const admin: AdminDeps | undefined =
    authenticate === undefined || audit === undefined
      ? undefined
      : { authenticate, audit, reports, catalog, now: () => Date.now() };
  const deps = {
    catalog,
    limiter,
    upstream,
    trustProxy: config.trustProxy ?? false,
    chaosEndpoint: config.chaosEndpoint ?? false,
    admin,
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/health' || path.startsWith('/health/')) return serveHealth(req, res);
    if (path === '/metrics') return telemetry.metricsHandler(req, res);
    // Probes and scrapes above are not logged; everything else gets a line and a request id.
    logRequests(req, res, () => {
      const route = routeOf(path);
      const started = performance.now();
      // The caller's `traceparent`, if any, is the parent: one trace across services. Where
      // @opentelemetry/instrumentation-http already made a server span, ours is its child.
      const active = context.active();
      const parent =
        trace.getSpan(active) === undefined ? propagation.extract(active, req.headers) : active;
      tracer.startActiveSpan(`${req.method} ${route}`, { kind: SpanKind.SERVER }, parent, (span) => {
        const requestId = String(res.getHeader('x-request-id'));
        handleRoute(req, res, deps)
          .catch((error: unknown) => sendProblem(req, res, error, requestId, logger, reporter, route))
          .finally(() => {
            const attributes = {
              'http.request.method': req.method ?? 'GET',
              'http.route': route,
              'http.response.status_code': res.statusCode,
            };
            span.setAttributes(attributes);
            span.end();
            duration.record((performance.now() - started) / 1000, attributes);
          });
      });
    });
  });
  server.keepAliveTimeout = 5_000;

  const shutdown = gracefulShutdown(server, {
    health,
    logger,
    // Readiness answers 503 this long before connections are refused.
    preStopDelay: config.preStopDelay ?? (config.handleSignals ? '5s' : 0),
    drainTimeout: '5s',
    ...(config.clock === undefined ? {} : { clock: config.clock }),
    signals: config.handleSignals ? ['SIGTERM', 'SIGINT'] : [],
    ...(config.handleSignals ? {} : { exit: () => {} }),
    // Hooks run in reverse order: the upstream first, the logs last.
    onShutdown: [
      { name: 'flush logs', run: () => logger.flush() },
      // Before the logs: the summaries of open dedupe windows and the suppressed count are log lines.
      { name: 'flush error reports', run: () => reporter.close() },
      { name: 'flush traces', run: () => telemetry.flush() },
      { name: 'close redis', run: async () => void (await redis?.quit()) },
      // Before Redis quits, so the last head receipt reaches it.
      { name: 'close audit log', run: () => audit?.close() },
      { name: 'close health', run: () => health.close() },
      { name: 'close cache', run: () => catalog.cache.close() },
      {
        name: 'close upstream',
        run: () => {
          client.close();
          return upstream.close();
        },
      },
      { name: 'close product lookups', run: () => catalog.lookups.close() },
    ],
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, config.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host ?? '127.0.0.1'}:${port}`;
  logger.info({ url, upstream: upstream.url, redis: redis !== undefined }, 'service listening');

  let closing: Promise<void> | undefined;
  return {
    server,
    url,
    upstream,
    catalog,
    health,
    logger,
    reports,
    audit,
    breakerTransitions,
    close: () => {
      closing ??= (async () => {
        await shutdown.shutdown('close');
        shutdown.dispose();
        await logger.close();
      })();
      return closing;
    },
  };
}
