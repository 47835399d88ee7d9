import { ManualClock } from '@ballast/core/testing';
import { RateLimitedError, TimeoutError, UnavailableError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import { adaptiveLimiter } from '../src/index.js';

describe('adaptiveLimiter', () => {
  it('grows the limit additively on success and halves it on overload', async () => {
    const limiter = adaptiveLimiter({ min: 1, max: 8, initial: 4 });
    const changes: string[] = [];
    limiter.on('limit', (e) => changes.push(`${e.reason} ${e.limit}`));
    for (let i = 0; i < 5; i++) await limiter.execute(() => 'ok');
    expect(limiter.limit).toBe(5);
    await limiter.execute(() => Promise.reject(new TimeoutError())).catch(() => {});
    expect(limiter.limit).toBe(2);
    await limiter
      .execute(() => Promise.reject(Object.assign(new Error('429'), { status: 429 })))
      .catch(() => {});
    await limiter.execute(() => Promise.reject(new Error('plain'))).catch(() => {});
    expect(limiter.limit).toBe(1);
    await limiter
      .execute(() => Promise.reject(new UnavailableError('busy', { status: 503 })))
      .catch(() => {});
    expect(changes).toEqual(['increase 5', 'decrease 2', 'decrease 1']);
    await limiter.execute(() => Promise.reject(new TimeoutError())).catch(() => {});
    expect(limiter.limit).toBe(1);
  });

  it('queues calls over the limit and lets the next one in when a slot frees', async () => {
    const clock = new ManualClock();
    const limiter = adaptiveLimiter({ min: 1, max: 1, clock });
    const order: string[] = [];
    const first = limiter.execute(() => clock.sleep(10).then(() => order.push('first')));
    const second = limiter.execute(async () => order.push('second'));
    expect(limiter.active).toBe(1);
    const controller = new AbortController();
    const third = limiter.execute(async () => order.push('third'), controller.signal);
    controller.abort(new Error('left'));
    await expect(third).rejects.toThrow('left');
    await clock.advance(10);
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  });

  it('pauses for Retry-After hints from errors and for exhausted quotas', async () => {
    const clock = new ManualClock({ now: 1_700_000_000_000 });
    const limiter = adaptiveLimiter({ min: 2, max: 4, clock });
    await limiter
      .execute(() => Promise.reject(new RateLimitedError('slow', { retryAfterMs: 1_000 })))
      .catch(() => {});
    let ran = false;
    const paused = limiter.execute(async () => (ran = true));
    await clock.advance(999);
    expect(ran).toBe(false);
    await clock.advance(1);
    await paused;
    expect(ran).toBe(true);

    limiter.observeHeaders({ 'ratelimit-remaining': '0', 'RateLimit-Reset': '2' });
    ran = false;
    const quota = limiter.execute(async () => (ran = true));
    await clock.advance(1_999);
    expect(ran).toBe(false);
    await clock.advance(1);
    await quota;

    limiter.observeHeaders(new Headers({ 'retry-after': '1' }));
    const hinted = limiter.execute(async () => 'after');
    await clock.advance(1_000);
    await expect(hinted).resolves.toBe('after');

    limiter.observeHeaders({
      'x-ratelimit-remaining': ['0'],
      'x-ratelimit-reset': String(clock.now() / 1000 + 3),
    });
    const epoch = limiter.execute(async () => 'epoch');
    await clock.advance(3_000);
    await expect(epoch).resolves.toBe('epoch');
    limiter.observeHeaders({ 'Retry-After': new Date(0).toUTCString(), other: undefined });
    limiter.observeHeaders({ 'Retry-After': 'soon' });
    limiter.observe({ remaining: 5, resetMs: 100 });
    await expect(limiter.execute(async () => 'free')).resolves.toBe('free');
  });

  it('emits pause with its length and reason when a pause starts or grows', async () => {
    const clock = new ManualClock();
    const limiter = adaptiveLimiter({ min: 2, max: 4, clock });
    const pauses: string[] = [];
    limiter.on('pause', (e) => pauses.push(`${e.reason} ${e.ms}`));
    await limiter
      .execute(() => Promise.reject(new RateLimitedError('slow', { retryAfterMs: 1_000 })))
      .catch(() => {});
    limiter.observe({ retryAfterMs: 500 }); // within the current pause: nothing new
    limiter.observe({ remaining: 0, resetMs: 3_000 });
    limiter.observeHeaders({ 'Retry-After': '5' });
    expect(pauses).toEqual(['retry_after 1000', 'quota 3000', 'retry_after 5000']);
    const later = limiter.execute(async () => 'done');
    await clock.advance(5_000);
    await expect(later).resolves.toBe('done');
  });

  it('rejects a paused call whose signal aborts', async () => {
    const clock = new ManualClock();
    const limiter = adaptiveLimiter({ clock });
    limiter.observe({ retryAfterMs: 1_000 });
    const controller = new AbortController();
    controller.abort(new Error('no wait'));
    await expect(limiter.execute(() => 1, controller.signal)).rejects.toThrow('no wait');
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => adaptiveLimiter({ name: '' })).toThrow(/adaptiveLimiter.name/);
    expect(() => adaptiveLimiter({ min: 0 })).toThrow(/adaptiveLimiter.min/);
    expect(() => adaptiveLimiter({ min: 5, max: 2 })).toThrow(/adaptiveLimiter.max/);
    expect(() => adaptiveLimiter({ min: 1, max: 2, initial: 3 })).toThrow(/initial/);
    expect(() => adaptiveLimiter({ decrease: 1 })).toThrow(/decrease/);
    expect(() => adaptiveLimiter({ isOverload: 2 as never })).toThrow(/isOverload/);
  });
});
