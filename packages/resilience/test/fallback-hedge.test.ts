import { ManualClock } from '@ballast/core/testing';
import { CancelledError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import { fallback, hedge, pipeline, timeout } from '../src/index.js';

describe('fallback', () => {
  it('answers with a value or a function of the error when the work fails', async () => {
    const handled: unknown[] = [];
    const fixed = fallback('default');
    fixed.on('fallback', (e) => handled.push(e.error));
    await expect(fixed.execute(() => Promise.reject(new Error('down')))).resolves.toBe('default');
    await expect(fixed.execute(() => 'live')).resolves.toBe('live');
    expect(handled).toHaveLength(1);
    const computed = fallback(
      async (error: unknown, signal: AbortSignal) => `${(error as Error).message} ${signal.aborted}`,
    );
    await expect(computed.execute(() => Promise.reject(new Error('down')))).resolves.toBe('down false');
  });

  it('lets errors through that shouldHandle refuses, and aborts by default', async () => {
    const picky = fallback(0, { shouldHandle: (e) => (e as Error).message === 'handled' });
    await expect(picky.execute(() => Promise.reject(new Error('other')))).rejects.toThrow('other');
    const abort = new DOMException('stop', 'AbortError');
    await expect(fallback(0).execute(() => Promise.reject(abort))).rejects.toBe(abort);
    expect(() => fallback(0, { shouldHandle: 1 as never })).toThrow(/shouldHandle/);
  });

  it('never answers for a cancellation or once the caller has aborted, whatever the error', async () => {
    const cancelled = new CancelledError('caller went away');
    await expect(fallback(0).execute(() => Promise.reject(cancelled))).rejects.toBe(cancelled);
    const everything = fallback('answer', { shouldHandle: () => true });
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const call = everything.execute(async ({ signal }) => {
      controller.abort(reason);
      throw signal.reason;
    }, controller.signal);
    await expect(call).rejects.toBe(reason);
    await expect(everything.execute(() => Promise.reject(cancelled))).resolves.toBe('answer');
  });
});

describe('hedge', () => {
  it('returns a fast first attempt without hedging', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delay: 50, clock });
    await expect(policy.execute(() => 'fast')).resolves.toBe('fast');
    expect(clock.pendingTimers).toBe(0);
  });

  it('starts a hedged attempt after the delay; the first success wins and the loser is aborted', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delay: 50, maxHedged: 1, clock });
    const hedges: string[] = [];
    policy.on('hedge', (e) => hedges.push(`${e.attempt} ${e.reason}`));
    const signals: AbortSignal[] = [];
    const result = policy.execute(({ attempt, signal }) => {
      signals.push(signal);
      return clock.sleep(attempt === 1 ? 1_000 : 10).then(() => `attempt ${attempt}`);
    });
    await clock.advance(60);
    await expect(result).resolves.toBe('attempt 2');
    expect(hedges).toEqual(['2 delay']);
    expect(signals[0]?.aborted).toBe(true);
    expect(CancelledError.is(signals[0]?.reason)).toBe(true);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('hedges at once after a failure and throws the last error when every attempt fails', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delay: '1s', maxHedged: 2, clock });
    const reasons: string[] = [];
    policy.on('hedge', (e) => reasons.push(e.reason));
    let n = 0;
    await expect(policy.execute(() => Promise.reject(new Error(`fail ${++n}`)))).rejects.toThrow('fail 3');
    expect(reasons).toEqual(['failure', 'failure']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('emits won with the winning attempt only for calls that hedged', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delay: 50, maxHedged: 2, clock });
    const won: unknown[] = [];
    policy.on('won', (e) => won.push(e));
    await policy.execute(() => 'fast');
    const hedgeWins = policy.execute(({ attempt }) =>
      clock.sleep(attempt === 1 ? 1_000 : 10).then(() => attempt),
    );
    await clock.advance(60);
    await expect(hedgeWins).resolves.toBe(2);
    const firstWins = policy.execute(({ attempt }) =>
      clock.sleep(attempt === 1 ? 70 : 1_000).then(() => attempt),
    );
    await clock.advance(70);
    await expect(firstWins).resolves.toBe(1);
    expect(won).toEqual([
      { attempt: 2, winner: 'hedge', attempts: 2 },
      { attempt: 1, winner: 'first', attempts: 2 },
    ]);
    await clock.advance(2_000);
  });

  it('waits for the slower attempt when the first fails after hedging', async () => {
    const clock = new ManualClock();
    const policy = pipeline(timeout(10_000, { clock }), hedge({ delay: 10, clock }));
    const result = policy.execute(({ attempt }) =>
      attempt === 1
        ? clock.sleep(20).then(() => Promise.reject(new Error('first failed')))
        : clock.sleep(30).then(() => 'second'),
    );
    await clock.advance(40);
    await expect(result).resolves.toBe('second');
  });

  it('starts no attempt once the caller aborts, even when the work ignores its signal', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delay: 1_000, maxHedged: 3, clock });
    const controller = new AbortController();
    let started = 0;
    const call = policy.execute(() => {
      started++;
      return clock.sleep(5_000).then(() => Promise.reject(new Error('slow failure')));
    }, controller.signal);
    await clock.advance(1_000);
    expect(started).toBe(2);
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    await clock.advance(20_000);
    expect(started).toBe(2);
    expect(clock.pendingTimers).toBe(0);
    const early = new AbortController();
    early.abort(new Error('before'));
    await expect(policy.execute(() => started++, early.signal)).rejects.toThrow('before');
    expect(started).toBe(2);
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => hedge({ delay: 'x' as never })).toThrow(/hedge.delay/);
    expect(() => hedge({ delay: 1, maxHedged: 0 })).toThrow(/maxHedged/);
  });
});
