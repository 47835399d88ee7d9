import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BusHandlers, type CacheBus, createCache, memoryTier } from '../src/index.js';
import { mapTier } from './helpers.js';

/** A bus between the caches of one test, delivering synchronously. */
function pairBus(): () => CacheBus {
  const subscribers = new Set<BusHandlers>();
  return () => ({
    async publish(message) {
      for (const handlers of subscribers) handlers.message(message);
    },
    subscribe(handlers) {
      subscribers.add(handlers);
    },
    close() {},
  });
}

/** A shared tier whose reads answer with what it held when asked, once released. */
function slowReads() {
  const tier = mapTier();
  const gates: (() => void)[] = [];
  const get = tier.get.bind(tier);
  tier.get = async (key, signal) => {
    const held = await get(key, signal);
    await new Promise<void>((resolve) => gates.push(resolve));
    return held;
  };
  /** Lets every read asked so far answer, and waits for the answers to be taken in. */
  const release = async (): Promise<void> => {
    await turn();
    for (const gate of gates.splice(0)) gate();
    await turn();
  };
  return { tier, release };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Change = (parts: {
  a: ReturnType<typeof createCache>;
  b: ReturnType<typeof createCache>;
}) => Promise<void>;

const changes: [string, Change, unknown][] = [
  ['a set in this process', ({ a }) => a.set('k', 'new', { tags: ['t'] }), 'new'],
  ['a delete in this process', ({ a }) => a.delete('k'), undefined],
  ['a tag deletion in this process', ({ a }) => a.deleteByTag('t'), undefined],
  ['a clear in this process', ({ a }) => a.clear(), undefined],
  ['a set in another process', ({ b }) => b.set('k', 'new', { tags: ['t'] }), 'new'],
  ['a tag deletion in another process', ({ b }) => b.deleteByTag('t'), undefined],
  ['a clear in another process', ({ b }) => b.clear(), undefined],
];

describe('createCache: a read overtaken by a write', () => {
  it.each(changes)('does not keep the older value in L1 after %s', async (_, change, expected) => {
    const { tier, release } = slowReads();
    const bus = pairBus();
    const a = createCache({ tiers: [memoryTier(), tier], bus: bus() });
    const b = createCache({ tiers: [memoryTier(), tier], bus: bus() });
    await Promise.resolve();
    await b.set('k', 'old', { tags: ['t'] });
    const reading = a.get('k');
    await turn();
    await change({ a, b });
    await release();
    // The read began before the change: answering with the older value is right.
    expect(await reading).toBe('old');
    const after = a.get('k');
    await release();
    expect(await after).toBe(expected);
    await Promise.all([a.close(), b.close()]);
  });

  it('still fills L1 from reads nobody overtook, and again once an overtaken read has ended', async () => {
    const { tier, release } = slowReads();
    const bus = pairBus();
    const a = createCache({ tiers: [memoryTier(), tier], bus: bus() });
    const b = createCache({ tiers: [memoryTier(), tier], bus: bus() });
    await Promise.resolve();
    await b.set('k', 'v1');
    await b.set('other', 'w');
    const first = a.get('k');
    const untouched = a.get('other');
    await turn();
    await b.set('k', 'v2');
    await release();
    expect([await first, await untouched]).toEqual(['v1', 'w']);
    const reads = tier.calls;
    expect(await a.get('other')).toBe('w');
    expect(tier.calls).toBe(reads);
    const second = a.get('k');
    await release();
    expect(await second).toBe('v2');
    expect(await a.get('k')).toBe('v2');
    expect(tier.calls).toBe(reads + 1);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('createCache: reads racing writes (property)', () => {
  const command = fc.oneof(
    fc.record({ kind: fc.constant('read' as const), key: fc.constantFrom('a', 'b') }),
    fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('a', 'b'), value: fc.nat(9) }),
    fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('a', 'b') }),
    fc.record({ kind: fc.constant('remote set' as const), key: fc.constantFrom('a', 'b'), value: fc.nat(9) }),
    fc.record({ kind: fc.constant('tag delete' as const) }),
    fc.record({ kind: fc.constant('answer' as const) }),
  );

  it('ends with every L1 agreeing with the shared tier, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 30 }), async (commands) => {
        const { tier, release } = slowReads();
        const bus = pairBus();
        const a = createCache({ tiers: [memoryTier(), tier], bus: bus() });
        const b = createCache({ tiers: [memoryTier(), tier], bus: bus() });
        await Promise.resolve();
        const pending: Promise<unknown>[] = [];
        for (const step of commands) {
          if (step.kind === 'read') pending.push(a.get(step.key));
          else if (step.kind === 'set') pending.push(a.set(step.key, step.value, { tags: ['t'] }));
          else if (step.kind === 'delete') pending.push(a.delete(step.key));
          else if (step.kind === 'remote set') pending.push(b.set(step.key, step.value, { tags: ['t'] }));
          else if (step.kind === 'tag delete') pending.push(a.deleteByTag('t'));
          else await release();
        }
        await release();
        await Promise.all(pending);
        for (const key of ['a', 'b']) {
          const reading = a.get(key);
          await release();
          expect(await reading).toBe(tier.map.get(key)?.value);
        }
        await Promise.all([a.close(), b.close()]);
      }),
      { numRuns: 150 },
    );
  });
});
