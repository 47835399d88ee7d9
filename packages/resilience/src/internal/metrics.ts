import { getMeter } from '@ballast/core';
import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Histogram,
  type Meter,
} from '@opentelemetry/api';

const NOOP_METER = createNoopMeter();

/** The instruments of `@ballast/resilience`, or `undefined` when no SDK is registered (nothing to pay). */
export interface Instruments {
  readonly meter: Meter;
  /** `ballast.resilience.attempts`: attempts made by retry policies. */
  readonly attempts: Counter;
  /** `ballast.resilience.retries`: retries scheduled. */
  readonly retries: Counter;
  /** `ballast.resilience.rejections`: calls refused, by policy and reason. */
  readonly rejections: Counter;
  /** `ballast.resilience.fallbacks`: failures a fallback answered for, by error category. */
  readonly fallbacks: Counter;
  /** `ballast.resilience.hedges`: hedged attempts started, by reason (`delay` or `failure`). */
  readonly hedges: Counter;
  /** `ballast.resilience.hedge.wins`: hedged calls that succeeded, by winner (`first` or `hedge`). */
  readonly hedgeWins: Counter;
  /** `ballast.resilience.batch.size`: keys per batch run. */
  readonly batchSize: Histogram;
  /** `ballast.resilience.batch.duration`: how long each batch run took, in ms. */
  readonly batchDuration: Histogram;
}

/**
 * Creates the instruments when an OpenTelemetry SDK is registered; with the
 * no-op meter it returns `undefined`, so policies skip metrics entirely.
 * Register the SDK before creating policies.
 */
export function instruments(): Instruments | undefined {
  const meter = getMeter('resilience');
  if (meter.constructor === NOOP_METER.constructor) return undefined;
  return {
    meter,
    attempts: meter.createCounter('ballast.resilience.attempts', {
      description: 'Attempts made by retry policies (first attempts included)',
    }),
    retries: meter.createCounter('ballast.resilience.retries', { description: 'Retries scheduled' }),
    rejections: meter.createCounter('ballast.resilience.rejections', {
      description: 'Calls refused by a policy, by policy and reason',
    }),
    fallbacks: meter.createCounter('ballast.resilience.fallbacks', {
      description: 'Failures a fallback policy answered for, by error category',
    }),
    hedges: meter.createCounter('ballast.resilience.hedges', {
      description: 'Hedged attempts started, after the delay or a failure',
    }),
    hedgeWins: meter.createCounter('ballast.resilience.hedge.wins', {
      description: 'Successful calls that started hedged attempts, by the attempt that won (first or hedge)',
    }),
    batchSize: meter.createHistogram('ballast.resilience.batch.size', {
      description: 'Keys per batch run by a batcher',
      unit: '{key}',
      advice: { explicitBucketBoundaries: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] },
    }),
    batchDuration: meter.createHistogram('ballast.resilience.batch.duration', {
      description: 'How long each batch run took',
      unit: 'ms',
    }),
  };
}

/** Precomputed attributes for one rejection reason. */
export function rejection(policy: string, reason: string, extra: Attributes = {}): Attributes {
  return Object.freeze({ 'resilience.policy': policy, 'resilience.reason': reason, ...extra });
}

interface Observed {
  readonly read: (target: object) => number;
  readonly attributes: Attributes;
}

/** One callback per gauge and meter, over weak references to the objects it reports. */
const gauges = new WeakMap<Meter, Map<string, Map<WeakRef<object>, Observed>>>();

/**
 * Reports `read(target)` under `attributes` on the observable gauge `name` for as long as
 * `target` lives. Every target shares one callback per gauge, and holds no strong reference
 * from the meter, so a policy created per tenant or per request is collected as usual
 * (one `addCallback` per instance would keep each alive forever). `read` receives the
 * target; it must not close over it.
 */
export function observeGauge<T extends object>(
  meter: Meter,
  name: string,
  description: string,
  target: T,
  read: (target: T) => number,
  attributes: Attributes,
): void {
  let byName = gauges.get(meter);
  if (byName === undefined) {
    byName = new Map();
    gauges.set(meter, byName);
  }
  let live = byName.get(name);
  if (live === undefined) {
    const entries = new Map<WeakRef<object>, Observed>();
    meter.createObservableGauge(name, { description }).addCallback((result) => {
      for (const [ref, observed] of entries) {
        const current = ref.deref();
        if (current === undefined) entries.delete(ref);
        else result.observe(observed.read(current), observed.attributes);
      }
    });
    byName.set(name, entries);
    live = entries;
  }
  live.set(new WeakRef(target), { read: read as (target: object) => number, attributes });
}
