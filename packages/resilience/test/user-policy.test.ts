import { ManualClock } from '@ballast/core/testing';
import { TimeoutError, UnavailableError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import {
  circuitBreaker,
  consecutiveFailures,
  constantBackoff,
  isBrokenCircuitError,
  type Policy,
  pipeline,
  retry,
  timeout,
} from '../src/index.js';
import { tagging } from './user-policies.js';

describe('a user-written policy in a pipeline', () => {
  it('runs once per attempt between the built-in policies, outermost first', async () => {
    const tags: string[] = [];
    const clock = new ManualClock();
    const policy = pipeline(
      retry({ maxAttempts: 3, backoff: constantBackoff(0), clock }),
      tagging(tags, 'mine'),
      timeout('1s', { clock }),
    );
    let calls = 0;
    const result = await policy.execute(({ attempt }) => {
      calls++;
      tags.push(`work:${attempt}`);
      if (calls < 2) throw new UnavailableError('flaky');
      return 'ok';
    });
    expect(result).toBe('ok');
    // tagging() passes attempt 1 every time: the chain's attempt (from retry) wins.
    expect(tags).toEqual(['mine:start', 'work:1', 'mine:end', 'mine:start', 'work:2', 'mine:end']);
  });

  it("is counted by a circuit breaker outside it, like any policy's failure", async () => {
    const breaker = circuitBreaker({ strategy: consecutiveFailures(2), clock: new ManualClock() });
    const policy = pipeline(breaker, tagging([], 'mine'));
    for (let i = 0; i < 2; i++) {
      await expect(policy.execute(() => Promise.reject(new UnavailableError('down')))).rejects.toThrow(
        'down',
      );
    }
    expect(breaker.state).toBe('open');
    const error = await policy.execute(() => 1).catch((e: unknown) => e);
    expect(isBrokenCircuitError(error)).toBe(true);
  });

  it('passes its own signal down: work below a built-in timeout sees the user policy abort', async () => {
    const reason = new Error('my own deadline');
    const aborting: Policy = {
      execute(work, signal) {
        const mine = new AbortController();
        const result = work({ signal: AbortSignal.any([mine.signal, signal ?? mine.signal]), attempt: 1 });
        mine.abort(reason);
        return Promise.resolve(result);
      },
    };
    const clock = new ManualClock();
    const policy = pipeline(aborting, timeout('1s', { clock }));
    const seen = await policy.execute(
      ({ signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => resolve(signal.reason));
        }),
    );
    expect(seen).toBe(reason);
  });

  it("hands the chain's signal to the user policy, so a built-in timeout outside it reaches its work", async () => {
    const clock = new ManualClock();
    let received: AbortSignal | undefined;
    const passThrough: Policy = {
      execute(work, signal) {
        received = signal;
        return Promise.resolve(work({ signal: signal ?? new AbortController().signal, attempt: 1 }));
      },
    };
    const policy = pipeline(timeout(100, { clock }), passThrough);
    const result = policy.execute(
      ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    const settled = expect(result).rejects.toThrow(TimeoutError);
    await clock.advance(100);
    await settled;
    expect(received?.aborted).toBe(true);
  });

  it('gives the policies inside it the attempt it passes when larger than the chain’s', async () => {
    const fixed: Policy = {
      execute: (work) => Promise.resolve(work({ signal: AbortSignal.timeout(60_000), attempt: 7 })),
    };
    const bare: Policy = { execute: (work) => Promise.resolve((work as () => unknown)()) as never };
    await expect(pipeline(fixed).execute(({ attempt }) => attempt)).resolves.toBe(7);
    await expect(pipeline(bare).execute(({ attempt, signal }) => [attempt, signal.aborted])).resolves.toEqual(
      [1, false],
    );
  });

  it('turns a user policy that throws instead of rejecting into a rejection', async () => {
    const throwing: Policy = {
      execute() {
        throw new Error('sync throw');
      },
    };
    await expect(pipeline(throwing).execute(() => 1)).rejects.toThrow('sync throw');
  });

  it('refuses an object without an execute function, naming the position and what a policy is', () => {
    expect(() => pipeline({ execute: 'no' } as never)).toThrow(
      /^Invalid option pipeline\[0\]: .*expected a policy: an object with execute\(work, signal\)/,
    );
  });
});
