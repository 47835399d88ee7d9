import { ManualClock } from '@ballast/core/testing';
import { RateLimitedError, TimeoutError, UnavailableError } from '@ballast/errors';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adaptiveLimiter,
  batcher,
  bulkhead,
  circuitBreaker,
  consecutiveFailures,
  constantBackoff,
  fallback,
  hedge,
  retry,
  retryBudget,
  timeout,
  tokenBucket,
} from '../src/index.js';

const otel = telemetryCapture();
beforeAll(otel.install);
afterAll(otel.uninstall);

describe('OpenTelemetry metrics', () => {
  it('counts attempts, retries, rejections by reason and reports breaker state', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 2, backoff: constantBackoff(0), clock });
    await policy.execute(() => Promise.reject(new UnavailableError('x'))).catch(() => {});
    const breaker = circuitBreaker({ name: 'payments', strategy: consecutiveFailures(1), clock });
    await breaker.execute(() => Promise.reject(new UnavailableError('x'))).catch(() => {});
    await breaker.execute(() => 1).catch(() => {});
    const pool = bulkhead({ limit: 1, clock });
    const running = pool.execute(() => clock.sleep(5));
    await pool.execute(() => 1).catch(() => {});
    const limited = tokenBucket({ rate: 1, clock });
    await limited.execute(() => 1);
    await limited.execute(() => 1).catch(() => {});
    limited.take('alice', 1);
    limited.take('alice', 1); // refused: take() counts too
    const waiting = tokenBucket({ rate: 1, mode: 'wait', clock });
    await waiting.execute(() => 1);
    const waited = waiting.execute(() => 2); // waits: not a rejection
    const slow = timeout(10, { clock }).execute(() => new Promise(() => {}));
    const settled = expect(slow).rejects.toThrow();
    await clock.advance(10);
    await settled;
    await running;
    await clock.advance(1_000);
    await waited;

    const seen = await otel.metrics('@ballast/resilience');
    expect(seen.get('ballast.resilience.attempts')?.points[0]?.value).toBe(2);
    expect(seen.get('ballast.resilience.retries')?.points[0]?.value).toBe(1);
    const rejections = (seen.get('ballast.resilience.rejections')?.points ?? []).map(
      (p) =>
        `${p.attributes['ballast.resilience.policy']}:${p.attributes['ballast.resilience.reason']}=${p.value}`,
    );
    expect(rejections.sort()).toEqual([
      'bulkhead:full=1',
      'circuit_breaker:open=1',
      'timeout:timeout=1',
      'token_bucket:rate_limited=2',
    ]);
    const states = (seen.get('ballast.resilience.breaker.state')?.points ?? [])
      .filter((p) => p.attributes['ballast.resilience.breaker'] === 'payments')
      .map((p) => `${p.attributes['ballast.resilience.breaker.state']}=${p.value}`);
    expect(states.sort()).toEqual(['closed=0', 'half-open=0', 'isolated=0', 'open=1']);
    expect(seen.get('ballast.resilience.breaker.state')?.unit).toBe('{state}');
    expect(seen.get('ballast.resilience.rejections')?.unit).toBe('{call}');
  });

  it('counts a retry the shared budget refused as a rejection (retry, budget)', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0, minPerSecond: 0.1, window: '10s', clock });
    const policy = retry({ maxAttempts: 5, backoff: constantBackoff(0), budget, clock });
    await policy.execute(() => Promise.reject(new UnavailableError('x'))).catch(() => {});
    const points = await otel.points('@ballast/resilience', 'ballast.resilience.rejections');
    const spent = points.find(
      (p) =>
        p.attributes['ballast.resilience.policy'] === 'retry' &&
        p.attributes['ballast.resilience.reason'] === 'budget',
    );
    expect(spent?.value).toBe(1);
  });

  it('counts fallbacks by error category and hedged attempts by reason and winner', async () => {
    const answer = fallback('default');
    await answer.execute(() => Promise.reject(new UnavailableError('down')));
    await answer.execute(() => Promise.reject(new UnavailableError('down')));
    await answer.execute(() => Promise.reject(new TimeoutError()));
    await answer.execute(() => 'live');

    const clock = new ManualClock();
    const hedged = hedge({ delay: 50, maxHedged: 2, clock });
    await hedged.execute(() => 'fast');
    const byHedge = hedged.execute(({ attempt }) =>
      clock.sleep(attempt === 1 ? 1_000 : 10).then(() => attempt),
    );
    await clock.advance(60);
    await byHedge;
    const byFirst = hedged.execute(({ attempt }) =>
      clock.sleep(attempt === 1 ? 70 : 1_000).then(() => attempt),
    );
    await clock.advance(70);
    await byFirst;
    let n = 0;
    const afterFailure = hedged.execute(() => (++n === 1 ? Promise.reject(new Error('x')) : 'ok'));
    await afterFailure;
    await clock.advance(2_000);

    const seen = await otel.metrics('@ballast/resilience');
    const fallbacks = (seen.get('ballast.resilience.fallbacks')?.points ?? []).map(
      (p) =>
        `${p.attributes['ballast.resilience.policy']}:${p.attributes['ballast.resilience.reason']}=${p.value}`,
    );
    expect(fallbacks.sort()).toEqual(['fallback:timeout=1', 'fallback:unavailable=2']);
    const hedges = (seen.get('ballast.resilience.hedges')?.points ?? []).map(
      (p) =>
        `${p.attributes['ballast.resilience.policy']}:${p.attributes['ballast.resilience.reason']}=${p.value}`,
    );
    expect(hedges.sort()).toEqual(['hedge:delay=2', 'hedge:failure=1']);
    const wins = (seen.get('ballast.resilience.hedge.wins')?.points ?? []).map(
      (p) => `${p.attributes['ballast.resilience.winner']}=${p.value}`,
    );
    expect(wins.sort()).toEqual(['first=1', 'hedge=2']);
  });

  it('reports the adaptive limit per limiter and batch sizes and durations per batcher', async () => {
    const clock = new ManualClock();
    const github = adaptiveLimiter({ name: 'github', min: 1, max: 10, initial: 4, clock });
    adaptiveLimiter({ name: 'stripe', min: 3, max: 10, clock });
    await github.execute(() => Promise.reject(new RateLimitedError('slow'))).catch(() => {});
    let limits = await otel.points('@ballast/resilience', 'ballast.resilience.adaptive.limit');
    const limitOf = (name: string) =>
      limits.find((p) => p.attributes['ballast.resilience.limiter'] === name)?.value;
    expect(limitOf('github')).toBe(2);
    expect(limitOf('stripe')).toBe(3);
    for (let i = 0; i < 3; i++) await github.execute(() => 'ok'); // 2 → 2.5 → 2.9 → 3.24
    limits = await otel.points('@ballast/resilience', 'ballast.resilience.adaptive.limit');
    expect(limitOf('github')).toBe(3);

    let fail = false;
    const users = batcher({
      name: 'users',
      run: async (ids: string[]) => {
        await clock.sleep(8);
        if (fail) throw new Error('db down');
        return ids;
      },
      maxDelay: 2,
      clock,
    });
    const first = users.loadMany(['1', '2', '3', '1']);
    await clock.advance(10);
    await first;
    const second = users.loadMany(['4']);
    await clock.advance(10);
    await second;
    fail = true;
    const third = users.loadMany(['5', '6']);
    await clock.advance(10);
    await third;

    const seen = await otel.metrics('@ballast/resilience');
    const histogram = (name: string, result: string) =>
      seen
        .get(name)
        ?.points.find(
          (p) =>
            p.attributes['ballast.resilience.batcher'] === 'users' &&
            p.attributes['ballast.resilience.result'] === result,
        )?.value as { count: number; sum: number } | undefined;
    expect(histogram('ballast.resilience.batch.size', 'ok')).toMatchObject({ count: 2, sum: 4 });
    expect(histogram('ballast.resilience.batch.size', 'error')).toMatchObject({ count: 1, sum: 2 });
    expect(histogram('ballast.resilience.batch.duration', 'ok')).toMatchObject({ count: 2, sum: 0.016 });
    expect(histogram('ballast.resilience.batch.duration', 'error')).toMatchObject({ count: 1, sum: 0.008 });
    expect(seen.get('ballast.resilience.batch.duration')?.unit).toBe('s');
  });
});
