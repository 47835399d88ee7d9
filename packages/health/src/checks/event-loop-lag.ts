import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Duration, HealthResult } from '@ballast/core';
import { durationOption, invalidOption } from '@ballast/errors';
import { checkOptions, keysOf } from '../internal/options.js';
import type { HealthCheck } from '../types.js';
import { applySettings, type CheckSettings, SETTINGS_KEYS } from './settings.js';

/** Options for {@link eventLoopLagCheck}. */
export interface EventLoopLagCheckOptions extends CheckSettings {
  /** A p99 event-loop delay above this fails. @defaultValue `'500ms'` */
  max?: Duration;
  /** A p99 delay above this warns. @defaultValue half of `max` */
  warn?: Duration;
  /** The sampling resolution of the delay monitor in ms. @defaultValue `20` */
  resolution?: number;
}

const LAG_KEYS = keysOf<EventLoopLagCheckOptions>({
  ...SETTINGS_KEYS,
  max: true,
  warn: true,
  resolution: true,
});

/** Judges a p99 event-loop delay (ms) against the warn and fail limits. */
export function evaluateLag(p99: number, warnMs: number, maxMs: number): HealthResult {
  const observedValue = Math.round(p99 * 10) / 10;
  const output = `p99 event-loop delay ${observedValue} ms`;
  const suggestion =
    'Find the code that blocks the event loop (a CPU profile shows it): synchronous I/O, large JSON, heavy loops.';
  if (p99 > maxMs) return { status: 'fail', observedValue, output, suggestion };
  if (p99 > warnMs) return { status: 'warn', observedValue, output, suggestion };
  return { status: 'pass', observedValue, output };
}

/**
 * Checks event-loop delay with `monitorEventLoopDelay`: each run judges the p99 delay
 * since the previous run, then starts a new window. The monitor runs from creation
 * until `health.close()` (or the check's `close()`).
 *
 * @example eventLoopLagCheck({ max: '1s', kinds: ['liveness', 'readiness'] })
 * @throws ConfigurationError for a bad max, warn or resolution, or warn above max.
 */
export function eventLoopLagCheck(options: EventLoopLagCheckOptions = {}): HealthCheck {
  checkOptions('eventLoopLagCheck', options, LAG_KEYS);
  const maxMs = durationOption('max', options.max ?? '500ms');
  const warnMs = options.warn === undefined ? maxMs / 2 : durationOption('warn', options.warn);
  if (warnMs > maxMs) throw invalidOption('warn', options.warn, `a duration not above max (${maxMs} ms)`);
  const resolution = options.resolution ?? 20;
  if (!Number.isInteger(resolution) || resolution < 1) {
    throw invalidOption('resolution', resolution, 'a whole number of ms ≥ 1');
  }
  const histogram = monitorEventLoopDelay({ resolution });
  histogram.enable();
  const check: HealthCheck = {
    name: 'event-loop',
    componentType: 'system',
    measurement: 'delay',
    observedUnit: 'ms',
    run() {
      // Before the first sample the histogram reports NaN; there is no delay to judge yet.
      const p99 = histogram.count === 0 ? 0 : histogram.percentile(99) / 1e6;
      histogram.reset();
      return evaluateLag(p99, warnMs, maxMs);
    },
    close() {
      histogram.disable();
    },
  };
  return applySettings(check, options);
}
