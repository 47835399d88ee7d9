import { createTelemetry } from '@ballast/core';
import type { Attributes } from '@opentelemetry/api';
import { LABELS } from './levels.js';

/**
 * Every metric of `@ballast/logger` (log records themselves go through `otelSink()`): the
 * instruments are created from these definitions and `docs/telemetry.md` is generated from them.
 */
export const telemetry = createTelemetry({
  package: 'logger',
  attributes: {
    'ballast.logger.level': 'The line level: trace, debug, info, warn, error, fatal.',
    'ballast.logger.reason':
      'Why a line was dropped: duplicate (folded by the repeat limiter) or closed (logged after close()).',
    'ballast.logger.sink': 'The sink name (`stdout`, `file:/var/log/app.log`, `otel`…).',
  },
  spans: [],
  events: [],
  metrics: {
    lines: {
      name: 'ballast.logger.lines',
      kind: 'counter',
      unit: '{line}',
      description: 'Lines written to the sinks, by level (each line once, however many sinks take it).',
      attributes: ['ballast.logger.level'],
    },
    dropped: {
      name: 'ballast.logger.dropped',
      kind: 'counter',
      unit: '{line}',
      description: 'Lines not written: folded as repeats of an identical line, or logged after close().',
      attributes: ['ballast.logger.reason', 'ballast.logger.level'],
    },
    sinkFailures: {
      name: 'ballast.logger.sink.failures',
      kind: 'counter',
      unit: '{failure}',
      description:
        'Failures of a sink to write, flush or close (each one, though stderr reports only the first).',
      attributes: ['ballast.logger.sink'],
    },
  },
});

/** The attributes of a line of each numeric level. */
export const LEVEL_ATTRIBUTES: Readonly<Record<number, Attributes>> = Object.freeze(
  Object.fromEntries(
    Object.entries(LABELS).map(([value, label]) => [value, Object.freeze({ 'ballast.logger.level': label })]),
  ),
);

/** Counts a dropped line of `level` when a meter provider is registered. */
export function countDropped(reason: 'duplicate' | 'closed', level: number): void {
  telemetry.instruments()?.dropped.add(1, {
    'ballast.logger.reason': reason,
    'ballast.logger.level': LABELS[level] ?? String(level),
  });
}
