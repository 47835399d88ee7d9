import { ManualClock } from '@ballast/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCache, memoryTier } from '../src/index.js';
import { mapTier } from './helpers.js';

type Command =
  | { kind: 'set'; key: string; value: number }
  | { kind: 'delete'; key: string }
  | { kind: 'get'; key: string }
  | { kind: 'flush' };

const KEYS = ['a', 'b', 'c'];
const key = fc.constantFrom(...KEYS);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('get' as const), key }),
  fc.record({ kind: fc.constant('flush' as const) }),
);

const FLUSH = 10;

describe('write-behind against a reference model', () => {
  it('reads its own writes and leaves the slow tier agreeing with L1 (the last write wins)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { maxLength: 40 }),
        // Whether each successive write to the slow tier fails (cycled).
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 3 }),
        async (commands, failures, maxBatch) => {
          const clock = new ManualClock();
          const l2 = mapTier();
          let call = 0;
          l2.failWrite = () => failures[call++ % failures.length]!;
          const cache = createCache({
            tiers: [memoryTier(), l2],
            clock,
            ttl: '1h',
            writeBehind: { flushInterval: FLUSH, maxBatch, maxAttempts: 1_000 },
            protection: { failures: 1_000_000 },
          });
          const model = new Map<string, number>();
          for (const step of commands) {
            if (step.kind === 'set') {
              await cache.set(step.key, step.value);
              model.set(step.key, step.value);
            } else if (step.kind === 'delete') {
              await cache.delete(step.key);
              model.delete(step.key);
            } else if (step.kind === 'get') {
              expect(await cache.get(step.key)).toBe(model.get(step.key));
            } else await clock.advance(FLUSH);
          }
          for (const k of KEYS) expect(await cache.get(k)).toBe(model.get(k));
          l2.failWrite = undefined;
          await cache.close();
          for (const k of KEYS) expect(l2.map.get(k)?.value).toBe(model.get(k));
        },
      ),
      { numRuns: 200 },
    );
  });
});
