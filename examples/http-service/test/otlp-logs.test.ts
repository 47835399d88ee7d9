import { createLogger, type Logger } from '@ballast/logger';
import { otelSink } from '@ballast/logger/otel';
import { eventually } from '@ballast/test-utils';
import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpCollector, startCollector } from './helpers/otlp-collector.js';

/** One OTLP/JSON attribute value (the variants this test meets). */
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  kvlistValue?: { values: KeyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
/** A log record as OTLP/JSON carries it. */
interface OtlpLogRecord {
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: KeyValue[];
  traceId?: string;
  spanId?: string;
  flags?: number;
}
interface OtlpLogs {
  resourceLogs: {
    resource: { attributes: KeyValue[] };
    scopeLogs: { scope: { name: string }; logRecords: OtlpLogRecord[] }[];
  }[];
}

/** An OTLP/JSON value back as a plain one. */
function plain(value: AnyValue): unknown {
  if (value.kvlistValue !== undefined) {
    return Object.fromEntries(value.kvlistValue.values.map((kv) => [kv.key, plain(kv.value)]));
  }
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue;
}

const SECRET = `otlp-${Math.random().toString(36).slice(2)}-secret`;
const SPAN = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

describe('logs over OTLP/HTTP to a collector', () => {
  let collector: OtlpCollector;
  let provider: LoggerProvider;
  let logger: Logger;

  beforeAll(async () => {
    collector = await startCollector();
    provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'otlp-logs-test' }),
      processors: [
        new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${collector.url}/v1/logs` }) }),
      ],
    });
    // The API's globals, as an SDK sets them; taken back in afterAll.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    logs.setGlobalLoggerProvider(provider);
    logger = createLogger({ name: 'checkout', level: 'debug', sinks: [otelSink()] });
  });

  afterAll(async () => {
    await logger.close();
    await provider.shutdown();
    logs.disable();
    context.disable();
    await collector.close();
  });

  it('delivers body, severity, attributes and the active span, redacted', async () => {
    context.with(trace.setSpanContext(ROOT_CONTEXT, SPAN), () => {
      logger.warn(
        { order: 42, user: { id: 'u-1', password: SECRET }, headers: { authorization: `Bearer ${SECRET}` } },
        'payment retried',
      );
    });
    logger.error({ url: `/pay?token=${SECRET}&step=2` }, 'payment failed');
    await logger.flush();
    await provider.forceFlush();
    await eventually(() => collector.logs.length > 0, 'the collector received the logs');

    expect(collector.contentTypes).toContain('application/json');
    const body = collector.logs as OtlpLogs[];
    expect(JSON.stringify(body)).not.toContain(SECRET);
    const resource = body[0]?.resourceLogs[0]?.resource.attributes ?? [];
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'otlp-logs-test' } });
    const scopes = body.flatMap((b) => b.resourceLogs.flatMap((r) => r.scopeLogs));
    expect(new Set(scopes.map((s) => s.scope.name))).toEqual(new Set(['@ballast/logger']));
    const records = scopes.flatMap((s) => s.logRecords);
    expect(records.map((r) => plain(r.body))).toEqual(['payment retried', 'payment failed']);

    const [retried, failed] = records as [OtlpLogRecord, OtlpLogRecord];
    expect([retried.severityNumber, retried.severityText]).toEqual([SeverityNumber.WARN, 'WARN']);
    expect([failed.severityNumber, failed.severityText]).toEqual([SeverityNumber.ERROR, 'ERROR']);
    // The active span when the line was written, as the record's context.
    expect([retried.traceId, retried.spanId, retried.flags]).toEqual([SPAN.traceId, SPAN.spanId, 1]);
    expect(failed.traceId ?? '').toBe('');

    const attributes = Object.fromEntries(retried.attributes.map((kv) => [kv.key, plain(kv.value)]));
    expect(attributes).toEqual({
      name: 'checkout',
      order: 42,
      user: { id: 'u-1', password: '[REDACTED]' },
      headers: { authorization: '[REDACTED]' },
    });
    // The line's own trace fields are the record's context, not attributes.
    expect(Object.keys(attributes)).not.toContain('trace_id');
    const url = failed.attributes.find((kv) => kv.key === 'url');
    expect(plain(url?.value ?? {})).toMatch(/^\/pay\?token=\[REDACTED\]&step=2$/);
  });
});
