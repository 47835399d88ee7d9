import { ManualClock } from '@ballast/core/testing';
import { TimeoutError, UnavailableError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import {
  circuitBreaker,
  consecutiveFailures,
  isBrokenCircuitError,
  pipeline,
  timeout,
} from '../src/index.js';

describe('pipeline', () => {
  it('runs the work through every policy, outermost first', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ strategy: consecutiveFailures(2), clock });
    const policy = pipeline(breaker, timeout(100, { clock }));
    const slow = policy.execute(() => new Promise(() => {}));
    const settled = expect(slow).rejects.toThrow(TimeoutError);
    await clock.advance(100);
    await settled;
    const slow2 = policy.execute(() => new Promise(() => {}));
    const settled2 = expect(slow2).rejects.toThrow(TimeoutError);
    await clock.advance(100);
    await settled2;
    expect(breaker.state).toBe('open');
    const error = await policy.execute(() => 1).catch((e: unknown) => e);
    expect(isBrokenCircuitError(error)).toBe(true);
  });

  it('gives the work a context with the attempt number and a working signal', async () => {
    const policy = pipeline(circuitBreaker(), timeout(1_000));
    const result = await policy.execute(({ attempt, signal }) => ({ attempt, aborted: signal.aborted }));
    expect(result).toEqual({ attempt: 1, aborted: false });
  });

  it('hands the caller signal straight to the work when no policy scopes it', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await pipeline(circuitBreaker()).execute(({ signal }) => {
      seen = signal;
    }, controller.signal);
    expect(seen).toBe(controller.signal);
    await pipeline().execute(({ signal }) => {
      seen = signal;
    });
    expect(seen?.aborted).toBe(false);
  });

  it('nests pipelines and turns synchronous throws into rejections', async () => {
    const inner = pipeline(timeout(1_000));
    const outer = pipeline(circuitBreaker(), inner);
    const boom = new UnavailableError('boom');
    await expect(
      outer.execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(outer.execute(() => Promise.resolve('v'))).resolves.toBe('v');
  });

  it('aborts an inner timeout scope when an outer one fires', async () => {
    const clock = new ManualClock();
    const policy = pipeline(timeout(10, { clock }), timeout(1_000, { clock }));
    let seen: AbortSignal | undefined;
    const result = policy.execute(({ signal }) => {
      seen = signal;
      return new Promise(() => {});
    });
    const settled = expect(result).rejects.toThrow(/after 10 ms/);
    await clock.advance(10);
    await settled;
    expect(seen?.aborted).toBe(true);
    expect((seen!.reason as Error).message).toMatch(/after 10 ms/);
  });

  it('gives an aborted signal to work under a scope whose parent already aborted', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    controller.abort('gone');
    const policy = pipeline(timeout(10, { clock }), timeout(20, { clock }));
    let inner: AbortSignal | undefined;
    const outer = new AbortController();
    const result = policy.execute(async (ctx) => {
      await Promise.resolve();
      outer.abort('parent gone');
      inner = ctx.signal;
      return inner.aborted;
    }, outer.signal);
    await expect(result).resolves.toBe(true);
    expect(inner?.reason).toBe('parent gone');
  });

  it('rejects anything that is not a policy', () => {
    expect(() => pipeline({} as never)).toThrow(/pipeline\[0\]/);
    expect(() => pipeline(timeout(1), undefined as never)).toThrow(/pipeline\[1\]/);
  });
});
