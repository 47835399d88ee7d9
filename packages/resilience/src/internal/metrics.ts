import { getMeter } from '@ballast/core';
import { type Attributes, type Counter, createNoopMeter, type Meter } from '@opentelemetry/api';

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
  };
}

/** Precomputed attributes for one rejection reason. */
export function rejection(policy: string, reason: string, extra: Attributes = {}): Attributes {
  return Object.freeze({ 'resilience.policy': policy, 'resilience.reason': reason, ...extra });
}
