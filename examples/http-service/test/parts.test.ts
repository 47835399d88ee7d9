import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { quantile } from '../src/load.js';
import { apiKeyOf, clientIp, createRateLimiter } from '../src/rate-limit.js';
import { routeOf } from '../src/routes.js';
import type { ScenarioSummary } from '../src/scenario.js';
import { createService } from '../src/service.js';
import { renderProgress, renderSummary } from '../src/summary.js';
import { catalogue, seededRandom, startUpstream } from '../src/upstream.js';

function request(headers: Record<string, string>, url = '/products/1', remoteAddress = '192.0.2.9') {
  return { headers, url, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe('rate limiting helpers', () => {
  it('finds the API key in x-api-key, a bearer token or ?api_key=', () => {
    expect(apiKeyOf(request({ 'x-api-key': 'k1' }))).toBe('k1');
    expect(apiKeyOf(request({ authorization: 'Bearer k2' }))).toBe('k2');
    expect(apiKeyOf(request({}, '/products?api_key=k%203'))).toBe('k 3');
    expect(apiKeyOf(request({ authorization: 'Basic abc' }))).toBeUndefined();
  });

  it('reads X-Forwarded-For only behind a trusted proxy', () => {
    const req = request({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1' });
    expect(clientIp(req, true)).toBe('203.0.113.7');
    expect(clientIp(req, false)).toBe('192.0.2.9');
  });

  it('refuses once any limit is spent and reports the tightest limit', async () => {
    const { limiter, breaker } = createRateLimiter([
      { max: 2, per: '1m' },
      { max: 10, per: '1h' },
    ]);
    expect(breaker).toBeUndefined();
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.take('ip:a'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(decisions[2]).toMatchObject({ limit: 2, remaining: 0 });
    expect(decisions[2]?.retryAfterMs).toBeGreaterThan(0);
    expect((await limiter.take('ip:b')).allowed).toBe(true);
  });
});

describe('scenario helpers', () => {
  it('takes quantiles by nearest rank', () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 100], 0.99)).toBe(100);
  });

  it('labels routes with low cardinality', () => {
    expect(routeOf('/products')).toBe('/products');
    expect(routeOf('/products/42')).toBe('/products/:id');
    expect(routeOf('/elsewhere')).toBe('other');
  });

  it('renders the summary table and a progress line', () => {
    const summary: ScenarioSummary = {
      durationMs: 19_000,
      requests: 500,
      clientVisibleErrors: 4,
      errorsByPhase: { steady: 0, outage: 4, storm: 0, recovery: 0 },
      outageErrorsOnCachedKeys: 0,
      outageColdRequests: 4,
      cacheHitRatio: 0.5,
      staleServed: 200,
      breakerTransitions: [
        'closed→open',
        'open→half-open',
        'half-open→open',
        'open→half-open',
        'half-open→closed',
      ],
      breakerOpened: true,
      breakerRecovered: true,
      latencyMs: { p50: 1.5, p99: 300 },
      rateLimited: 30,
      rateLimitedSample: undefined,
      upstream: { requests: 80, ok: 60, errors: 10, throttled: 10 },
    };
    const table = renderSummary(summary);
    expect(table).toContain('client-visible errors');
    expect(table).toContain('4 (steady 0, outage 4, storm 0, recovery 0)');
    expect(table).toContain('5: closed→open, open→half-open ×2, half-open→open, half-open→closed');
    expect(table).toContain('50.0 %');
    expect(table).toContain('1.5 ms / 300.0 ms');
    const line = renderProgress({
      phase: 'outage',
      elapsedMs: 8_200,
      totalMs: 19_000,
      requests: 190,
      errors: 3,
      rateLimited: 0,
      stale: 41,
      breaker: 'open',
    });
    expect(line).toBe('[outage  ]  8.2/19.0 s  req 190  err 3  429 0  stale 41  breaker open');
  });
});

describe('the flaky upstream', () => {
  it('repeats its misbehaviour for a seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const draws = Array.from({ length: 5 }, () => a());
    expect(draws).toEqual(Array.from({ length: 5 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(catalogue(3).map((p) => p.id)).toEqual([1, 2, 3]);
  });

  it('switches between ok, outage and throttle at runtime', async () => {
    const upstream = await startUpstream({
      behaviour: { latencyMs: 0, jitterMs: 0, errorRate: 0, throttleRate: 1 },
    });
    try {
      expect((await fetch(`${upstream.url}/products/2`)).status).toBe(200);
      expect((await fetch(`${upstream.url}/products/999`)).status).toBe(404);
      upstream.set({ mode: 'outage' });
      expect((await fetch(`${upstream.url}/products/2`)).status).toBe(503);
      upstream.set({ mode: 'throttle', retryAfterSeconds: 3 });
      const throttled = await fetch(`${upstream.url}/products/2`);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('3');
      upstream.reset();
      expect((await fetch(`${upstream.url}/products`)).status).toBe(200);
      expect(upstream.stats()).toMatchObject({ requests: 5, errors: 1, throttled: 1 });
    } finally {
      await upstream.close();
    }
  });
});

describe('the chaos endpoint', () => {
  it('switches the upstream when enabled and rejects bad settings with 400', async () => {
    const service = await createService({ chaosEndpoint: true, logSinks: [{ name: 'discard', write() {} }] });
    try {
      const post = (query: string) => fetch(`${service.url}/_chaos${query}`, { method: 'POST' });
      expect((await post('?mode=bogus')).status).toBe(400);
      expect((await post('?latencyMs=-1')).status).toBe(400);
      expect((await post('?color=red')).status).toBe(400);
      expect((await fetch(`${service.url}/_chaos`)).status).toBe(405);
      const res = await post('?mode=outage&errorRate=0.5');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ mode: 'outage', errorRate: 0.5 });
      expect(service.upstream.behaviour.mode).toBe('outage');
      await post('?reset=1');
      expect(service.upstream.behaviour).toMatchObject({ mode: 'ok', errorRate: 0.02 });
    } finally {
      await service.close();
    }
  });
});
