import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogSink } from '@ballast/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAuditLog } from '../src/audit.js';
import { runScenario, type ScenarioSummary } from '../src/scenario.js';
import { createService, type Service } from '../src/service.js';

// Secrets planted in requests: none may ever appear in a log line.
const API_KEYS = ['sk_test_planted_Zx81', 'sk_test_planted_Qv27', 'sk_test_planted_Hy55'];
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ';
const PASSWORD = 'hunter2-planted-Pw9';
const COOKIE = 'session=planted-cookie-Ck3';
const ADMIN_TOKEN = 'planted-admin-token-Ad4x9';
const SECRETS = [...API_KEYS, BEARER, PASSWORD, 'planted-cookie-Ck3', ADMIN_TOKEN];
const dir = mkdtempSync(join(tmpdir(), 'http-service-scenario-'));
const auditPath = join(dir, 'audit.log');

const lines: string[] = [];
const capture: LogSink = { name: 'capture', write: (line) => void lines.push(line) };

let service: Service;
let summary: ScenarioSummary;

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${service.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

beforeAll(async () => {
  service = await createService({
    trustProxy: true,
    logSinks: [capture],
    logLevel: 'debug',
    ttl: { products: '300ms', product: '400ms' },
    halfOpenAfter: '400ms',
    admins: { oncall: ADMIN_TOKEN },
    auditLogPath: auditPath,
  });
  summary = await runScenario(service, {
    adminToken: ADMIN_TOKEN,
    phases: { steady: 1_500, outage: 1_500, storm: 1_200, recovery: 2_000 },
    clients: 6,
    perClientRps: 4,
    burst: 80,
    apiKeys: API_KEYS,
  });
}, 60_000);

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo scenario', () => {
  it('serves every cached key through the upstream outage (stale-if-error)', () => {
    expect(summary.requests).toBeGreaterThan(100);
    expect(summary.outageErrorsOnCachedKeys).toBe(0);
    expect(summary.staleServed).toBeGreaterThan(0);
    expect(summary.upstream.errors).toBeGreaterThan(0);
  });

  it('opens the upstream breaker during the outage and closes it again in recovery', () => {
    expect(summary.breakerOpened).toBe(true);
    expect(summary.breakerTransitions).toContain('closed→open');
    expect(summary.breakerTransitions).toContain('half-open→closed');
    expect(summary.breakerRecovered).toBe(true);
    expect(service.catalog.breaker.state).toBe('closed');
  });

  it('answers a client over its limit with 429, RateLimit headers and a problem document', () => {
    expect(summary.rateLimited).toBeGreaterThan(0);
    const sample = summary.rateLimitedSample;
    expect(sample?.status).toBe(429);
    expect(sample?.contentType).toBe('application/problem+json');
    expect(sample?.headers['ratelimit-limit']).toBe('60');
    expect(sample?.headers['ratelimit-remaining']).toBe('0');
    expect(Number(sample?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(sample?.body).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
      code: 'RATE_LIMITED',
      instance: sample?.headers['x-request-id'],
    });
  });

  it('records the on-call’s silence and purge in an intact audit log', async () => {
    const events = readFileSync(auditPath, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) => (JSON.parse(line) as { event: { action: string; actor: string; outcome: string } }).event,
      );
    expect(events.map(({ action, actor, outcome }) => [action, actor, outcome])).toEqual([
      ['silence.create', 'oncall', 'ok'],
      ['silence.delete', 'oncall', 'ok'],
      ['cache.purge', 'oncall', 'ok'],
    ]);
    expect((await checkAuditLog(auditPath)).verification).toEqual({ ok: true, records: 3 });
    // The open breaker's reports were dropped while the silence held.
    expect(service.reports.reporter.stats().silenced).toBeGreaterThan(0);
    expect(service.reports.silences()).toEqual([]);
  });

  it('counts latency for every request', () => {
    expect(summary.latencyMs.p50).toBeGreaterThan(0);
    expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
    expect(summary.errorsByPhase.steady + summary.errorsByPhase.recovery).toBeLessThanOrEqual(
      summary.clientVisibleErrors,
    );
  });
});

describe('the service', () => {
  it('turns an upstream failure into a 503 problem with the request id and no internals', async () => {
    service.upstream.set({ mode: 'outage' });
    try {
      const res = await get(`/products/47?password=${PASSWORD}`, {
        authorization: `Bearer ${BEARER}`,
        cookie: COOKIE,
        'x-request-id': 'req-planted-1',
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = JSON.parse(res.text) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 503, code: expect.any(String), instance: 'req-planted-1' });
      expect(res.text).not.toMatch(/stack|upstream-client|\.ts:|at /);
    } finally {
      service.upstream.reset();
    }
  });

  it('answers a bad id with a 400 problem naming the id', async () => {
    const res = await get('/products/abc');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'VALIDATION_FAILED', details: { id: 'abc' } });
  });

  it('answers unknown routes with 404, other methods with 405, and hides /_chaos unless enabled', async () => {
    expect((await get('/nowhere')).status).toBe(404);
    const post = await fetch(`${service.url}/products`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(`${service.url}/_chaos?mode=outage`, { method: 'POST' })).status).toBe(404);
    expect(service.upstream.behaviour.mode).toBe('ok');
  });

  it('serves /health, /health/live, /health/ready, /health/startup and one check as health+json', async () => {
    const all = await get('/health');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toContain('application/health+json');
    const report = JSON.parse(all.text) as { status: string; checks: Record<string, unknown[]> };
    expect(['pass', 'warn']).toContain(report.status);
    expect(Object.keys(report.checks)).toEqual(expect.arrayContaining(['circuit:upstream', 'cache:catalog']));
    for (const probe of [
      '/health/live',
      '/health/ready',
      '/health/startup',
      '/health/checks/circuit:upstream',
    ]) {
      expect((await get(probe)).status, probe).toBe(200);
    }
    expect((await get('/health/checks/nope')).status).toBe(404);
  });

  it('serves Prometheus metrics from its own and the packages’ instruments', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/http_server_request_duration\w*_count\{[^}]*http_request_method="GET"/);
    expect(res.text).toContain('ballast_cache_requests_total');
    expect(res.text).toMatch(
      /ballast_resilience_breaker_state\{[^}]*ballast_resilience_breaker="upstream"[^}]*ballast_resilience_breaker_state="closed"[^}]*\} 1/,
    );
    expect(res.text).toMatch(/target_info\{[^}]*service_name="http-service"/);
  });

  it('continues the trace of an incoming traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await get('/products', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(res.status).toBe(200);
    await service.logger.flush();
    const traced = lines.filter((line) => line.includes(`"trace_id":"${traceId}"`));
    expect(traced.length).toBeGreaterThan(0);
  });

  it('never writes a planted secret to a log line, and every line is JSON', async () => {
    await service.logger.flush();
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.some((line) => line.includes('"request failed"'))).toBe(true);
    // The error handler's line (the error report of the same failure carries no headers).
    const failure = lines.find((line) => line.includes('req-planted-1') && line.includes('"request":{'));
    expect(failure).toContain('"authorization":"[REDACTED]"');
    expect(failure).toContain('"cookie":"[REDACTED]"');
    expect(failure).toContain('password=[REDACTED]');
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      for (const secret of SECRETS) expect(line).not.toContain(secret);
    }
  });
});
