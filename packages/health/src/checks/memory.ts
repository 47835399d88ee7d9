import type { HealthResult } from '@ballast/core';
import { numberOption, sizeOption } from '@ballast/errors';
import { checkOptions, keysOf } from '../internal/options.js';
import type { HealthCheck } from '../types.js';
import { formatBytes } from './disk-space.js';
import { applySettings, type CheckSettings, SETTINGS_KEYS } from './settings.js';

/** Options for {@link memoryCheck}. */
export interface MemoryCheckOptions extends CheckSettings {
  /** A resident set size above this fails (bytes or `'512MiB'`); 90 % of it warns. @defaultValue no RSS limit */
  maxRss?: number | string;
  /** A heap above this share of V8's heap limit fails; 90 % of it warns. @defaultValue `0.9` */
  maxHeapRatio?: number;
}

const MEMORY_KEYS = keysOf<MemoryCheckOptions>({ ...SETTINGS_KEYS, maxRss: true, maxHeapRatio: true });

/** One reading of the process's memory. */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  /** V8's `heap_size_limit`. */
  heapLimit: number;
}

/** Resolved limits for {@link evaluateMemory}. */
export interface MemoryLimits {
  maxRss: number | undefined;
  maxHeapRatio: number;
}

const NEAR = 0.9;

/** Judges a reading against the limits: over a limit fails, over 90 % of one warns. */
export function evaluateMemory(reading: MemoryReading, limits: MemoryLimits): HealthResult {
  const ratio = reading.heapLimit > 0 ? reading.heapUsed / reading.heapLimit : 0;
  const percent = Math.round(ratio * 1000) / 10;
  const output = `heap ${percent}% of its ${formatBytes(reading.heapLimit)} limit, rss ${formatBytes(reading.rss)}`;
  const details = { rss: reading.rss, heapUsed: reading.heapUsed, heapLimit: reading.heapLimit };
  const { maxRss, maxHeapRatio } = limits;
  const suggestion =
    'Look for a memory leak (take a heap snapshot), or raise the limit (--max-old-space-size, container memory).';
  if (ratio > maxHeapRatio || (maxRss !== undefined && reading.rss > maxRss)) {
    return { status: 'fail', observedValue: percent, output, details, suggestion };
  }
  if (ratio > maxHeapRatio * NEAR || (maxRss !== undefined && reading.rss > maxRss * NEAR)) {
    return { status: 'warn', observedValue: percent, output, details, suggestion };
  }
  return { status: 'pass', observedValue: percent, output, details };
}

function readMemory(): MemoryReading {
  const { rss, heapUsed } = process.memoryUsage();
  return {
    rss,
    heapUsed,
    heapLimit: process.getBuiltinModule('node:v8').getHeapStatistics().heap_size_limit,
  };
}

/**
 * Checks the process's memory: the heap against V8's limit and, optionally, the
 * resident set size, reporting the heap's share of its limit in percent.
 *
 * @example memoryCheck({ maxRss: '1GiB', kinds: ['liveness'] })
 * @throws ConfigurationError for a bad maxRss or a maxHeapRatio outside (0, 1].
 */
export function memoryCheck(options: MemoryCheckOptions = {}): HealthCheck {
  checkOptions('memoryCheck', options, MEMORY_KEYS);
  let maxRss: number | undefined;
  if (options.maxRss !== undefined) {
    maxRss = sizeOption('maxRss', options.maxRss);
  }
  const limits: MemoryLimits = {
    maxRss,
    maxHeapRatio: numberOption('maxHeapRatio', options.maxHeapRatio ?? 0.9, {
      min: 0,
      max: 1,
      exclusiveMin: true,
    }),
  };
  const check: HealthCheck = {
    name: 'memory',
    componentType: 'system',
    measurement: 'utilization',
    observedUnit: 'percent',
    run: () => evaluateMemory(readMemory(), limits),
  };
  return applySettings(check, options);
}
