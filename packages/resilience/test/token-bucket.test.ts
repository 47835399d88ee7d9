import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError, RateLimitedError, ValidationError } from '@ballast/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateLimitHeaders, tokenBucket } from '../src/index.js';

describe('tokenBucket', () => {
  it('admits a burst, then refills at rate per period', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ rate: 2, per: '1s', burst: 3, clock });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('a');
    expect(refused).toEqual({ allowed: false, remaining: 0, limit: 3, resetMs: 1_500, retryAfterMs: 500 });
    expect(limiter.take('b').allowed).toBe(true);
    await clock.advance(500);
    expect(limiter.take('a')).toMatchObject({ allowed: true, remaining: 0 });
    await clock.advance(10_000);
    expect(limiter.take('a', 3)).toMatchObject({ allowed: true, remaining: 0, resetMs: 1_500 });
  });

  it('refuses a cost outside 0..burst as invalid input (ValidationError, 400), naming the range', async () => {
    const limiter = tokenBucket({ rate: 5 });
    const invalid = (cost: number) => {
      try {
        limiter.take('a', cost);
      } catch (error) {
        return error;
      }
      throw new Error(`take('a', ${cost}) did not throw`);
    };
    const above = invalid(6);
    expect(ValidationError.is(above)).toBe(true);
    expect(ConfigurationError.is(above)).toBe(false);
    expect(above).toMatchObject({
      status: 400,
      message: 'Invalid cost for tokenBucket.take(): got 6; expected a number from 0 to the burst (5).',
      details: { argument: 'cost', expected: 'a number from 0 to the burst (5)' },
    });
    expect(invalid(-1)).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/got -1;/),
    });
    expect(invalid(Number.NaN)).toMatchObject({ message: expect.stringMatching(/got NaN;/) });
    expect(invalid(10n as never)).toMatchObject({ message: expect.stringMatching(/got 10n;/) });
    // Only numbers are shown as they are: a key or a stray string may hold personal data.
    expect(invalid('9 tokens for alice@example.com' as never)).toMatchObject({
      message: expect.stringMatching(/got a string;/),
    });
    expect(invalid({ user: 'alice' } as never)).toMatchObject({
      message: expect.stringMatching(/got an object;/),
    });
    expect(invalid((() => 1) as never)).toMatchObject({ message: expect.stringMatching(/got a function;/) });
    await expect(limiter.wait('a', 6)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^Invalid cost for tokenBucket\.wait\(\): got 6;/),
    });
    expect(limiter.take('a', 5).allowed).toBe(true);
  });

  it('rejects with RateLimitedError carrying retryAfterMs when used as a policy', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ rate: 1, per: 1_000, clock });
    await expect(limiter.execute(() => 'first')).resolves.toBe('first');
    const error = await limiter.execute(() => 'second').catch((e: unknown) => e);
    expect(RateLimitedError.is(error)).toBe(true);
    expect((error as { retryAfterMs: number }).retryAfterMs).toBe(1_000);
  });

  it('emits rejected with key, cost and retryAfterMs for refused takes and policy calls', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ rate: 2, per: 1_000, clock });
    const rejected: unknown[] = [];
    const off = limiter.on('rejected', (e) => rejected.push(e));
    expect(limiter.take('alice', 2).allowed).toBe(true);
    expect(limiter.take('alice', 1).allowed).toBe(false);
    await limiter.execute(() => 1);
    await limiter.execute(() => 1);
    await expect(limiter.execute(() => 1)).rejects.toThrow(/token bucket/);
    expect(rejected).toEqual([
      { key: 'alice', cost: 1, retryAfterMs: 500 },
      { key: 'default', cost: 1, retryAfterMs: 500 },
    ]);
    off();
    limiter.take('alice', 1);
    expect(rejected).toHaveLength(2);
  });

  it('does not report waiting in wait mode as a rejection', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ rate: 1, per: 100, mode: 'wait', clock });
    const rejected: unknown[] = [];
    limiter.on('rejected', (e) => rejected.push(e));
    await limiter.execute(() => 1);
    const second = limiter.execute(() => 2);
    const third = limiter.wait('default');
    await clock.advance(200);
    await expect(second).resolves.toBe(2);
    await expect(third).resolves.toMatchObject({ allowed: true });
    expect(rejected).toEqual([]);
  });

  it('waits for a token in wait mode, and wait() honours its signal', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ rate: 1, per: 100, mode: 'wait', clock });
    await limiter.execute(() => 1);
    const second = limiter.execute(() => 2);
    await clock.advance(100);
    await expect(second).resolves.toBe(2);
    const controller = new AbortController();
    const waiting = limiter.wait('default', 1, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    const later = limiter.wait();
    await clock.advance(100);
    await expect(later).resolves.toMatchObject({ allowed: true });
  });

  it('keeps at most maxKeys keys, dropping idle (full) buckets first', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ rate: 1, per: 1_000, burst: 2, maxKeys: 2, clock });
    limiter.take('busy', 2);
    limiter.take('idle', 1);
    await clock.advance(1_000);
    limiter.take('new');
    expect(limiter.size).toBe(2);
    expect(limiter.take('busy').allowed).toBe(true);
    expect(limiter.take('busy').allowed).toBe(false);
    limiter.take('x');
    limiter.take('y');
    expect(limiter.size).toBe(2);
  });

  it('never admits more than burst + rate·t in any interval t', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 3 })), {
          maxLength: 80,
        }),
        async (rate, burst, takes) => {
          const clock = new ManualClock();
          const limiter = tokenBucket({ rate, per: 1_000, burst: Math.max(burst, 3), clock });
          const admitted: Array<{ at: number; cost: number }> = [];
          let now = 0;
          for (const [gap, cost] of takes) {
            now += gap;
            await clock.advance(gap);
            expect(clock.now()).toBe(now);
            if (limiter.take('k', cost).allowed) admitted.push({ at: now, cost });
          }
          const cap = Math.max(burst, 3);
          for (let i = 0; i < admitted.length; i++) {
            let sum = 0;
            for (let j = i; j < admitted.length; j++) {
              sum += admitted[j]!.cost;
              const t = admitted[j]!.at - admitted[i]!.at;
              expect(sum).toBeLessThanOrEqual(cap + (rate * t) / 1_000 + 1e-6);
            }
          }
        },
      ),
    );
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => tokenBucket({ rate: 0 })).toThrow(/tokenBucket.rate/);
    expect(() => tokenBucket({ rate: 1, per: 0 })).toThrow(/tokenBucket.per/);
    expect(() => tokenBucket({ rate: 1, burst: -1 })).toThrow(/tokenBucket.burst/);
    expect(() => tokenBucket({ rate: 1, mode: 'queue' as never })).toThrow(/tokenBucket.mode/);
    expect(() => tokenBucket({ rate: 1, maxKeys: 0 })).toThrow(/maxKeys/);
  });
});

describe('rateLimitHeaders', () => {
  it('produces RateLimit-* headers, and Retry-After only when refused', () => {
    expect(
      rateLimitHeaders({ allowed: true, remaining: 4.7, limit: 5, resetMs: 1_200, retryAfterMs: 0 }),
    ).toEqual({
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '4',
      'RateLimit-Reset': '2',
    });
    expect(
      rateLimitHeaders({ allowed: false, remaining: -1, limit: 5, resetMs: 0, retryAfterMs: 10 }),
    ).toEqual({
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '0',
      'Retry-After': '1',
    });
  });
});
