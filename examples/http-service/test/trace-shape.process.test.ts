import { fileURLToPath } from 'node:url';
import { requireRedis, sourceNodeArgs, startProcess, uniquePrefix } from '@ballast/test-utils';
import { SpanKind } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';

/** A span as fixtures/trace-shape.ts prints it. */
interface Span {
  name: string;
  kind: SpanKind;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
}

/** A log record as fixtures/trace-shape.ts prints it. */
interface LogRecord {
  body?: string;
  severityNumber?: number;
  severityText?: string;
  traceId?: string;
  spanId?: string;
  attributes: Record<string, unknown>;
}

interface Output {
  caller: { traceId: string; spanId: string };
  spans: Span[];
  records: LogRecord[];
  lines: string[];
  requests: { path: string; status: number; requestId: string }[];
}

const example = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/trace-shape.ts', import.meta.url));
const redis = await requireRedis();
const SECRET = `planted-${Math.random().toString(36).slice(2)}-secret`;
const SERVER_SPAN = 'GET /products/:id';

/** The spans above `span`, nearest first. */
function ancestors(span: Span, byId: Map<string, Span>): Span[] {
  const chain: Span[] = [];
  for (
    let p = span.parentSpanId && byId.get(span.parentSpanId);
    p;
    p = p.parentSpanId && byId.get(p.parentSpanId)
  ) {
    chain.push(p);
  }
  return chain;
}

describe.skipIf(redis === undefined)(
  'one request through the real OpenTelemetry SDK and instrumentations',
  () => {
    let out: Output;
    let byId: Map<string, Span>;
    let miss: Span;
    let hit: Span;
    const inTrace = (root: Span) => out.spans.filter((s) => s.traceId === root.traceId);

    beforeAll(async () => {
      const child = startProcess(process.execPath, [...sourceNodeArgs, fixture], {
        cwd: example,
        env: { ...process.env, REDIS_URL: redis, PREFIX: uniquePrefix('trace-shape'), SECRET },
        name: 'the trace-shape fixture',
      });
      const { code } = await child.exited;
      expect(code, child.stderr()).toBe(0);
      out = JSON.parse(child.stdout().trim().split('\n').at(-1) ?? '') as Output;
      byId = new Map(out.spans.map((s) => [s.spanId, s]));
      const roots = out.spans.filter((s) => s.name === SERVER_SPAN);
      expect(roots).toHaveLength(2);
      [miss, hit] = roots.sort((a, b) =>
        a.traceId === out.caller.traceId ? -1 : b.traceId === out.caller.traceId ? 1 : 0,
      ) as [Span, Span];
      expect(out.requests.map((r) => r.status)).toEqual([200, 200]);
    }, 60_000);

    it('continues the caller’s traceparent: the server span’s parent is the caller’s span', () => {
      expect(miss.kind).toBe(SpanKind.SERVER);
      expect(miss.traceId).toBe(out.caller.traceId);
      expect(miss.parentSpanId).toBe(out.caller.spanId);
      // Without a traceparent the request starts its own trace.
      expect(hit.traceId).not.toBe(miss.traceId);
      expect(hit.parentSpanId).toBeUndefined();
    });

    it('leaves no orphan: every parent is exported, but the caller’s', () => {
      const orphans = out.spans.filter(
        (s) => s.parentSpanId !== undefined && !byId.has(s.parentSpanId) && s !== miss,
      );
      expect(orphans.map((s) => `${s.scope} ${s.name}`)).toEqual([]);
      // One trace per request: everything in the request's trace descends from its server span.
      for (const root of [miss, hit]) {
        const strays = inTrace(root).filter((s) => s !== root && !ancestors(s, byId).includes(root));
        expect(strays.map((s) => s.name)).toEqual([]);
      }
    });

    it('nests the ioredis client spans under the cache span that made them, not beside it', () => {
      const spans = inTrace(miss);
      for (const operation of ['get', 'set']) {
        const cacheSpan = spans.find((s) => s.name === `cache.${operation}`);
        expect(cacheSpan?.attributes).toMatchObject({ 'cache.tier': 'redis', 'db.system.name': 'redis' });
        const redisSpans = spans.filter(
          (s) =>
            s.scope === '@opentelemetry/instrumentation-ioredis' &&
            ancestors(s, byId).includes(cacheSpan as Span),
        );
        expect(redisSpans.length, `ioredis spans under cache.${operation}`).toBeGreaterThan(0);
        for (const span of redisSpans) {
          expect(span.kind).toBe(SpanKind.CLIENT);
          expect(span.parentSpanId).not.toBe(miss.spanId);
          expect(span.attributes['db.system.name'] ?? span.attributes['db.system']).toBe('redis');
        }
      }
      expect(
        ancestors(byId.get(spans.find((s) => s.name === 'cache.get')?.spanId ?? '') as Span, byId),
      ).toContain(miss);
      // The rate limiter's Redis round trip nests under its own client span too. Decisions
      // taken in one tick share one script run, under the span of the first of them.
      const limiter = spans.filter((s) => s.name === 'resilience.redis_rate_limiter.take');
      expect(limiter.length).toBeGreaterThan(0);
      const underTake = spans.filter(
        (s) =>
          s.scope.endsWith('instrumentation-ioredis') && limiter.some((t) => t.spanId === s.parentSpanId),
      );
      expect(underTake.map((s) => s.name)).toEqual(['evalsha']);
    });

    it('on a miss: resilience.execute with its attempt events, then the upstream HTTP client span under it', () => {
      const clients = inTrace(miss).filter((s) => s.scope === '@opentelemetry/instrumentation-http');
      expect(clients).toHaveLength(1);
      const client = clients[0] as Span;
      expect(client.kind).toBe(SpanKind.CLIENT);
      expect(client.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.response.status_code': 200,
      });
      expect(String(client.attributes['url.full'])).toMatch(/\/products\?ids=7$/);
      const execute = byId.get(client.parentSpanId ?? '');
      expect(execute?.name).toBe('resilience.execute');
      expect(execute?.events).toContainEqual({
        name: 'resilience.attempt',
        attributes: { 'ballast.resilience.attempt': 1 },
      });
      expect(ancestors(client, byId).map((s) => s.name)).toContain('upstream GET');
      expect(ancestors(client, byId).at(-1)).toBe(miss);
    });

    it('on a hit: no upstream call and no cache write', () => {
      const names = inTrace(hit).map((s) => `${s.scope} ${s.name}`);
      expect(names).not.toContainEqual(expect.stringContaining('instrumentation-http'));
      expect(names).not.toContain('http-service upstream GET');
      expect(names).not.toContain('@ballast/cache cache.set');
    });

    it('sends every log line to the logs pipeline with its request’s trace id', () => {
      const lines = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(out.records).toHaveLength(lines.length);
      for (const [root, request] of [
        [miss, out.requests[0]],
        [hit, out.requests[1]],
      ] as const) {
        const ofRequest = lines.filter((l) => l.req_id === request?.requestId);
        expect(ofRequest.length).toBeGreaterThan(0);
        for (const line of ofRequest) expect(line.trace_id).toBe(root.traceId);
        const records = out.records.filter((r) => r.traceId === root.traceId);
        expect(records.map((r) => [r.body, r.severityText])).toEqual(
          lines.filter((l) => l.trace_id === root.traceId).map((l) => [l.msg, 'INFO']),
        );
        for (const record of records)
          expect(record.spanId).toBe(
            lines.find((l) => l.msg === record.body && l.trace_id === root.traceId)?.span_id,
          );
        expect(records.map((r) => r.attributes.req_id)).toContain(request?.requestId);
      }
    });

    it('never exports the secret planted in the URL and headers', () => {
      expect(out.requests[0]?.path).toContain(SECRET);
      expect(JSON.stringify(out.spans)).not.toContain(SECRET);
      expect(JSON.stringify(out.records)).not.toContain(SECRET);
      expect(out.lines.join('')).not.toContain(SECRET);
      // The query string was there, censored.
      const request = out.records.find((r) => r.traceId === miss.traceId && r.body === 'request completed');
      expect(request?.attributes.req).toMatchObject({ path: '/products/7?token=[REDACTED]' });
    });
  },
);

describe.skipIf(redis === undefined)('with instrumentation-http’s own server spans turned on', () => {
  it('nests the service’s span under the instrumentation’s, which continues the caller’s trace', async () => {
    const child = startProcess(process.execPath, [...sourceNodeArgs, fixture], {
      cwd: example,
      env: { ...process.env, REDIS_URL: redis, PREFIX: uniquePrefix('trace-shape'), SECRET, INCOMING: '1' },
      name: 'the trace-shape fixture (incoming instrumentation on)',
    });
    const { code } = await child.exited;
    expect(code, child.stderr()).toBe(0);
    const out = JSON.parse(child.stdout().trim().split('\n').at(-1) ?? '') as Output;
    // (The in-process upstream's requests get instrumentation server spans of their own.)
    const outer = out.spans.find((s) => s.kind === SpanKind.SERVER && s.parentSpanId === out.caller.spanId);
    expect(outer?.name).not.toBe(SERVER_SPAN);
    const ours = out.spans.find((s) => s.name === SERVER_SPAN && s.traceId === out.caller.traceId);
    expect(outer?.parentSpanId).toBe(out.caller.spanId);
    expect(ours?.parentSpanId).toBe(outer?.spanId);
  }, 60_000);
});
