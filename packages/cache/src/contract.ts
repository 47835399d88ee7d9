import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheEntry, CacheTier } from './tier.js';

/** Options for {@link cacheTierContract}. */
export interface TierContractOptions {
  /** Shown in the suite title. @defaultValue the tier's `name` */
  name?: string;
  /**
   * Creates a second tier on the same store, as another cache would use it (another Redis
   * prefix, table scope or directory). When given, the suite checks that `clear()` and
   * `deleteByTag()` of one tier leave the other's entries alone.
   */
  createSibling?: () => CacheTier | Promise<CacheTier>;
}

function entry<T>(value: T, tags: readonly string[] = []): CacheEntry<T> {
  const now = Date.now();
  return { value, createdAt: now, freshUntil: now + 60_000, staleUntil: now + 120_000, ttl: 60_000, tags };
}

/**
 * The test suite every `CacheTier` must pass, for vitest. Call it at the top level of a
 * test file with a function that creates a fresh, empty tier; each test clears and closes
 * the tier it made. Tests of optional methods (`getSync`, `deleteByTag`, `lock`) are
 * skipped for a tier without them.
 *
 * @example
 * import { cacheTierContract } from '@ballast/cache/testing';
 * cacheTierContract(() => postgresTier({ pool, table: 'cache_test' }));
 */
export function cacheTierContract(
  createTier: () => CacheTier | Promise<CacheTier>,
  options: TierContractOptions = {},
): void {
  describe(`CacheTier contract${options.name === undefined ? '' : `: ${options.name}`}`, () => {
    let tier: CacheTier;

    beforeEach(async () => {
      tier = await createTier();
    });

    afterEach(async () => {
      await tier.clear();
      await tier.close?.();
    });

    it('has a name', () => {
      expect(typeof tier.name).toBe('string');
      expect(tier.name.length).toBeGreaterThan(0);
    });

    it('returns undefined for a key it does not hold', async () => {
      expect(await tier.get('contract:missing')).toBeUndefined();
    });

    it('returns the entry it was given: value, times and tags', async () => {
      const values: unknown[] = [
        'text',
        42,
        0,
        false,
        null,
        [1, 'two', { three: 3 }],
        { nested: { a: [1, 2] } },
        'ünïcødé ✓',
      ];
      for (const [index, value] of values.entries()) {
        const stored = entry(value, ['contract-tag']);
        await tier.set(`contract:value:${index}`, stored);
        const read = await tier.get(`contract:value:${index}`);
        expect(read).toEqual(stored);
      }
    });

    it('replaces an entry on set', async () => {
      await tier.set('contract:replace', entry('first'));
      await tier.set('contract:replace', entry('second'));
      expect((await tier.get('contract:replace'))?.value).toBe('second');
    });

    it('applies writes of one key made without awaiting in call order: the last one wins', async () => {
      // Earlier writes are larger, so a tier that lets a later write finish first shows it.
      const write = (index: number, size: number) => entry({ index, padding: '.'.repeat(size) });
      const writeOf = async () =>
        ((await tier.get('contract:race'))?.value as { index: number } | undefined)?.index;
      const sizes = [80_000, 40_000, 20_000, 5_000, 0];
      await Promise.all(sizes.map((size, index) => tier.set('contract:race', write(index, size))));
      expect(await writeOf()).toBe(sizes.length - 1);
      await Promise.all([tier.set('contract:race', write(0, 80_000)), tier.delete('contract:race')]);
      expect(await tier.get('contract:race')).toBeUndefined();
      await Promise.all([tier.delete('contract:race'), tier.set('contract:race', write(1, 0))]);
      expect(await writeOf()).toBe(1);
    });

    it('keeps keys apart, including keys that share a prefix', async () => {
      await tier.set('contract:a', entry('a'));
      await tier.set('contract:ab', entry('ab'));
      await tier.set('contract:a:b', entry('a:b'));
      expect((await tier.get('contract:a'))?.value).toBe('a');
      expect((await tier.get('contract:ab'))?.value).toBe('ab');
      expect((await tier.get('contract:a:b'))?.value).toBe('a:b');
    });

    it('deletes one key and accepts deleting a missing key', async () => {
      await tier.set('contract:keep', entry(1));
      await tier.set('contract:drop', entry(2));
      await tier.delete('contract:drop');
      await tier.delete('contract:never-set');
      expect(await tier.get('contract:drop')).toBeUndefined();
      expect((await tier.get('contract:keep'))?.value).toBe(1);
    });

    it('clears everything it stored', async () => {
      await tier.set('contract:c1', entry(1));
      await tier.set('contract:c2', entry(2, ['t']));
      await tier.clear();
      expect(await tier.get('contract:c1')).toBeUndefined();
      expect(await tier.get('contract:c2')).toBeUndefined();
    });

    it('answers getSync like get, when it has getSync', async (ctx) => {
      if (tier.getSync === undefined) return ctx.skip();
      const stored = entry({ sync: true });
      await tier.set('contract:sync', stored);
      expect(tier.getSync('contract:sync')).toEqual(await tier.get('contract:sync'));
      expect(tier.getSync('contract:sync-missing')).toBeUndefined();
    });

    it('deletes by tag every entry carrying it, and nothing else', async (ctx) => {
      if (tier.deleteByTag === undefined) return ctx.skip();
      await tier.set('contract:t1', entry(1, ['red']));
      await tier.set('contract:t2', entry(2, ['red', 'blue']));
      await tier.set('contract:t3', entry(3, ['blue']));
      await tier.set('contract:t4', entry(4));
      await tier.deleteByTag('red');
      await tier.deleteByTag('never-used');
      expect(await tier.get('contract:t1')).toBeUndefined();
      expect(await tier.get('contract:t2')).toBeUndefined();
      expect((await tier.get('contract:t3'))?.value).toBe(3);
      expect((await tier.get('contract:t4'))?.value).toBe(4);
    });

    it('forgets the old tags of a replaced entry', async (ctx) => {
      if (tier.deleteByTag === undefined) return ctx.skip();
      await tier.set('contract:retag', entry('old', ['old-tag']));
      await tier.set('contract:retag', entry('new', ['new-tag']));
      await tier.deleteByTag('old-tag');
      expect((await tier.get('contract:retag'))?.value).toBe('new');
      await tier.deleteByTag('new-tag');
      expect(await tier.get('contract:retag')).toBeUndefined();
    });

    it('grants a lock to one holder at a time, with growing fencing tokens', async (ctx) => {
      if (tier.lock === undefined) return ctx.skip();
      const first = await tier.lock('contract:lock', 5_000);
      expect(first).toBeDefined();
      expect(await tier.lock('contract:lock', 5_000)).toBeUndefined();
      await first!.release();
      const second = await tier.lock('contract:lock', 5_000);
      expect(second).toBeDefined();
      expect(second!.fencingToken).toBeGreaterThan(first!.fencingToken);
      await second!.release();
    });

    it('keeps fencing tokens growing across clear()', async (ctx) => {
      if (tier.lock === undefined) return ctx.skip();
      const first = await tier.lock('contract:fence', 5_000);
      await first!.release();
      await tier.clear();
      const second = await tier.lock('contract:fence', 5_000);
      expect(second).toBeDefined();
      expect(second!.fencingToken).toBeGreaterThan(first!.fencingToken);
      await second!.release();
    });

    const { createSibling } = options;
    if (createSibling !== undefined) {
      it('clears and deletes by tag only its own entries, not those of a sibling on the same store', async () => {
        const sibling = await createSibling();
        try {
          await sibling.set('contract:shared', entry('sibling', ['contract-shared']));
          await sibling.set('contract:sibling-only', entry('sibling'));
          await tier.set('contract:shared', entry('mine', ['contract-shared']));
          expect((await tier.get('contract:shared'))?.value).toBe('mine');
          expect((await sibling.get('contract:shared'))?.value).toBe('sibling');
          if (tier.deleteByTag !== undefined) {
            await tier.deleteByTag('contract-shared');
            expect(await tier.get('contract:shared')).toBeUndefined();
            expect((await sibling.get('contract:shared'))?.value).toBe('sibling');
            await tier.set('contract:shared', entry('mine', ['contract-shared']));
          }
          await tier.clear();
          expect(await tier.get('contract:shared')).toBeUndefined();
          expect((await sibling.get('contract:shared'))?.value).toBe('sibling');
          expect((await sibling.get('contract:sibling-only'))?.value).toBe('sibling');
        } finally {
          await sibling.clear();
          await sibling.close?.();
        }
      });
    }
  });
}
