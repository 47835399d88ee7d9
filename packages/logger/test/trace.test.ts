import { createLogger, withLogContext } from '@ballast/logger';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySink } from './helpers.js';

describe('OpenTelemetry correlation', () => {
  const manager = new AsyncLocalStorageContextManager();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
  });

  beforeAll(() => {
    manager.enable();
    context.setGlobalContextManager(manager);
    trace.setGlobalTracerProvider(provider);
  });

  afterAll(async () => {
    trace.disable();
    context.disable();
    await provider.shutdown();
  });

  it('adds trace_id, span_id and trace_flags of the active span, across await', async () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], base: null });
    const tracer = trace.getTracer('test');
    let ids: { traceId: string; spanId: string } | undefined;
    await tracer.startActiveSpan('work', async (span) => {
      ids = span.spanContext();
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('inside');
      span.end();
    });
    logger.info('outside');
    expect(sink.lines[0]).toMatchObject({ trace_id: ids?.traceId, span_id: ids?.spanId, trace_flags: '01' });
    expect(sink.lines[1]).not.toHaveProperty('trace_id');
  });

  it("renames the caller's trace_id, span_id and trace_flags only on lines that carry the span's", async () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], base: { trace_flags: 'base' } });
    const child = logger.child({ trace_id: 'bound' });
    let ids: { traceId: string; spanId: string } | undefined;
    await withLogContext({ span_id: 'context' }, () =>
      trace.getTracer('test').startActiveSpan('work', (span) => {
        ids = span.spanContext();
        child.info({ _trace_id: 'field' }, 'inside');
        span.end();
      }),
    );
    await withLogContext({ span_id: 'context' }, () => child.info({ _trace_id: 'field' }, 'outside'));
    const keys = (line: string) => line.match(/"_*(?:trace_id|span_id|trace_flags)":/g);
    expect(new Set(keys(sink.raw[0] as string)).size).toBe(7);
    expect(sink.lines[0]).toMatchObject({
      trace_id: ids?.traceId,
      span_id: ids?.spanId,
      trace_flags: '01',
      _trace_flags: 'base',
      _trace_id: 'bound',
      _span_id: 'context',
      __trace_id: 'field',
    });
    expect(new Set(keys(sink.raw[1] as string)).size).toBe(4);
    expect(sink.lines[1]).toMatchObject({
      trace_flags: 'base',
      trace_id: 'bound',
      span_id: 'context',
      _trace_id: 'field',
    });
  });

  it('writes no trace fields when turned off or the span context is invalid', () => {
    const sink = memorySink();
    const off = createLogger({ sinks: [sink], base: null, trace: false });
    const on = createLogger({ sinks: [sink], base: null });
    trace.getTracer('test').startActiveSpan('work', (span) => {
      off.info('off');
      span.end();
    });
    const invalid = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
    context.with(trace.setSpan(context.active(), invalid), () => on.info('invalid'));
    expect(sink.lines.every((line) => !('trace_id' in line))).toBe(true);
  });
});
