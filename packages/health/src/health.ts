import {
  abortReason,
  type Clock,
  closestName,
  createEmitter,
  type Duration,
  type EventSource,
  getMeter,
  type HealthStatus,
  systemClock,
} from '@ballast/core';
import { ConfigurationError, durationOption, invalidOption, ValidationError } from '@ballast/errors';
import { createRedactor } from '@ballast/redact';
import { checkMethods, checkOptions, keysOf } from './internal/options.js';
import type { RunRecord } from './internal/outcome.js';
import { buildReport, failedReport, serviceFields } from './internal/report.js';
import { positiveDuration, resolveCheck } from './internal/resolve-check.js';
import { createRunner, type ResolvedCheck, type Runner } from './internal/runner.js';
import type { CheckInput, CheckKind, HealthReport, ServiceInfo } from './types.js';

/** Options for {@link createHealth}. */
export interface HealthOptions {
  /** Checks to register at once (more can come later with `register`). @defaultValue `[]` */
  checks?: readonly CheckInput[];
  /** How long a check may run before it fails. @defaultValue `'2s'` */
  timeout?: Duration;
  /** How long an on-demand result is reused before the check runs again. @defaultValue `0` (every probe runs, concurrent probes share a run) */
  cacheFor?: Duration;
  /** Who the service is: fills `serviceId`, `version` and `releaseId` in every report. @defaultValue `{}` */
  service?: ServiceInfo;
  /** The source of time and timers. @defaultValue `systemClock` */
  clock?: Clock;
  /**
   * Redacts each result's `output`, `details`, `suggestion` and `observedValue` (unless it
   * is a number or a boolean) once per run, before anything reports them. It receives one
   * object with those fields and must return the same shape. @defaultValue `createRedactor()` from `@ballast/redact`: secret-named keys, credentials in URLs, bearer tokens, JWTs, keys and card numbers
   */
  redact?: (value: unknown) => unknown;
}

/** Options for one `health.check()` call. */
export interface CheckCallOptions {
  /** Stops waiting (the promise rejects with the signal's reason); shared runs carry on. */
  signal?: AbortSignal;
}

/** What `health.on('change', …)` receives when a check's status changes. */
export interface CheckChange {
  /** The check's name as reports show it (redacted, as a connection URL may be a name). */
  name: string;
  previous: HealthStatus | undefined;
  status: HealthStatus;
  output: string | undefined;
}

/** Events of a {@link Health} registry. */
export interface HealthEvents {
  /** A check's status differs from its previous run (or it ran for the first time). */
  change: CheckChange;
}

/** A health registry: checks, probes by kind, and the shutdown switch. */
export interface Health extends EventSource<HealthEvents> {
  /**
   * Adds a check and starts its background polling if it has an `interval`.
   * @returns a function that removes the check again.
   * @throws ConfigurationError for an invalid check or a duplicate name.
   */
  register(check: CheckInput): () => void;
  /**
   * Runs (or reuses) the checks of `kind` concurrently and aggregates them; without a
   * kind, every check. Liveness runs only liveness checks, readiness fails once shutdown
   * has begun, and startup passes for good once it has passed. Treat the report as
   * read-only: while no check has produced a new result, callers share one report object.
   */
  check(kind?: CheckKind, options?: CheckCallOptions): Promise<HealthReport>;
  /** A report holding one check, or `undefined` when no check has that name. */
  checkOne(name: string, options?: CheckCallOptions): Promise<HealthReport | undefined>;
  /** The registered check names, in registration order. */
  readonly names: readonly string[];
  /** Makes readiness fail from now on (called by `gracefulShutdown` on the first signal). */
  beginShutdown(): void;
  /** Whether `beginShutdown` has been called. */
  readonly shuttingDown: boolean;
  /** Stops background polling and closes every check that holds resources. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const SHUTTING_DOWN = 'the service is shutting down';
const HEALTH_KEYS = keysOf<HealthOptions>({
  checks: true,
  timeout: true,
  cacheFor: true,
  service: true,
  clock: true,
  redact: true,
});
const SERVICE_KEYS = keysOf<ServiceInfo>({ name: true, version: true, releaseId: true });
const CLOCK_METHODS = ['now', 'setTimeout', 'clearTimeout', 'setInterval'];

function checkService(service: ServiceInfo): ServiceInfo {
  checkOptions('createHealth.service', service, SERVICE_KEYS);
  for (const key of SERVICE_KEYS) {
    const value = service[key as keyof ServiceInfo];
    if (value !== undefined && typeof value !== 'string')
      throw invalidOption(`service.${key}`, value, 'a string');
  }
  return service;
}

let nameRedactor: ((value: unknown) => unknown) | undefined;

/**
 * A check name as reports show it: through `@ballast/redact`'s default catalogue (a check
 * named by a connection URL shows no password), whatever `redact` the host gave for
 * outputs. A redactor returns a string for a string.
 */
function shownName(name: string): string {
  nameRedactor ??= createRedactor();
  return nameRedactor(name) as string;
}

/**
 * Creates a health registry. Every run is recorded in the OpenTelemetry histogram
 * `ballast.health.check.duration` (ms, attributes `health.check` and `health.status`).
 *
 * @example
 * const health = createHealth({ service: { name: 'api', version: '1' }, checks: [redisCheck(redis)] });
 * const report = await health.check('readiness'); // { status: 'pass', checks: { 'redis:responseTime': [...] } }
 *
 * @throws ConfigurationError for an unknown option (a typo such as `timout`), a bad timeout or
 * cacheFor, an invalid check (including an unknown key on a check written as an object
 * literal) or duplicate check names.
 */
export function createHealth(options: HealthOptions = {}): Health {
  checkOptions('createHealth', options, HEALTH_KEYS);
  if (options.checks !== undefined && !Array.isArray(options.checks)) {
    throw invalidOption(
      'checks',
      options.checks,
      'an array of checks, like [redisCheck(redis), { name, run }]',
    );
  }
  const clock = options.clock ?? systemClock;
  checkMethods(
    'clock',
    clock,
    CLOCK_METHODS,
    'a Clock, such as systemClock or a ManualClock from @ballast/core',
  );
  const redact = options.redact ?? createRedactor();
  if (typeof redact !== 'function') {
    throw invalidOption('redact', redact, 'a function (value) => redacted value, such as createRedactor()');
  }
  const defaults = {
    timeoutMs: positiveDuration('timeout', options.timeout ?? '2s'),
    cacheForMs: durationOption('cacheFor', options.cacheFor ?? 0),
  };
  const service = serviceFields(checkService(options.service ?? {}));
  const events = createEmitter<HealthEvents>();
  const runners = new Map<string, Runner>();
  let byKind: Record<CheckKind | 'all', Runner[]> = { all: [], liveness: [], readiness: [], startup: [] };
  let shuttingDown = false;
  let closed = false;
  let startupReport: HealthReport | undefined;
  const reports = new WeakMap<readonly Runner[], { records: readonly RunRecord[]; report: HealthReport }>();

  const runs = getMeter('health').createHistogram('ballast.health.check.duration', {
    unit: 'ms',
    description: 'How long each health check run took, by check and status',
  });
  const onRecord = (check: ResolvedCheck, record: RunRecord, previous: RunRecord | undefined): void => {
    runs.record(record.duration, { 'health.check': check.shownName, 'health.status': record.status });
    if (previous?.status === record.status || !events.has('change')) return;
    events.emit('change', {
      name: check.shownName,
      previous: previous?.status,
      status: record.status,
      output: record.output,
    });
  };

  const reindex = (): void => {
    const all = [...runners.values()];
    const readiness = all.filter((runner) => runner.check.kinds.has('readiness'));
    const startup = all.filter((runner) => runner.check.kinds.has('startup'));
    byKind = {
      all,
      liveness: all.filter((runner) => runner.check.kinds.has('liveness')),
      readiness,
      // Without checks of its own, startup waits for the readiness checks to pass once: a
      // slow boot (cache warm-up, migrations) is covered without tagging anything.
      startup: startup.length > 0 ? startup : readiness,
    };
  };

  const evaluate = async (
    list: readonly Runner[],
    signal: AbortSignal | undefined,
  ): Promise<HealthReport> => {
    const pending: (RunRecord | Promise<RunRecord>)[] = [];
    let waiting = false;
    for (const runner of list) {
      const result = runner.result();
      if (result instanceof Promise) waiting = true;
      pending.push(result);
    }
    const records = waiting ? await abortable(Promise.all(pending), signal) : (pending as RunRecord[]);
    // Polled checks answer with the same records until their next run: reuse the report too.
    const cached = reports.get(list);
    if (cached !== undefined && sameRecords(cached.records, records)) return cached.report;
    const report = buildReport(
      service,
      list.map((runner) => runner.check),
      records,
    );
    reports.set(list, { records, report });
    return report;
  };

  const register = (input: CheckInput): (() => void) => {
    const check = resolveCheck(input, defaults, shownName);
    if (runners.has(check.name)) {
      throw new ConfigurationError(`Duplicate health check name "${check.name}"`, {
        details: { option: 'checks', name: check.name },
        suggestions: ['Give every health check a unique name; it keys reports and /health/checks/:name.'],
      });
    }
    const runner = createRunner(check, clock, redact, onRecord);
    runners.set(check.name, runner);
    reindex();
    if (!closed) runner.start();
    return () => {
      if (runners.get(check.name) !== runner) return;
      runner.stop();
      runners.delete(check.name);
      reindex();
    };
  };

  for (const input of options.checks ?? []) register(input);

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const closing: Promise<unknown>[] = [];
    for (const runner of runners.values()) {
      runner.stop();
      if (runner.check.close !== undefined) closing.push(Promise.resolve().then(runner.check.close));
    }
    await Promise.allSettled(closing);
  };

  return {
    on: events.on,
    register,
    async check(kind, callOptions) {
      if (kind !== undefined && !CHECK_KINDS.includes(kind)) throw invalidKind(kind);
      const signal = callOptions?.signal;
      if (signal?.aborted) throw abortReason(signal);
      if (kind === 'readiness' && shuttingDown) return failedReport(service, SHUTTING_DOWN);
      if (kind === 'startup' && startupReport !== undefined) return startupReport;
      const report = await evaluate(byKind[kind ?? 'all'], signal);
      if (kind === 'startup' && report.status !== 'fail') startupReport = report;
      return report;
    },
    async checkOne(name, callOptions) {
      const signal = callOptions?.signal;
      if (signal?.aborted) throw abortReason(signal);
      const runner = runners.get(name);
      return runner === undefined ? undefined : evaluate([runner], signal);
    },
    get names() {
      return [...runners.keys()];
    },
    beginShutdown() {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

const CHECK_KINDS: readonly unknown[] = ['liveness', 'readiness', 'startup'];

/** The `ValidationError` for `health.check(kind)` with a kind that is not one of the three. */
function invalidKind(kind: unknown): Error {
  const got = typeof kind === 'string' ? JSON.stringify(kind.slice(0, 40)) : typeof kind;
  const intended = typeof kind === 'string' ? closestName(kind, CHECK_KINDS as string[]) : undefined;
  const hint = intended === undefined ? '' : ` Did you mean '${intended}'?`;
  return new ValidationError(
    `Invalid kind for health.check(): got ${got}; expected 'liveness', 'readiness', 'startup' or nothing for every check.${hint}`,
    { details: { argument: 'kind' } },
  );
}

function sameRecords(a: readonly RunRecord[], b: readonly RunRecord[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    }, /* v8 ignore next */ reject);
  });
}
