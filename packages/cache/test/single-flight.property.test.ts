import { ManualClock } from '@ballast/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCache, memoryTier } from '../src/index.js';
import { mapTier } from './helpers.js';

/** How a key's factory settles: at once, on a later microtask, or after a delay on the clock. */
type Timing = { kind: 'sync' } | { kind: 'microtask' } | { kind: 'timer'; delay: number };

interface KeyPlan {
  timing: Timing;
  fails: boolean;
}

const KEYS = ['a', 'b', 'c', 'd'];

const keyPlan: fc.Arbitrary<KeyPlan> = fc.record({
  timing: fc.oneof(
    fc.constant({ kind: 'sync' } as const),
    fc.constant({ kind: 'microtask' } as const),
    fc.record({ kind: fc.constant('timer' as const), delay: fc.integer({ min: 1, max: 100 }) }),
  ),
  fails: fc.boolean(),
});

/** One wave: a plan per key and the callers, each naming its key and when it joins. */
const wave = fc.record({
  plans: fc.array(keyPlan, { minLength: KEYS.length, maxLength: KEYS.length }),
  callers: fc.array(fc.record({ key: fc.integer({ min: 0, max: KEYS.length - 1 }), join: fc.nat(99) }), {
    minLength: 1,
    maxLength: 60,
  }),
});

describe('getOrSet: single flight', () => {
  it('runs each key’s factory once per wave however many callers wait, and gives all of them its outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(wave, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (waves, twoTiers) => {
          const clock = new ManualClock({ now: 1_000_000 });
          const tiers = twoTiers ? [memoryTier(), mapTier()] : [memoryTier()];
          const cache = createCache({ tiers, clock, ttl: '1h' });
          for (const [number, { plans, callers }] of waves.entries()) {
            const calls = KEYS.map(() => 0);
            const outcomes = KEYS.map((key) => ({
              value: { wave: number, key },
              error: new Error(`${number}:${key}`),
            }));
            const factoryOf = (index: number) => () => {
              calls[index]!++;
              const { timing, fails } = plans[index]!;
              const { value, error } = outcomes[index]!;
              const settle = (): { wave: number; key: string } => {
                if (fails) throw error;
                return value;
              };
              if (timing.kind === 'sync') return settle();
              if (timing.kind === 'microtask') return Promise.resolve().then(settle);
              return clock.sleep(timing.delay).then(settle);
            };
            const results: Promise<unknown>[] = [];
            for (const { key, join } of callers) {
              const timing = plans[key]!.timing;
              const call = () => cache.getOrSet(KEYS[key]!, factoryOf(key));
              // Callers of a timed factory join while it runs; the others all join at once.
              if (timing.kind !== 'timer' || join % timing.delay === 0) results.push(call());
              else
                results.push(
                  new Promise((resolve) => clock.setTimeout(() => resolve(call()), join % timing.delay)),
                );
            }
            const settled = Promise.allSettled(results);
            await clock.advance(200);
            const answers = await settled;
            callers.forEach(({ key }, i) => {
              const answer = answers[i]!;
              const { value, error } = outcomes[key]!;
              if (plans[key]!.fails) expect(answer).toEqual({ status: 'rejected', reason: error });
              else expect(answer).toEqual({ status: 'fulfilled', value });
              if (answer.status === 'rejected') expect(answer.reason).toBe(error);
              else expect((answer as PromiseFulfilledResult<unknown>).value).toBe(value);
            });
            const called = new Set(callers.map(({ key }) => key));
            expect(calls).toEqual(KEYS.map((_, index) => (called.has(index) ? 1 : 0)));
            for (const key of KEYS) await cache.delete(key);
          }
          await cache.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
