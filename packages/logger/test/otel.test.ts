import { getTracer } from '@ballast/core';
import { ConfigurationError } from '@ballast/errors';
import { createLogger, type LogSink } from '@ballast/logger';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { otelSink } from '../src/otel.js';
import { resetReportedFailures } from '../src/sinks/sink.js';
import { memorySink } from './helpers.js';

const otel = telemetryCapture();
beforeAll(otel.install);
afterAll(otel.uninstall);
beforeEach(() => otel.logs.reset());

const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

describe('otelSink', () => {
  it('emits each line as a log record: severity, body, redacted attributes, the active span', async () => {
    const stdout = memorySink();
    const log = createLogger({ name: 'api', sinks: [stdout, otelSink()] });
    let traceId = '';
    let spanId = '';
    getTracer('demo').startActiveSpan('request', (span) => {
      traceId = span.spanContext().traceId;
      spanId = span.spanContext().spanId;
      log.warn({ user: { id: 7, password: SECRET }, route: '/pay' }, 'payment slow');
      span.end();
    });
    log.info('outside');
    await log.flush();

    const [inside, outside] = otel.logs.getFinishedLogRecords();
    expect(inside?.severityNumber).toBe(SeverityNumber.WARN);
    expect(inside?.severityText).toBe('WARN');
    expect(inside?.body).toBe('payment slow');
    expect(inside?.spanContext?.traceId).toBe(traceId);
    expect(inside?.spanContext?.spanId).toBe(spanId);
    expect(inside?.attributes).toMatchObject({
      name: 'api',
      route: '/pay',
      user: { id: 7, password: '[REDACTED]' },
    });
    expect(inside?.attributes).not.toHaveProperty('pid');
    expect(inside?.attributes).not.toHaveProperty('trace_id');
    expect(JSON.stringify(otel.logs.getFinishedLogRecords().map((r) => r.attributes))).not.toContain(SECRET);
    expect(outside?.severityNumber).toBe(SeverityNumber.INFO);
    expect(outside?.spanContext).toBeUndefined();
    expect(inside?.instrumentationScope.name).toBe('@ballast/logger');
    // Beside the other sink: it got the same lines.
    expect(stdout.lines.map((line) => line.msg)).toEqual(['payment slow', 'outside']);
  });

  it('maps every level, keeps process fields on request, honours its own level and scope', () => {
    const log = createLogger({
      level: 'trace',
      sinks: [otelSink({ processFields: true, scope: 'billing', level: 'debug' })],
      timestamp: 'iso',
    });
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.fatal('f');
    const records = otel.logs.getFinishedLogRecords();
    expect(records.map((r) => r.severityNumber)).toEqual([
      SeverityNumber.DEBUG,
      SeverityNumber.INFO,
      SeverityNumber.WARN,
      SeverityNumber.ERROR,
      SeverityNumber.FATAL,
    ]);
    expect(records[0]?.attributes).toHaveProperty('pid', process.pid);
    expect(records[0]?.instrumentationScope.name).toBe('billing');
    expect(records[0]?.hrTime[0]).toBeGreaterThan(1_600_000_000);
  });

  it('sends from a sink built before the SDK registered, and nothing after close', async () => {
    otel.uninstall();
    const sink = otelSink();
    const log = createLogger({ sinks: [sink] });
    log.info('before'); // the API's no-op logger
    otel.install();
    otel.logs.reset();
    log.info('after');
    expect(otel.logs.getFinishedLogRecords().map((r) => r.body)).toEqual(['after']);
    await sink.close?.();
    sink.write('{"level":30,"msg":"late"}\n', 30);
    sink.write('not json', 30);
    expect(otel.logs.getFinishedLogRecords()).toHaveLength(1);
  });

  it('reports a line it cannot parse as a sink failure and drops it', () => {
    resetReportedFailures();
    const sink = otelSink();
    const stderr: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = ((text: string) => stderr.push(text) > 0) as typeof process.stderr.write;
    try {
      sink.write('not json\n', 30);
      sink.write('{"level":70,"msg":"odd level","time":"not a date"}\n', 70);
      sink.write('{"level":30}\n', 30);
    } finally {
      process.stderr.write = original;
    }
    expect(stderr.join('')).toMatch(/sink otel failed/);
    const records = otel.logs.getFinishedLogRecords();
    expect(records[0]?.severityNumber).toBe(SeverityNumber.UNSPECIFIED);
    expect(records[0]?.severityText).toBe('70');
    expect(records[1]?.body).toBeUndefined();
  });

  it('refuses bad options with ConfigurationError', () => {
    expect(() => otelSink({ scope: '' })).toThrow(ConfigurationError);
    expect(() => otelSink({ processFields: 'yes' as never })).toThrow(/otelSink.processFields/);
    expect(() => otelSink({ level: 'loud' as never })).toThrow(/otelSink.level/);
    expect(() => otelSink({ exporter: 1 } as never)).toThrow(ConfigurationError);
  });
});

describe('logger metrics', () => {
  it('counts lines by level, dropped lines and sink failures', async () => {
    resetReportedFailures();
    // Counters are cumulative over this file: measure what this test adds.
    const series = async (): Promise<Map<string, number>> => {
      const out = new Map<string, number>();
      for (const [name, metric] of await otel.metrics('@ballast/logger')) {
        for (const p of metric.points) {
          const key = [name, ...Object.values(p.attributes)].join(':');
          out.set(key, p.value as number);
        }
      }
      return out;
    };
    const before = await series();
    const broken: LogSink = {
      name: 'broken',
      write() {
        throw new Error('disk gone');
      },
    };
    const original = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    const log = createLogger({ sinks: [memorySink(), broken], dedupe: { window: '1m' } });
    try {
      log.info('a');
      log.info('b');
      log.error('same');
      log.error('same');
      await log.close();
      log.warn('after close');
    } finally {
      process.stderr.write = original;
    }
    const after = await series();
    const added = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(added('ballast.logger.lines:info')).toBe(2);
    // The first 'same', then its summary (`"repeated": 1`) written on close.
    expect(added('ballast.logger.lines:error')).toBe(2);
    expect(added('ballast.logger.dropped:closed:warn')).toBe(1);
    expect(added('ballast.logger.dropped:duplicate:error')).toBe(1);
    // Every failed write counts, though stderr reports only the first.
    expect(added('ballast.logger.sink.failures:broken')).toBe(4);
    expect((await otel.metrics('@ballast/logger')).get('ballast.logger.dropped')?.unit).toBe('{line}');
  });
});
