import { ManualClock } from '@ballast/core/testing';
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

describe('createCache: a factory run overtaken by a write', () => {
  it.each(changes)('returns its value but does not cache it over %s', async (_, change, expected) => {
    const tier = mapTier();
    const bus = pairBus();
    const a = createCache({ tiers: [memoryTier(), tier], bus: bus() });
    const b = createCache({ tiers: [memoryTier(), tier], bus: bus() });
    await Promise.resolve();
    let finish!: (value: string) => void;
    const loading = a.getOrSet('k', () => new Promise<string>((resolve) => (finish = resolve)), {
      tags: ['t'],
    });
    await turn();
    await change({ a, b });
    finish('from the source, read before the change');
    expect(await loading).toBe('from the source, read before the change');
    expect(await a.get('k')).toBe(expected);
    expect(tier.map.get('k')?.value).toBe(expected);
    await Promise.all([a.close(), b.close()]);
  });

  it('does not hold the stale value over a write made while the failing factory ran', async () => {
    const clock = new ManualClock();
    const cache = createCache({ tiers: [memoryTier()], ttl: '1s', grace: '1h', clock });
    await cache.set('k', 'old');
    await clock.advance(2_000);
    let fail!: (error: Error) => void;
    const loading = cache.getOrSet('k', () => new Promise<string>((_, reject) => (fail = reject)));
    await turn();
    await cache.set('k', 'new');
    fail(new Error('source down'));
    // Fail-safe answers the callers with the stale value, but the newer write stays cached.
    expect(await loading).toBe('old');
    expect(await cache.get('k')).toBe('new');
  });

  it('caches the value of a factory run that nothing overtook', async () => {
    const cache = createCache({ tiers: [memoryTier(), mapTier()] });
    let finish!: (value: string) => void;
    const loading = cache.getOrSet('k', () => new Promise<string>((resolve) => (finish = resolve)));
    await turn();
    await cache.set('other', 'x');
    finish('v');
    expect(await loading).toBe('v');
    expect(await cache.get('k')).toBe('v');
  });
});

describe('createCache: tag deletions overtake only what carries the tag', () => {
  it('still caches a read and a factory value whose tags were not deleted', async () => {
    const { tier, release } = slowReads();
    const cache = createCache({ tiers: [memoryTier(), tier] });
    const writer = createCache({ tiers: [tier] });
    await writer.set('read', 'r', { tags: ['kept'] });
    let finish!: (value: string) => void;
    const loading = cache.getOrSet('made', () => new Promise<string>((resolve) => (finish = resolve)), {
      tags: ['kept'],
    });
    await release(); // its read misses: the factory runs
    const reading = cache.get('read');
    await turn();
    await cache.deleteByTag('other');
    finish('m');
    await release();
    expect([await reading, await loading]).toEqual(['r', 'm']);
    const reads = tier.calls;
    expect([await cache.get('read'), await cache.get('made')]).toEqual(['r', 'm']);
    expect(tier.calls).toBe(reads); // both answered from L1
  });

  it('treats more deleted tags than it remembers as a clear', async () => {
    const cache = createCache({ tiers: [memoryTier(), mapTier()] });
    let finish!: (value: string) => void;
    const loading = cache.getOrSet('k', () => new Promise<string>((resolve) => (finish = resolve)), {
      tags: ['kept'],
    });
    await turn();
    await cache.deleteByTag(Array.from({ length: 1_100 }, (_, i) => `t${i}`));
    finish('v');
    expect(await loading).toBe('v');
    expect(await cache.get('k')).toBeUndefined();
    // Once nothing is watched, the bound starts afresh.
    expect(await cache.getOrSet('k', () => 'w', { tags: ['kept'] })).toBe('w');
    expect(await cache.get('k')).toBe('w');
  });
});

describe('createCache: reads and factories racing writes (property)', () => {
  const key = fc.constantFrom('a', 'b');
  const command = fc.oneof(
    fc.record({ kind: fc.constant('read' as const), key }),
    fc.record({ kind: fc.constant('load' as const), key }),
    fc.record({ kind: fc.constant('set' as const), key }),
    fc.record({ kind: fc.constant('delete' as const), key }),
    fc.record({ kind: fc.constant('remote set' as const), key }),
    fc.record({ kind: fc.constant('tag delete' as const) }),
    fc.record({ kind: fc.constant('answer' as const) }),
  );

  it('ends with L1 agreeing with the shared tier, and no factory value over a later write', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 30 }), async (commands) => {
        const { tier, release } = slowReads();
        const bus = pairBus();
        const a = createCache({ tiers: [memoryTier(), tier], bus: bus() });
        const b = createCache({ tiers: [memoryTier(), tier], bus: bus() });
        await Promise.resolve();
        // Writes are awaited, so their order is defined; reads and factory runs race them.
        const pending: Promise<unknown>[] = [];
        const factories: (() => void)[] = [];
        /** Per key: explicit writes issued, the last one's value, and factory values allowed. */
        const model = new Map(
          ['a', 'b'].map((k) => [k, { writes: 0, last: undefined as unknown, allowed: new Set<unknown>() }]),
        );
        let n = 0;
        const wrote = (k: string, value: unknown): void => {
          const m = model.get(k)!;
          m.writes++;
          m.last = value;
          m.allowed.clear();
        };
        const answer = async (): Promise<void> => {
          for (const finish of factories.splice(0)) finish();
          await release();
        };
        for (const step of commands) {
          const value = `v${++n}`;
          if (step.kind === 'read') pending.push(a.get(step.key));
          else if (step.kind === 'load') {
            pending.push(
              a.getOrSet(
                step.key,
                () => {
                  // The value may stand only if no write of the key was issued after this.
                  const m = model.get(step.key)!;
                  const started = m.writes;
                  return new Promise<string>((resolve) =>
                    factories.push(() => {
                      if (m.writes === started) m.allowed.add(value);
                      resolve(value);
                    }),
                  );
                },
                { tags: ['t'] },
              ),
            );
          } else if (step.kind === 'set' || step.kind === 'remote set') {
            wrote(step.key, value);
            await (step.kind === 'set' ? a : b).set(step.key, value, { tags: ['t'] });
          } else if (step.kind === 'delete') {
            wrote(step.key, undefined);
            await a.delete(step.key);
          } else if (step.kind === 'tag delete') {
            for (const k of model.keys()) wrote(k, undefined);
            await a.deleteByTag('t');
          } else await answer();
        }
        for (let round = 0; round < 10 && !(await settled(pending)); round++) await answer();
        expect(await settled(pending)).toBe(true);
        for (const [k, m] of model) {
          const held = tier.map.get(k)?.value;
          if (held !== m.last) expect(m.allowed).toContain(held);
          const reading = a.get(k);
          await release();
          expect(await reading).toBe(held);
        }
        await Promise.all([a.close(), b.close()]);
      }),
      { numRuns: 150 },
    );
  });
});

/** Whether every promise has settled, checked within a turn. */
async function settled(promises: Promise<unknown>[]): Promise<boolean> {
  const done = Symbol('done');
  const outcome = await Promise.race([Promise.allSettled(promises).then(() => done), turn()]);
  return outcome === done;
}
