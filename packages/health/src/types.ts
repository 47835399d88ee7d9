import type { Duration, HealthIndicator, HealthResult, HealthStatus } from '@ballast/core';

/**
 * Which probe a check answers: `liveness` (restart me if this fails), `readiness`
 * (send me traffic only if this passes) or `startup` (I have finished starting; when no
 * check has this kind, the startup probe waits for the readiness checks to pass once).
 */
export type CheckKind = 'liveness' | 'readiness' | 'startup';

/** What a check's `run` may return: nothing or `true` (pass), `false` (fail), or a full result. */
// biome-ignore lint/suspicious/noConfusingVoidType: run() may be a plain function that returns nothing.
export type CheckOutcome = void | boolean | HealthResult;

/** One health check: a named probe of a dependency or of the process itself. */
export interface HealthCheck {
  /** A unique name within one registry, e.g. `'redis'` or `'cache:redis'`; used in `/health/checks/:name`. */
  readonly name: string;
  /**
   * Probes the dependency. Returning nothing or `true` passes, `false` fails, and a
   * {@link HealthResult} says exactly what happened. Throwing fails the check with the
   * error's message and suggestions. Must settle soon after `signal` aborts.
   */
  run(signal: AbortSignal): CheckOutcome | Promise<CheckOutcome>;
  /**
   * Whether a fail makes the whole service fail; a non-critical fail only degrades it (warn).
   * @defaultValue `true`
   */
  readonly critical?: boolean;
  /**
   * The probes this check takes part in. Keep dependencies (Redis, databases) out of
   * `liveness`: an outage must not make Kubernetes restart healthy pods.
   * @defaultValue `['readiness']`
   */
  readonly kinds?: readonly CheckKind[];
  /**
   * How long one run may take before it fails with "timed out after N ms".
   * @defaultValue the registry's `timeout`
   */
  readonly timeout?: Duration;
  /**
   * Polls the check in the background at this interval, so probes answer at once from
   * the last result. Without it the check runs on demand (subject to `cacheFor`).
   */
  readonly interval?: Duration;
  /**
   * How long an on-demand result is reused.
   * @defaultValue the registry's `cacheFor`
   */
  readonly cacheFor?: Duration;
  /** The IETF `componentType`, e.g. `'datastore'`, `'component'` or `'system'`. */
  readonly componentType?: string;
  /** The IETF measurement name, appended to the report key: `redis:responseTime`. */
  readonly measurement?: string;
  /** The unit of the result's `observedValue` when the result does not name one, e.g. `'ms'`. */
  readonly observedUnit?: string;
  /**
   * Releases what the check holds (histograms, clients it owns); called by `health.close()`.
   * Never called on a registered `HealthIndicator`, whose `close` belongs to its owner.
   */
  close?(): void | Promise<void>;
}

/**
 * Anything `register` accepts: a {@link HealthCheck}, or a core `HealthIndicator`
 * (a cache tier, a circuit breaker) optionally with the same settings.
 */
export type CheckInput =
  | HealthCheck
  | (HealthIndicator & Partial<Omit<HealthCheck, 'name' | 'run'>> & { readonly run?: undefined });

/** One check's entry in a report, in the IETF health+json check-object shape plus a few extensions. */
export interface CheckReport {
  /** The check's name. */
  componentId: string;
  /** The kind of component (`'datastore'`, `'system'`, `'component'`). */
  componentType?: string;
  /** What the check measured (redacted when it is a string). */
  observedValue?: number | string | boolean;
  /** The unit of `observedValue` (`'ms'`, `'bytes'`, `'percent'`). */
  observedUnit?: string;
  /** The verdict: `pass`, `warn` or `fail`. */
  status: HealthStatus;
  /** When the result was measured (ISO 8601). */
  time: string;
  /** A short human-readable reason (redacted). */
  output?: string;
  /** Extension: how long the run took in milliseconds. */
  duration: number;
  /** Extension: whether a fail of this check fails the service. */
  critical: boolean;
  /** Extension: what a person should do about a warn or fail. */
  suggestion?: string;
  /** Extension: structured facts (redacted). */
  details?: Record<string, unknown>;
}

/** A report in the IETF `application/health+json` shape. */
export interface HealthReport {
  /** The verdict: `pass`, `warn` or `fail`. */
  status: HealthStatus;
  /** The service's public version (`ServiceInfo.version`). */
  version?: string;
  /** The service's build or deployment id (`ServiceInfo.releaseId`). */
  releaseId?: string;
  /** The service's name (`ServiceInfo.name`). */
  serviceId?: string;
  /** A description of the service (its name). */
  description?: string;
  /** Why the status is not `pass`, in one line. */
  output?: string;
  /** Check results keyed `component:measurement`, each an array as the format requires. */
  checks: Record<string, CheckReport[]>;
}

/** Who the service is, shown at the top of every report. */
export interface ServiceInfo {
  /** The IETF `serviceId` (and `description`). */
  name?: string;
  /** The public version, e.g. `'1.4.2'` or `'1'`. */
  version?: string;
  /** The build or deployment id, e.g. a git SHA. */
  releaseId?: string;
}
