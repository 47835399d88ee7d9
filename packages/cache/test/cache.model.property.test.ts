import { ManualClock } from '@ballast/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCache, memoryTier } from '../src/index.js';
import { mapTier } from './helpers.js';

type Op =
  | { kind: 'set'; key: string; value: number; ttl: number; tag: string | undefined }
  | { kind: 'get'; key: string }
  | { kind: 'getOrSet'; key: string; value: number; fail: boolean }
  | { kind: 'delete'; key: string }
  | { kind: 'deleteByTag'; tag: string }
  | { kind: 'advance'; ms: number };

const key = fc.constantFrom('a', 'b', 'c');
const tag = fc.constantFrom('red', 'blue');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    key,
    value: fc.integer(),
    // Mostly round numbers, so that time often lands exactly on a boundary.
    ttl: fc.oneof({ arbitrary: fc.constantFrom(25, 50, 100), weight: 3 }, fc.integer({ min: 1, max: 300 })),
    tag: fc.option(tag, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('get' as const), key }),
  fc.record({ kind: fc.constant('getOrSet' as const), key, value: fc.integer(), fail: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('deleteByTag' as const), tag }),
  fc.record({
    kind: fc.constant('advance' as const),
    ms: fc.oneof({ arbitrary: fc.constantFrom(0, 25, 50), weight: 3 }, fc.integer({ min: 0, max: 400 })),
  }),
);

interface ModelEntry {
  value: number;
  freshUntil: number;
  staleUntil: number;
  tags: string[];
}

const TTL = 100;
const GRACE = 50;
const RETRY_AFTER = 30;

describe('createCache against a reference model', () => {
  it('never returns a deleted, expired-beyond-grace or other key’s value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), fc.boolean(), async (ops, twoTiers) => {
        const clock = new ManualClock({ now: 0 });
        const tiers = twoTiers
          ? [memoryTier({ maxEntries: 100 }), mapTier()]
          : [memoryTier({ maxEntries: 100 })];
        const cache = createCache({ tiers, clock, ttl: TTL, grace: GRACE, retryAfter: RETRY_AFTER });
        const model = new Map<string, ModelEntry>();
        const live = (k: string): ModelEntry | undefined => {
          const entry = model.get(k);
          return entry !== undefined && clock.now() < entry.staleUntil ? entry : undefined;
        };
        for (const step of ops) {
          const now = clock.now();
          switch (step.kind) {
            case 'set':
              await cache.set(step.key, step.value, {
                ttl: step.ttl,
                ...(step.tag ? { tags: [step.tag] } : {}),
              });
              model.set(step.key, {
                value: step.value,
                freshUntil: now + step.ttl,
                staleUntil: now + step.ttl + GRACE,
                tags: step.tag ? [step.tag] : [],
              });
              break;
            case 'get': {
              const got = await cache.get<number>(step.key);
              const expected = live(step.key);
              if (expected !== undefined && now < expected.freshUntil) expect(got).toBe(expected.value);
              else expect(got).toBeUndefined();
              break;
            }
            case 'getOrSet': {
              const expected = live(step.key);
              const result = cache.getOrSet(step.key, () => {
                if (step.fail) throw new Error('factory failed');
                return step.value;
              });
              if (expected !== undefined && now < expected.freshUntil) {
                expect(await result).toBe(expected.value);
              } else if (step.fail) {
                if (expected === undefined) await expect(result).rejects.toThrow('factory failed');
                else {
                  expect(await result).toBe(expected.value);
                  // Fail-safe throttle: the stale value is held as fresh for RETRY_AFTER.
                  expected.freshUntil = Math.min(now + RETRY_AFTER, expected.staleUntil);
                }
              } else {
                expect(await result).toBe(step.value);
                model.set(step.key, {
                  value: step.value,
                  freshUntil: now + TTL,
                  staleUntil: now + TTL + GRACE,
                  tags: [],
                });
              }
              break;
            }
            case 'delete':
              await cache.delete(step.key);
              model.delete(step.key);
              break;
            case 'deleteByTag':
              await cache.deleteByTag(step.tag);
              for (const [k, entry] of model) if (entry.tags.includes(step.tag)) model.delete(k);
              break;
            case 'advance':
              await clock.advance(step.ms);
              break;
          }
        }
        await cache.close();
      }),
      { numRuns: 100 },
    );
  });
});
