// The metrics the mixin reads, taken from the telemetry definitions in code (the same
// tables the instruments are created from and docs/telemetry.md is generated from), and
// named as the OpenTelemetry Prometheus exporter (0.2xx) renders them: every character
// outside [a-zA-Z0-9_] becomes `_`, a monotonic sum gets `_total`, a histogram is
// `_bucket`/`_sum`/`_count`, and no unit suffix is added (`ballast.resilience.execute.duration`,
// in seconds, is `ballast_resilience_execute_duration_bucket`). Renaming a metric or an
// attribute in code changes the generated rules (`pnpm observability:check` fails) and a
// reference to a removed one fails here, at generation.
import type { MetricDefinition } from '@ballast/core';
import { telemetry as cache } from '../../packages/cache/src/telemetry.ts';
import { telemetry as errors } from '../../packages/errors/src/telemetry.ts';
import { telemetry as health } from '../../packages/health/src/telemetry.ts';
import { telemetry as logger } from '../../packages/logger/src/telemetry.ts';
import { telemetry as resilience } from '../../packages/resilience/src/telemetry.ts';
import type { Expr, Matcher } from './promql.ts';

/** A Prometheus name for an OpenTelemetry metric or attribute name. */
export function promName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_+/g, '_');
}

/** Label filters by attribute name: `'x'` is `=`, `/x|y/` is `=~`, `{ not: 'x' }` is `!=`, `{ not: /x/ }` is `!~`. */
export type Where = Readonly<Record<string, string | RegExp | { readonly not: string | RegExp }>>;

/** One metric as the rules see it. */
export class Metric {
  constructor(readonly definition: MetricDefinition) {}

  /** The series name as exported (`_total` for counters). */
  get series(): string {
    const base = promName(this.definition.name);
    const kind = this.definition.kind;
    return kind === 'counter' || kind === 'observablecounter' ? `${base}_total` : base;
  }

  /** The Prometheus label of one of this metric's attributes; throws for an undeclared one. */
  label(attribute: string): string {
    if (attribute === 'le' && this.definition.kind === 'histogram') return 'le';
    if (!this.definition.attributes.includes(attribute)) {
      throw new TypeError(
        `${this.definition.name} has no attribute "${attribute}" (it has: ${this.definition.attributes.join(', ') || 'none'}).`,
      );
    }
    return promName(attribute);
  }

  matchers(where: Where = {}): Matcher[] {
    return Object.entries(where).map(([attribute, value]) => {
      const label = this.label(attribute);
      if (typeof value === 'string') return { label, op: '=' as const, value };
      if (value instanceof RegExp) return { label, op: '=~' as const, value: value.source };
      if (value.not instanceof RegExp) return { label, op: '!~' as const, value: value.not.source };
      return { label, op: '!=' as const, value: value.not };
    });
  }

  /** The instant selector of a gauge or counter. */
  select(where: Where = {}): Expr {
    return { type: 'selector', metric: this.series, matchers: this.matchers(where) };
  }

  /** `rate()` or `increase()` of a counter, or of a histogram's `_count`/`_bucket`. */
  range(fn: 'rate' | 'increase', window: number, where: Where = {}, part?: 'count' | 'bucket'): Expr {
    const histogram = this.definition.kind === 'histogram';
    if (histogram !== (part !== undefined)) {
      throw new TypeError(
        `${this.definition.name}: a histogram needs a part (count or bucket), a counter none.`,
      );
    }
    if (!histogram && this.definition.kind !== 'counter' && this.definition.kind !== 'observablecounter') {
      throw new TypeError(`${this.definition.name} is a ${this.definition.kind}: rate() needs a counter.`);
    }
    const metric = histogram ? `${promName(this.definition.name)}_${part}` : this.series;
    return { type: 'range', fn, metric, matchers: this.matchers(where), window };
  }

  /** The histogram's bucket boundaries (a threshold must be one of them). */
  boundary(seconds: number): string {
    if (!(this.definition.buckets ?? []).includes(seconds)) {
      throw new TypeError(
        `${seconds} is not a bucket boundary of ${this.definition.name} (${(this.definition.buckets ?? []).join(', ')}).`,
      );
    }
    return String(seconds);
  }
}

function metricsOf<M extends Record<string, MetricDefinition>>(definitions: {
  metrics: M;
}): {
  [K in keyof M]: Metric;
} {
  return Object.fromEntries(
    Object.entries(definitions.metrics).map(([key, definition]) => [key, new Metric(definition)]),
  ) as { [K in keyof M]: Metric };
}

/**
 * The HTTP server metric of the OpenTelemetry semantic conventions, as the http-service
 * example records it (examples/http-service/src/service.ts): not a Ballast definition,
 * so its shape is declared here and the demo scrape check holds it to the real one.
 */
export const HTTP_SERVER_DURATION: MetricDefinition = {
  name: 'http.server.request.duration',
  kind: 'histogram',
  unit: 's',
  description: 'Duration of HTTP server requests (semantic conventions).',
  attributes: ['http.request.method', 'http.route', 'http.response.status_code'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
};

/** Every metric the mixin may read, by package and by the key the code uses. */
export const M = {
  cache: metricsOf(cache.definitions),
  errors: metricsOf(errors.definitions),
  health: metricsOf(health.definitions),
  logger: metricsOf(logger.definitions),
  resilience: metricsOf(resilience.definitions),
  http: { duration: new Metric(HTTP_SERVER_DURATION) },
};
