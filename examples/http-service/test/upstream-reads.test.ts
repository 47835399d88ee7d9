import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../src/config.js';
import { createService, type Service } from '../src/service.js';

let service: Service | undefined;

async function start(config: ServiceConfig): Promise<Service> {
  service = await createService({ logSinks: [{ name: 'discard', write() {} }], ...config });
  return service;
}

afterEach(async () => {
  await service?.close();
  service = undefined;
});

/** The value of a Prometheus series whose line matches `pattern` (0 when absent). */
async function metric(url: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => pattern.test(candidate));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('batched product lookups', () => {
  it('answers GET /products?ids= with one upstream call for every id the cache misses', async () => {
    // A hedge that never fires: this test counts upstream calls.
    const s = await start({ upstream: { errorRate: 0, slowRate: 0 }, hedgeDelay: '1h' });
    expect((await fetch(`${s.url}/products/2`)).status).toBe(200);
    const before = s.upstream.stats().requests;
    const res = await fetch(`${s.url}/products?ids=2,7,11,7,999,30`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { products: Array<{ id: number }>; missing: number[] };
    expect(body.products.map((product) => product.id)).toEqual([2, 7, 11, 30]);
    expect(body.missing).toEqual([999]);
    // 2 was cached; 7, 11, 999 and 30 went upstream together.
    expect(s.upstream.stats().requests).toBe(before + 1);
    expect(
      await metric(s.url, /^ballast_resilience_batch_size_sum\{[^}]*ballast_resilience_batcher="products"/),
    ).toBeGreaterThanOrEqual(5);
    // Now all cached: no upstream call at all.
    expect((await fetch(`${s.url}/products?ids=7,11,30`)).status).toBe(200);
    expect(s.upstream.stats().requests).toBe(before + 1);
  });

  it('loads the products that concurrent requests miss in a shared batch', async () => {
    const s = await start({ upstream: { errorRate: 0, slowRate: 0 }, hedgeDelay: '1h', batchDelay: '250ms' });
    const before = s.upstream.stats().requests;
    const ids = [21, 22, 23, 24, 25, 26, 27, 28, 29, 30];
    const statuses = await Promise.all(
      ids.map(async (id) => (await fetch(`${s.url}/products/${id}`)).status),
    );
    expect(statuses).toEqual(ids.map(() => 200));
    // Ten client requests, ten cache misses: one upstream call (two if a request came late).
    expect(s.upstream.stats().requests - before).toBeLessThanOrEqual(2);
  });

  it('rejects a bad ids list with a 400 problem', async () => {
    const s = await start({});
    const res = await fetch(`${s.url}/products?ids=1,x`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      suggestions: ['GET /products?ids=1,2,3'],
    });
    const many = Array.from({ length: 51 }, (_, i) => i + 1).join(',');
    expect((await fetch(`${s.url}/products?ids=${many}`)).status).toBe(400);
  });

  it('fails GET /products?ids= as a whole when an id cannot be read at all', async () => {
    const s = await start({ upstream: { errorRate: 0, slowRate: 0 } });
    expect((await fetch(`${s.url}/products/3`)).status).toBe(200);
    s.upstream.set({ mode: 'outage' });
    const res = await fetch(`${s.url}/products?ids=3,4`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('hedged upstream reads', () => {
  it('starts a second read when the first is in the slow tail, and the faster one answers', async () => {
    // Half the upstream’s answers take 400 ms more; a read unanswered after 50 ms is hedged.
    const s = await start({
      upstream: { latencyMs: 0, jitterMs: 0, errorRate: 0, slowRate: 0.5, slowMs: 400 },
      hedgeDelay: '50ms',
      upstreamTimeout: '5s',
    });
    for (let id = 1; id <= 16; id++) expect((await fetch(`${s.url}/products/${id}`)).status).toBe(200);
    const hedges = await metric(
      s.url,
      /^ballast_resilience_hedges_total\{[^}]*ballast_resilience_reason="delay"/,
    );
    const wonByHedge = await metric(
      s.url,
      /^ballast_resilience_hedge_wins_total\{[^}]*ballast_resilience_winner="hedge"/,
    );
    expect(hedges).toBeGreaterThan(0);
    expect(wonByHedge).toBeGreaterThan(0);
    expect(wonByHedge).toBeLessThanOrEqual(hedges);
    // Each hedge was one more upstream call.
    expect(s.upstream.stats().requests).toBeGreaterThan(16);
  });

  it('never hedges into an open breaker', async () => {
    const s = await start({
      upstream: { latencyMs: 0, jitterMs: 0, errorRate: 0, slowRate: 0 },
      halfOpenAfter: '1h',
      hedgeDelay: '50ms',
    });
    s.upstream.set({ mode: 'outage' });
    for (let id = 1; id <= 4; id++) await fetch(`${s.url}/products/${id}`);
    expect(s.catalog.breaker.state).toBe('open');
    const calls = s.upstream.stats().requests;
    for (let id = 5; id <= 10; id++) expect((await fetch(`${s.url}/products/${id}`)).status).toBe(503);
    expect(s.upstream.stats().requests).toBe(calls);
  });
});
