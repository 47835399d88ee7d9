import assert from 'node:assert/strict';
import type { Clock } from '@ballast/core';
import { ManualClock } from '@ballast/core/testing';
import { invalidOption } from '@ballast/errors';
import type { CacheEntry, CacheTier } from './tier.js';

/** What the suite hands the factory of each tier it tests. */
export interface TierContractContext {
  /**
   * The clock the suite dates its entries with: give it to the tier (the way `createCache`
   * users pass theirs) and judge expiry by it. It stands far from the system time, so a
   * tier that compares `staleUntil` with `Date.now()` instead misses every read and fails.
   */
  readonly clock: Clock;
}

/**
 * The `describe` and `it` of the test runner the suite registers with: vitest's, jest's or
 * `node:test`'s all fit. A test function receives the runner's context; the suite calls its
 * `skip()` for a case about an optional method the tier does not have.
 */
export interface ContractRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: (context: { skip?: (note?: string) => void }) => Promise<void>): unknown;
}

/** Options for {@link cacheTierContract}. */
export interface TierContractOptions {
  /** Shown in the suite title. @defaultValue none */
  name?: string;
  /**
   * Creates a second tier on the same store, as another cache would use it (another Redis
   * prefix, table scope or directory). When given, the suite checks that `clear()` and
   * `deleteByTag()` of one tier leave the other's entries alone.
   */
  createSibling?: (context: TierContractContext) => CacheTier | Promise<CacheTier>;
  /**
   * The test runner's `describe` and `it`, e.g. `{ describe, it }` imported from `vitest`
   * or from `node:test`. @defaultValue the global `describe` and `it`, when the runner
   * defines them (jest, vitest with `globals: true`)
   */
  runner?: ContractRunner;
}

/** One case of the contract: a name, and a check that resolves, throws, or says why it skipped. */
interface ContractCase {
  readonly name: string;
  run(tier: CacheTier, context: TierContractContext): Promise<string | undefined>;
}

/** Far from any system time a test runs at: 2001-01-01T00:00:00Z. */
const CONTRACT_EPOCH = Date.UTC(2001, 0, 1);

function entryAt<T>(clock: Clock, value: T, tags: readonly string[] = []): CacheEntry<T> {
  const now = clock.now();
  return { value, createdAt: now, freshUntil: now + 60_000, staleUntil: now + 120_000, ttl: 60_000, tags };
}

const NO = (method: string): string => `the tier has no ${method}()`;

const cases: readonly ContractCase[] = [
  {
    name: 'has a name',
    async run(tier) {
      assert.equal(typeof tier.name, 'string');
      assert.ok(tier.name.length > 0, 'name must not be empty');
      return undefined;
    },
  },
  {
    name: 'returns undefined for a key it does not hold',
    async run(tier) {
      assert.equal(await tier.get('contract:missing'), undefined);
      return undefined;
    },
  },
  {
    name: "returns the entry it was given (value, times and tags), judging expiry by the cache's clock",
    async run(tier, { clock }) {
      const values: unknown[] = [
        'text',
        42,
        0,
        false,
        null,
        [1, 'two', { three: 3 }],
        { nested: { a: [1, 2] } },
      ];
      values.push('ünïcødé ✓');
      for (const [index, value] of values.entries()) {
        const stored = entryAt(clock, value, ['contract-tag']);
        await tier.set(`contract:value:${index}`, stored);
        const read = await tier.get(`contract:value:${index}`);
        assert.notEqual(
          read,
          undefined,
          'an entry within its staleUntil was not returned: does the tier compare times with Date.now() instead of the clock it was given?',
        );
        assert.deepEqual(read, stored);
      }
      return undefined;
    },
  },
  {
    name: 'replaces an entry on set',
    async run(tier, { clock }) {
      await tier.set('contract:replace', entryAt(clock, 'first'));
      await tier.set('contract:replace', entryAt(clock, 'second'));
      assert.equal((await tier.get('contract:replace'))?.value, 'second');
      return undefined;
    },
  },
  {
    name: 'applies writes of one key made without awaiting in call order: the last one wins',
    async run(tier, { clock }) {
      // Earlier writes are larger, so a tier that lets a later write finish first shows it.
      const write = (index: number, size: number) => entryAt(clock, { index, padding: '.'.repeat(size) });
      const writeOf = async () =>
        ((await tier.get('contract:race'))?.value as { index: number } | undefined)?.index;
      const sizes = [80_000, 40_000, 20_000, 5_000, 0];
      await Promise.all(sizes.map((size, index) => tier.set('contract:race', write(index, size))));
      assert.equal(await writeOf(), sizes.length - 1);
      await Promise.all([tier.set('contract:race', write(0, 80_000)), tier.delete('contract:race')]);
      assert.equal(await tier.get('contract:race'), undefined);
      await Promise.all([tier.delete('contract:race'), tier.set('contract:race', write(1, 0))]);
      assert.equal(await writeOf(), 1);
      return undefined;
    },
  },
  {
    name: 'keeps keys apart, including keys that share a prefix',
    async run(tier, { clock }) {
      await tier.set('contract:a', entryAt(clock, 'a'));
      await tier.set('contract:ab', entryAt(clock, 'ab'));
      await tier.set('contract:a:b', entryAt(clock, 'a:b'));
      assert.equal((await tier.get('contract:a'))?.value, 'a');
      assert.equal((await tier.get('contract:ab'))?.value, 'ab');
      assert.equal((await tier.get('contract:a:b'))?.value, 'a:b');
      return undefined;
    },
  },
  {
    name: 'deletes one key and accepts deleting a missing key',
    async run(tier, { clock }) {
      await tier.set('contract:keep', entryAt(clock, 1));
      await tier.set('contract:drop', entryAt(clock, 2));
      await tier.delete('contract:drop');
      await tier.delete('contract:never-set');
      assert.equal(await tier.get('contract:drop'), undefined);
      assert.equal((await tier.get('contract:keep'))?.value, 1);
      return undefined;
    },
  },
  {
    name: 'clears everything it stored',
    async run(tier, { clock }) {
      await tier.set('contract:c1', entryAt(clock, 1));
      await tier.set('contract:c2', entryAt(clock, 2, ['t']));
      await tier.clear();
      assert.equal(await tier.get('contract:c1'), undefined);
      assert.equal(await tier.get('contract:c2'), undefined);
      return undefined;
    },
  },
  {
    name: 'answers getSync like get, when it has getSync',
    async run(tier, { clock }) {
      if (tier.getSync === undefined) return NO('getSync');
      await tier.set('contract:sync', entryAt(clock, { sync: true }));
      assert.deepEqual(tier.getSync('contract:sync'), await tier.get('contract:sync'));
      assert.equal(tier.getSync('contract:sync-missing'), undefined);
      return undefined;
    },
  },
  {
    name: 'deletes by tag every entry carrying it, and nothing else',
    async run(tier, { clock }) {
      if (tier.deleteByTag === undefined) return NO('deleteByTag');
      await tier.set('contract:t1', entryAt(clock, 1, ['red']));
      await tier.set('contract:t2', entryAt(clock, 2, ['red', 'blue']));
      await tier.set('contract:t3', entryAt(clock, 3, ['blue']));
      await tier.set('contract:t4', entryAt(clock, 4));
      await tier.deleteByTag('red');
      await tier.deleteByTag('never-used');
      assert.equal(await tier.get('contract:t1'), undefined);
      assert.equal(await tier.get('contract:t2'), undefined);
      assert.equal((await tier.get('contract:t3'))?.value, 3);
      assert.equal((await tier.get('contract:t4'))?.value, 4);
      return undefined;
    },
  },
  {
    name: 'forgets the old tags of a replaced entry',
    async run(tier, { clock }) {
      if (tier.deleteByTag === undefined) return NO('deleteByTag');
      await tier.set('contract:retag', entryAt(clock, 'old', ['old-tag']));
      await tier.set('contract:retag', entryAt(clock, 'new', ['new-tag']));
      await tier.deleteByTag('old-tag');
      assert.equal((await tier.get('contract:retag'))?.value, 'new');
      await tier.deleteByTag('new-tag');
      assert.equal(await tier.get('contract:retag'), undefined);
      return undefined;
    },
  },
  {
    name: 'grants a lock to one holder at a time, with growing fencing tokens',
    async run(tier) {
      if (tier.lock === undefined) return NO('lock');
      const first = await tier.lock('contract:lock', 5_000);
      assert.ok(first, 'the first lock must be granted');
      assert.equal(await tier.lock('contract:lock', 5_000), undefined);
      await first.release();
      const second = await tier.lock('contract:lock', 5_000);
      assert.ok(second, 'a released lock must be granted again');
      assert.ok(second.fencingToken > first.fencingToken, 'fencing tokens must grow');
      await second.release();
      return undefined;
    },
  },
  {
    name: 'keeps fencing tokens growing across clear()',
    async run(tier) {
      if (tier.lock === undefined) return NO('lock');
      const first = await tier.lock('contract:fence', 5_000);
      assert.ok(first, 'the first lock must be granted');
      await first.release();
      await tier.clear();
      const second = await tier.lock('contract:fence', 5_000);
      assert.ok(second, 'a lock must be granted after clear()');
      assert.ok(second.fencingToken > first.fencingToken, 'fencing tokens must grow across clear()');
      await second.release();
      return undefined;
    },
  },
];

function siblingCase(
  createSibling: (context: TierContractContext) => CacheTier | Promise<CacheTier>,
): ContractCase {
  return {
    name: 'clears and deletes by tag only its own entries, not those of a sibling on the same store',
    async run(tier, context) {
      const { clock } = context;
      const sibling = await createSibling(context);
      try {
        await sibling.set('contract:shared', entryAt(clock, 'sibling', ['contract-shared']));
        await sibling.set('contract:sibling-only', entryAt(clock, 'sibling'));
        await tier.set('contract:shared', entryAt(clock, 'mine', ['contract-shared']));
        assert.equal((await tier.get('contract:shared'))?.value, 'mine');
        assert.equal((await sibling.get('contract:shared'))?.value, 'sibling');
        if (tier.deleteByTag !== undefined) {
          await tier.deleteByTag('contract-shared');
          assert.equal(await tier.get('contract:shared'), undefined);
          assert.equal((await sibling.get('contract:shared'))?.value, 'sibling');
          await tier.set('contract:shared', entryAt(clock, 'mine', ['contract-shared']));
        }
        await tier.clear();
        assert.equal(await tier.get('contract:shared'), undefined);
        assert.equal((await sibling.get('contract:shared'))?.value, 'sibling');
        assert.equal((await sibling.get('contract:sibling-only'))?.value, 'sibling');
      } finally {
        await sibling.clear();
        await sibling.close?.();
      }
      return undefined;
    },
  };
}

function globalRunner(): ContractRunner {
  const { describe, it } = globalThis as unknown as Partial<ContractRunner>;
  if (typeof describe !== 'function' || typeof it !== 'function') {
    throw invalidOption(
      'runner',
      undefined,
      'the test runner\'s { describe, it }, imported from "vitest", "node:test" or your runner (no global describe/it is defined)',
    );
  }
  return { describe, it };
}

/**
 * Registers the test suite every `CacheTier` must pass with your test runner (vitest,
 * `node:test`, jest…). Call it at the top level of a test file with a function that
 * creates a fresh, empty tier from the suite's context; each test creates its own tier,
 * then clears and closes it. The suite dates entries with `context.clock`, far from the
 * system time: give that clock to your tier, as users give the cache's clock to theirs.
 * Cases about optional methods (`getSync`, `deleteByTag`, `lock`) are skipped for a tier
 * without them. Assertions use `node:assert`, so no runner's `expect` is needed.
 *
 * @example
 * import { describe, it } from 'node:test'; // or from 'vitest'
 * import { cacheTierContract } from '@ballast/cache/testing';
 * cacheTierContract(({ clock }) => postgresTier({ pool, table: 'cache_test', clock }), {
 *   runner: { describe, it },
 * });
 */
export function cacheTierContract(
  createTier: (context: TierContractContext) => CacheTier | Promise<CacheTier>,
  options: TierContractOptions = {},
): void {
  const runner = options.runner ?? globalRunner();
  const all = options.createSibling === undefined ? cases : [...cases, siblingCase(options.createSibling)];
  runner.describe(`CacheTier contract${options.name === undefined ? '' : `: ${options.name}`}`, () => {
    for (const contractCase of all) {
      runner.it(contractCase.name, async (testContext) => {
        const context: TierContractContext = { clock: new ManualClock({ now: CONTRACT_EPOCH }) };
        const tier = await createTier(context);
        try {
          const skipped = await contractCase.run(tier, context);
          if (skipped !== undefined) testContext?.skip?.(skipped);
        } finally {
          await tier.clear();
          await tier.close?.();
        }
      });
    }
  });
}
